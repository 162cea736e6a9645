import type { Logger } from 'pino';
import type { PaymentProvider } from '../../shared/domain';
import type { Database } from '../persistence/db';
import type { PaymentIntake } from './payment-intake';

export interface ReconcileOptions {
  /** A payment pending this long is asked about (webhooks normally arrive within seconds). */
  afterMs: number;
  intervalMs: number;
  /** Older payments are left alone: their links expired long ago. */
  maxAgeMs: number;
  batchSize?: number;
}

interface Claimed {
  id: string;
  business_id: string;
  provider: PaymentProvider;
  reference: string;
}

/**
 * Claims a batch of payments due for a check, in one statement: `checked_at` is stamped on the
 * rows it returns and `skip locked` keeps two nodes off the same rows, so each payment is asked
 * about by one node per round. A payment is re-asked after a pause that grows with its age
 * (a quarter of it, at least `afterMs`), so an abandoned link costs a few calls, not thousands.
 */
export async function claimDuePayments(
  database: Database,
  options: ReconcileOptions,
): Promise<Claimed[]> {
  return database.sql.query<Claimed>(
    `update payments p set checked_at = now()
      where p.id in (
        select id from payments
         where status = 'pending'
           and created_at < now() - make_interval(secs => $1::float8 / 1000)
           and created_at > now() - make_interval(secs => $2::float8 / 1000)
           and (checked_at is null
                or checked_at < now() - greatest(make_interval(secs => $1::float8 / 1000), (now() - created_at) / 4))
         order by coalesce(checked_at, created_at)
         limit $3
         for update skip locked)
      returning p.id, p.business_id, p.provider, p.reference`,
    [options.afterMs, options.maxAgeMs, options.batchSize ?? 20],
  );
}

/**
 * Reconciliation (issue 7 §7): a lost webhook must still end in `paid`. Every node runs this
 * loop; the claim above splits the work. A paid payment goes through the same intake as a
 * webhook (verified, matched against its order, applied once).
 */
export function createReconciler(deps: {
  database: Database;
  intake: PaymentIntake;
  log: Logger;
  options: ReconcileOptions;
}) {
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;

  async function runOnce(): Promise<number> {
    const claimed = await claimDuePayments(deps.database, deps.options);
    let applied = 0;
    for (const row of claimed) {
      try {
        const outcome = await deps.intake.reconcile(row.business_id, row);
        if (outcome === 'applied') applied++;
        if (outcome !== 'pending') {
          deps.log.info(
            { event: 'payment.reconciled', paymentId: row.id, provider: row.provider, outcome },
            'reconciliation found an outcome the webhooks did not deliver',
          );
        }
      } catch (err) {
        deps.log.warn(
          { event: 'payment.reconcile_failed', paymentId: row.id, provider: row.provider, err },
          'could not ask the provider; next round',
        );
      }
    }
    return applied;
  }

  const tick = () => {
    if (running) return;
    running = runOnce()
      .then(() => undefined)
      .catch((err: unknown) =>
        deps.log.warn(
          { event: 'payment.reconcile_round_failed', err },
          'reconciliation round failed',
        ),
      )
      .finally(() => {
        running = null;
      });
  };

  return {
    runOnce,
    start() {
      timer ??= setInterval(tick, deps.options.intervalMs);
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      await running;
    },
  };
}
