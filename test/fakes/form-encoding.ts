/**
 * Decodes `application/x-www-form-urlencoded` bodies with bracket keys, the way Stripe's v1 API
 * reads what stripe-node sends (`line_items[0][price_data][currency]=usd`, `expand[]=x`).
 * Objects whose keys are exactly `0..n-1` become arrays, as on Stripe's side.
 */
export function decodeForm(text: string): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(text)) assign(root, parseKey(key), value);
  return toArrays(root) as Record<string, unknown>;
}

/** `a[b][0]` → `['a', 'b', '0']`; `a[]` → `['a', '']` (append). */
function parseKey(key: string): string[] {
  const open = key.indexOf('[');
  if (open <= 0) return [key];
  const parts = [key.slice(0, open)];
  for (const match of key.slice(open).matchAll(/\[([^\]]*)\]/g)) parts.push(match[1] ?? '');
  return parts;
}

function assign(target: Record<string, unknown>, path: string[], value: string): void {
  let node = target;
  path.forEach((raw, i) => {
    // An empty segment appends: its index is the number of entries so far.
    const segment = raw === '' ? String(Object.keys(node).length) : raw;
    if (i === path.length - 1) {
      node[segment] = value;
      return;
    }
    const next = node[segment];
    if (typeof next !== 'object' || next === null) node[segment] = {};
    node = node[segment] as Record<string, unknown>;
  });
}

function toArrays(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value as Record<string, unknown>).map(
    ([k, v]) => [k, toArrays(v)] as const,
  );
  const isList = entries.length > 0 && entries.every(([k], i) => k === String(i));
  return isList ? entries.map(([, v]) => v) : Object.fromEntries(entries);
}
