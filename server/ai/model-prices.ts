/**
 * List prices per model in micro-USD per 1,000 tokens (so $0.15 per million tokens is 150),
 * integers so that metering never accumulates float error. Checked 2026-11; update with the
 * providers' pages. A model missing here is charged `UNKNOWN_MODEL_PRICE`, the dearest line,
 * so a budget still binds when a business names a model we do not know.
 */
export interface ModelPrice {
  inputPerKTokens: number;
  outputPerKTokens: number;
}

export const MODEL_PRICES: Readonly<Record<string, ModelPrice>> = {
  // OpenAI
  'gpt-4o-mini': { inputPerKTokens: 150, outputPerKTokens: 600 },
  'gpt-4o': { inputPerKTokens: 2_500, outputPerKTokens: 10_000 },
  'gpt-4.1-mini': { inputPerKTokens: 400, outputPerKTokens: 1_600 },
  'gpt-4.1-nano': { inputPerKTokens: 100, outputPerKTokens: 400 },
  'gpt-4.1': { inputPerKTokens: 2_000, outputPerKTokens: 8_000 },
  // Anthropic
  'claude-haiku-4-5': { inputPerKTokens: 1_000, outputPerKTokens: 5_000 },
  'claude-3-5-haiku-latest': { inputPerKTokens: 800, outputPerKTokens: 4_000 },
  'claude-sonnet-4-5': { inputPerKTokens: 3_000, outputPerKTokens: 15_000 },
  // Groq
  'llama-3.1-8b-instant': { inputPerKTokens: 50, outputPerKTokens: 80 },
  'llama-3.3-70b-versatile': { inputPerKTokens: 590, outputPerKTokens: 790 },
  // Ours
  'parley-rules-1': { inputPerKTokens: 0, outputPerKTokens: 0 },
};

export const UNKNOWN_MODEL_PRICE: ModelPrice = { inputPerKTokens: 3_000, outputPerKTokens: 15_000 };

export function priceOf(model: string): ModelPrice {
  return MODEL_PRICES[model] ?? UNKNOWN_MODEL_PRICE;
}

/** Cost of one call in micro-USD, rounded up: metering never under-charges. */
export function costMicros(model: string, inputTokens: number, outputTokens: number): number {
  const p = priceOf(model);
  return Math.ceil((inputTokens * p.inputPerKTokens + outputTokens * p.outputPerKTokens) / 1000);
}

/** A business budget in minor units of USD (cents) as micro-USD. */
export const budgetMicros = (minor: number): number => minor * 10_000;

/** The metering month of an instant, in UTC: `2026-11`. */
export function monthOf(at: number): string {
  return new Date(at).toISOString().slice(0, 7);
}
