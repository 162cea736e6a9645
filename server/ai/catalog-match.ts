import type { CatalogItem } from './llm-provider';

/**
 * Plain word matching between what a customer wrote and the catalog: lower case, words of
 * letters and digits, a naive singular ("mugs" → "mug"). Used by the offline bot to find the
 * product meant and by the prompt to keep the relevant products when the catalog is capped.
 */

const STOPWORDS = new Set(['a', 'an', 'the', 'of', 'and', 'with', 'for', 'in', 'on', 'to']);

export function words(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).map(singular);
}

function singular(word: string): string {
  if (word.length > 4 && word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.length > 3 && word.endsWith('s') && !word.endsWith('ss')) return word.slice(0, -1);
  return word;
}

/** How many of the product's name words (or its whole SKU) the text mentions. */
export function matchScore(item: CatalogItem, textWords: ReadonlySet<string>): number {
  const nameWords = new Set(words(item.name).filter((w) => !STOPWORDS.has(w)));
  let score = 0;
  for (const w of nameWords) if (textWords.has(w)) score += 1;
  const skuWords = words(item.sku);
  if (skuWords.length > 0 && skuWords.every((w) => textWords.has(w))) score += 10;
  return score;
}

/** The products the text names best, best first (all with the top score; empty if none). */
export function bestMatches(catalog: readonly CatalogItem[], text: string): CatalogItem[] {
  const textWords = new Set(words(text));
  const scored = catalog.map((item) => ({ item, score: matchScore(item, textWords) }));
  const top = Math.max(0, ...scored.map((s) => s.score));
  return top === 0 ? [] : scored.filter((s) => s.score === top).map((s) => s.item);
}
