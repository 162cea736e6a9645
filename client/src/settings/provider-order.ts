import { AI_PROVIDERS, type AiProvider } from '../../../shared/settings.schema';

/** `list` with the item at `from` moved to `to` (both clamped); a new array. */
export function moveItem<T>(list: readonly T[], from: number, to: number): T[] {
  const next = [...list];
  if (from < 0 || from >= next.length) return next;
  const target = Math.max(0, Math.min(next.length - 1, to));
  const [item] = next.splice(from, 1);
  next.splice(target, 0, item as T);
  return next;
}

export interface ProviderRow {
  provider: AiProvider;
  enabled: boolean;
}

/** Every provider once: the saved order first (enabled), then the rest (off). */
export function rowsFromOrder(order: readonly AiProvider[]): ProviderRow[] {
  const rows: ProviderRow[] = order.map((provider) => ({ provider, enabled: true }));
  for (const provider of AI_PROVIDERS) {
    if (!order.includes(provider)) rows.push({ provider, enabled: false });
  }
  return rows;
}

export const orderFromRows = (rows: readonly ProviderRow[]): AiProvider[] =>
  rows.filter((r) => r.enabled).map((r) => r.provider);
