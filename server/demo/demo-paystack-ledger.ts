import { randomBytes, randomInt } from 'node:crypto';

/** Paystack reports a link nobody has paid as `abandoned`, then `success` or `failed`. */
export type DemoChargeStatus = 'abandoned' | 'success' | 'failed';

export interface DemoTransaction {
  readonly id: number;
  readonly reference: string;
  readonly accessCode: string;
  readonly businessId: string;
  readonly shopName: string;
  /** Minor units, as Paystack's `amount`. */
  readonly amount: number;
  readonly currency: string;
  readonly email: string;
  readonly description: string | null;
  readonly metadata: unknown;
  readonly createdAt: Date;
  status: DemoChargeStatus;
  settledAt: Date | null;
}

export type NewDemoTransaction = Omit<
  DemoTransaction,
  'id' | 'accessCode' | 'createdAt' | 'status' | 'settledAt'
>;

export interface DemoLedger {
  /** The new transaction, or null when the reference was used before (Paystack's duplicate). */
  open(input: NewDemoTransaction): DemoTransaction | null;
  get(reference: string): DemoTransaction | undefined;
  /** Pays or declines a transaction nobody has settled yet; null when it is settled already. */
  settle(reference: string, outcome: 'success' | 'failed'): DemoTransaction | null;
}

/**
 * The stand-in's transactions, in this process's memory: the embedded demo is one node, and
 * after a restart verify answers "not found" for older references, which Parley reads as
 * unpaid (its links expire within minutes in the demo anyway). The oldest are dropped past
 * `limit` so a demo left running for days stays small.
 */
export function createDemoLedger(limit = 5000): DemoLedger {
  const transactions = new Map<string, DemoTransaction>();
  return {
    open(input) {
      if (transactions.has(input.reference)) return null;
      const tx: DemoTransaction = {
        ...input,
        id: randomInt(1_000_000_000, 9_999_999_999),
        accessCode: randomBytes(10).toString('hex').slice(0, 15),
        createdAt: new Date(),
        status: 'abandoned',
        settledAt: null,
      };
      transactions.set(tx.reference, tx);
      if (transactions.size > limit) {
        const oldest = transactions.keys().next().value;
        if (oldest !== undefined) transactions.delete(oldest);
      }
      return tx;
    },
    get: (reference) => transactions.get(reference),
    settle(reference, outcome) {
      const tx = transactions.get(reference);
      if (!tx || tx.status !== 'abandoned') return null;
      tx.status = outcome;
      tx.settledAt = new Date();
      return tx;
    },
  };
}

const GATEWAY_RESPONSE: Record<DemoChargeStatus, string> = {
  abandoned: 'The transaction was not completed',
  success: 'Successful',
  failed: 'Declined',
};

/**
 * A transaction as Paystack's verify `data` and its `charge.*` webhook `data` carry it
 * (docs/wire-specs.md §5), trimmed to fields a receiver reads, with a test card's authorization.
 */
export function chargeOf(tx: DemoTransaction): Record<string, unknown> {
  const paidAt = tx.status === 'success' ? (tx.settledAt?.toISOString() ?? null) : null;
  return {
    id: tx.id,
    domain: 'test',
    status: tx.status,
    reference: tx.reference,
    amount: tx.amount,
    message: null,
    gateway_response: GATEWAY_RESPONSE[tx.status],
    paid_at: paidAt,
    paidAt,
    created_at: tx.createdAt.toISOString(),
    createdAt: tx.createdAt.toISOString(),
    channel: 'card',
    currency: tx.currency,
    ip_address: null,
    metadata: tx.metadata ?? '',
    fees: tx.status === 'success' ? Math.round(tx.amount * 0.015) : null,
    customer: { email: tx.email, customer_code: `CUS_${tx.accessCode}` },
    authorization:
      tx.status === 'abandoned'
        ? {}
        : {
            authorization_code: `AUTH_${tx.accessCode.slice(0, 10)}`,
            bin: '408408',
            last4: tx.status === 'success' ? '4081' : '0002',
            exp_month: '12',
            exp_year: '2030',
            channel: 'card',
            card_type: 'visa',
            bank: 'TEST BANK',
            country_code: 'NG',
            brand: 'visa',
            reusable: false,
          },
    requested_amount: tx.amount,
  };
}
