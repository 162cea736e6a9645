import type { AccessEvents } from '../ports';

/** In-process fan-out of access changes; the realtime layer carries them to the other nodes. */
export function createAccessEvents(): AccessEvents {
  const listeners = new Set<(userId: string) => void>();
  return {
    accessChanged(userId) {
      for (const listener of [...listeners]) listener(userId);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
