import type { AccessChange, AccessEvents } from '../ports';

/** In-process fan-out of access changes; the realtime layer carries them to the other nodes. */
export function createAccessEvents(): AccessEvents {
  const listeners = new Set<(change: AccessChange) => void>();
  const emit = (change: AccessChange) => {
    for (const listener of [...listeners]) listener(change);
  };
  return {
    accessChanged: (userId) => emit({ kind: 'user', userId }),
    sessionEnded: (sessionId) => emit({ kind: 'session', sessionId }),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
