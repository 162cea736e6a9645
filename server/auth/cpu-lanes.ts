import { AppError } from '../errors';

/**
 * Bounded, prioritised concurrency for CPU-heavy work on libuv's thread pool (bcrypt). Without
 * it, registrations (a cost-12 hash each, about 220 ms of CPU) filled the pool's four threads
 * and every sign-in waited behind them (security review L2). `urgent` work (checking a password
 * at sign-in) is started before any `background` work (hashing a new password) that is waiting;
 * a full queue is refused at once rather than growing without bound.
 */
export type Lane = 'urgent' | 'background';

export interface CpuLanes {
  run<T>(lane: Lane, work: () => Promise<T>): Promise<T>;
  readonly running: number;
  readonly waiting: number;
}

export function createCpuLanes(options: { concurrency: number; maxWaiting: number }): CpuLanes {
  const queues: Record<Lane, (() => void)[]> = { urgent: [], background: [] };
  let running = 0;

  const next = () => {
    while (running < options.concurrency) {
      const start = queues.urgent.shift() ?? queues.background.shift();
      if (!start) return;
      running++;
      start();
    }
  };

  return {
    run<T>(lane: Lane, work: () => Promise<T>): Promise<T> {
      if (queues.urgent.length + queues.background.length >= options.maxWaiting) {
        return Promise.reject(
          new AppError('unavailable', {
            message: 'Too many sign-ins and sign-ups at once. Try again in a moment.',
            headers: { 'retry-after': '2' },
          }),
        );
      }
      return new Promise<T>((resolve, reject) => {
        queues[lane].push(() => {
          work()
            .then(resolve, reject)
            .finally(() => {
              running--;
              next();
            });
        });
        next();
      });
    },
    get running() {
      return running;
    },
    get waiting() {
      return queues.urgent.length + queues.background.length;
    },
  };
}
