/**
 * Text PostgreSQL cannot store: U+0000 (refused by `text` and `jsonb`) and UTF-16 surrogates
 * without their pair (not Unicode at all; `jsonb` refuses their `\ud800` escape). JSON allows
 * both, so they arrive through any body; one of them made a request answer 500 and a Meta
 * delivery fail as a whole (security review L3).
 */
const UNSAFE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const UNSAFE_ALL = new RegExp(UNSAFE.source, 'g');
const MAX_DEPTH = 64;

export const hasUnsafeText = (text: string): boolean => UNSAFE.test(text);

/** The path (`['items', '0', 'name']`) of the first string or key holding such text, or null. */
export function findUnsafeText(value: unknown, path: string[] = []): string[] | null {
  if (typeof value === 'string') return hasUnsafeText(value) ? path : null;
  if (!value || typeof value !== 'object' || path.length > MAX_DEPTH) return null;
  for (const [key, item] of Object.entries(value)) {
    if (hasUnsafeText(key)) return [...path, key];
    const found = findUnsafeText(item, [...path, key]);
    if (found) return found;
  }
  return null;
}

/**
 * A copy with every such character replaced by U+FFFD (what a decoder shows for bytes it cannot
 * read), and how many strings changed: for deliveries that must be stored, not refused.
 */
export function cleanUnsafeText(value: unknown, depth = 0): { value: unknown; cleaned: number } {
  if (typeof value === 'string') {
    return hasUnsafeText(value)
      ? { value: value.replace(UNSAFE_ALL, '\uFFFD'), cleaned: 1 }
      : { value, cleaned: 0 };
  }
  if (!value || typeof value !== 'object' || depth > MAX_DEPTH) return { value, cleaned: 0 };
  let cleaned = 0;
  const clean = (item: unknown) => {
    const result = cleanUnsafeText(item, depth + 1);
    cleaned += result.cleaned;
    return result.value;
  };
  if (Array.isArray(value)) return { value: value.map(clean), cleaned };
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[clean(key) as string] = clean(item);
  return { value: out, cleaned };
}
