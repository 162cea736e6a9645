import type { PaidProviderName } from './settings';

/**
 * Prices in micro-USD per 1,000 tokens (so $0.15 per million tokens is 150), integers so that
 * metering never accumulates float error.
 */
export interface ModelPrice {
  inputPerKTokens: number;
  outputPerKTokens: number;
}

export interface AllowedModel extends ModelPrice {
  model: string;
}

/**
 * The models each paid provider may be asked for and what a call is metered at: the operator's
 * `AI_MODELS`, parsed in `server/config.ts`. A model that is not on it is never called, so there
 * is no price for an unknown model.
 */
export type ModelAllowList = Readonly<Record<PaidProviderName, readonly AllowedModel[]>>;

/**
 * The allow-list when `AI_MODELS` is unset: list prices, checked 2026-11; update with the
 * providers' pages.
 */
export const BUILT_IN_MODELS: ModelAllowList = {
  openai: [
    { model: 'gpt-4o-mini', inputPerKTokens: 150, outputPerKTokens: 600 },
    { model: 'gpt-4o', inputPerKTokens: 2_500, outputPerKTokens: 10_000 },
    { model: 'gpt-4.1-mini', inputPerKTokens: 400, outputPerKTokens: 1_600 },
    { model: 'gpt-4.1-nano', inputPerKTokens: 100, outputPerKTokens: 400 },
    { model: 'gpt-4.1', inputPerKTokens: 2_000, outputPerKTokens: 8_000 },
  ],
  anthropic: [
    { model: 'claude-haiku-4-5', inputPerKTokens: 1_000, outputPerKTokens: 5_000 },
    { model: 'claude-3-5-haiku-latest', inputPerKTokens: 800, outputPerKTokens: 4_000 },
    { model: 'claude-sonnet-4-5', inputPerKTokens: 3_000, outputPerKTokens: 15_000 },
  ],
  groq: [
    { model: 'llama-3.1-8b-instant', inputPerKTokens: 50, outputPerKTokens: 80 },
    { model: 'llama-3.3-70b-versatile', inputPerKTokens: 590, outputPerKTokens: 790 },
  ],
};

/** The offline bot's price. */
export const FREE: ModelPrice = { inputPerKTokens: 0, outputPerKTokens: 0 };

export const isPaid = (p: ModelPrice): boolean => p.inputPerKTokens > 0 || p.outputPerKTokens > 0;

/** Cost of one call in micro-USD, rounded up: metering never under-charges. */
export function costMicros(price: ModelPrice, inputTokens: number, outputTokens: number): number {
  return Math.ceil(
    (inputTokens * price.inputPerKTokens + outputTokens * price.outputPerKTokens) / 1000,
  );
}

/** A business budget in minor units of USD (cents) as micro-USD. */
export const budgetMicros = (minor: number): number => minor * 10_000;

/**
 * The budget that binds a business, in US cents: the operator's (`AI_MONTHLY_BUDGET_CENTS`), or
 * the business's own when it set a lower one. A business cannot raise it; `null` is no limit
 * of its own, not no limit at all.
 */
export function effectiveBudgetMinor(tenantMinor: number | null, operatorMinor: number): number {
  return tenantMinor === null ? operatorMinor : Math.min(tenantMinor, operatorMinor);
}

/** The metering month of an instant, in UTC: `2026-11`. */
export function monthOf(at: number): string {
  return new Date(at).toISOString().slice(0, 7);
}
