import type { Database } from '../persistence/db';
import { costMicros, monthOf, type ModelPrice } from './model-prices';

export interface Usage {
  businessId: string;
  provider: string;
  model: string;
  /** The model's price on the operator's list: the chain never calls a model without one. */
  price: ModelPrice;
  inputTokens: number;
  outputTokens: number;
  at: number;
}

export interface Metering {
  /** Adds one call's tokens and cost to the business's month; returns the call's cost. */
  record(usage: Usage): Promise<number>;
  /** Micro-USD spent by the business in the month of `at`, over every provider and model. */
  spentMicros(businessId: string, at: number): Promise<number>;
}

/**
 * Usage rows per business, provider, model and month, incremented in place. A retried effect
 * that calls the provider again is charged again: the provider charged us twice too.
 */
export function createPgMetering(database: Database): Metering {
  return {
    async record(usage) {
      const cost = costMicros(usage.price, usage.inputTokens, usage.outputTokens);
      await database.sql.query(
        `insert into ai_usage (business_id, month, provider, model, calls, input_tokens, output_tokens, cost_micros)
         values ($1, $2, $3, $4, 1, $5, $6, $7)
         on conflict (business_id, month, provider, model) do update
            set calls = ai_usage.calls + 1,
                input_tokens = ai_usage.input_tokens + excluded.input_tokens,
                output_tokens = ai_usage.output_tokens + excluded.output_tokens,
                cost_micros = ai_usage.cost_micros + excluded.cost_micros,
                updated_at = now()`,
        [
          usage.businessId,
          monthOf(usage.at),
          usage.provider,
          usage.model.slice(0, 100),
          usage.inputTokens,
          usage.outputTokens,
          cost,
        ],
      );
      return cost;
    },
    async spentMicros(businessId, at) {
      const rows = await database.sql.query<{ spent: number }>(
        `select coalesce(sum(cost_micros), 0)::float8 as spent from ai_usage
          where business_id = $1 and month = $2`,
        [businessId, monthOf(at)],
      );
      return Number(rows[0]?.spent ?? 0);
    },
  };
}
