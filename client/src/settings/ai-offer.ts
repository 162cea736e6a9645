import { formatMoney } from '../../../shared/money';
import type { AiModelOption, AiProviderOffer } from '../../../shared/settings.schema';

/** How the settings page shows what the server's operator offers; pure, so tested under Node. */

const DOLLARS = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  minimumFractionDigits: 2,
  maximumFractionDigits: 3,
});

/** Micro-USD per 1,000 tokens as dollars per million tokens: 150 → `$0.15`, 50 → `$0.05`. */
export const perMillionTokens = (perKTokens: number): string => DOLLARS.format(perKTokens / 1000);

/** `gpt-4o-mini · $0.15 in, $0.60 out` (per million tokens, as the page says above). */
export function modelLabel(option: AiModelOption): string {
  const input = perMillionTokens(option.inputPerKTokens);
  const output = perMillionTokens(option.outputPerKTokens);
  return `${option.model} · ${input} in, ${output} out`;
}

/** The first option of a provider's select: what answers when the business picks nothing. */
export function defaultLabel(offer: AiProviderOffer): string {
  const model = offer.models.find((m) => m.model === offer.defaultModel);
  return model ? `Server default (${modelLabel(model)})` : 'None offered on this server';
}

export interface ModelSelection {
  /** The select's value: a model on offer, or '' for the server default. */
  value: string;
  /** A saved model the server no longer offers (the default answers instead). */
  withdrawn: string | null;
}

/** Where a provider's select starts from the saved settings. */
export function modelSelection(saved: string | undefined, offer: AiProviderOffer): ModelSelection {
  if (saved === undefined) return { value: '', withdrawn: null };
  return offer.models.some((m) => m.model === saved)
    ? { value: saved, withdrawn: null }
    : { value: '', withdrawn: saved };
}

/** The budget field's hint, from the operator's limit and what the owner typed. */
export function budgetHint(operatorMinor: number, ownMinor: number | null): string {
  if (operatorMinor === 0) {
    return 'This server allows no paid AI, so only the offline bot answers.';
  }
  const limit = formatMoney(operatorMinor, 'USD');
  const base = `Language-model spend per calendar month (UTC). This server allows at most ${limit} per business; yours can only be lower. Empty means the server's limit.`;
  return ownMinor !== null && ownMinor > operatorMinor
    ? `${base} The server's limit of ${limit} applies.`
    : base;
}
