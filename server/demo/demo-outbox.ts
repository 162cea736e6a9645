/** A message the Graph stand-in accepted: what a simulated customer's phone would show. */
export interface DemoDelivery {
  /**
   * The customer: a WhatsApp number, or a page- or Instagram-scoped id (the Send API serves
   * Messenger and Instagram alike, so the id is all there is to tell them apart).
   */
  recipient: string;
  text: string;
}

export type DemoDeliveryListener = (delivery: DemoDelivery) => void;

export interface DemoOutbox {
  deliver(delivery: DemoDelivery): void;
  /** Returns the unsubscribe. */
  listen(listener: DemoDeliveryListener): () => void;
}

export function createDemoOutbox(): DemoOutbox {
  const listeners = new Set<DemoDeliveryListener>();
  return {
    deliver(delivery) {
      for (const listener of listeners) listener(delivery);
    },
    listen(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
