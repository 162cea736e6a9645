import { describe, expect, it } from 'vitest';
import type { ParsedAction } from './control-tags';
import { validateActions, type ActionFacts } from './validate-actions';

const facts = (over: Partial<ActionFacts> = {}): ActionFacts => ({
  products: new Map([
    ['mug-blue', { sku: 'MUG-BLUE', stock: 5, currency: 'USD' }],
    ['tee-1', { sku: 'TEE-1', stock: null, currency: 'usd' }],
    ['ngn-1', { sku: 'NGN-1', stock: null, currency: 'NGN' }],
  ]),
  checkoutPending: false,
  hasOrder: false,
  ...over,
});
const checkout = (...items: [string, number][]): ParsedAction => ({
  type: 'checkout',
  items: items.map(([sku, qty]) => ({ sku, qty })),
});
const check = (parsed: ParsedAction[], f = facts()) => validateActions(parsed, f);

describe('validateActions', () => {
  it('accepts a checkout of known SKUs in stock, with the catalog spelling', () => {
    expect(check([checkout(['mug-blue', 2], ['TEE-1', 40])])).toEqual({
      actions: [
        {
          type: 'checkout',
          items: [
            { sku: 'MUG-BLUE', qty: 2 },
            { sku: 'TEE-1', qty: 40 },
          ],
        },
      ],
      rejected: [],
    });
  });

  it('merges several checkout tags into one basket', () => {
    expect(check([checkout(['MUG-BLUE', 1]), checkout(['MUG-BLUE', 2], ['TEE-1', 1])])).toEqual({
      actions: [
        {
          type: 'checkout',
          items: [
            { sku: 'MUG-BLUE', qty: 3 },
            { sku: 'TEE-1', qty: 1 },
          ],
        },
      ],
      rejected: [],
    });
  });

  it.each([
    ['an unknown SKU', [checkout(['NOPE', 1])], 'unknown_sku'],
    ['a known and an unknown SKU', [checkout(['MUG-BLUE', 1], ['NOPE', 1])], 'unknown_sku'],
    ['a zero quantity', [checkout(['MUG-BLUE', 0])], 'bad_quantity'],
    ['more than the stock', [checkout(['MUG-BLUE', 6])], 'out_of_stock'],
    [
      'more than the stock over two tags',
      [checkout(['MUG-BLUE', 3]), checkout(['MUG-BLUE', 3])],
      'out_of_stock',
    ],
    ['a huge quantity', [checkout(['TEE-1', 1001])], 'bad_quantity'],
    ['two currencies', [checkout(['TEE-1', 1], ['NGN-1', 1])], 'mixed_currency'],
  ] as const)('refuses a checkout with %s', (_, parsed, reason) => {
    const result = check([...parsed]);
    expect(result.actions).toEqual([]);
    expect(result.rejected.map((r) => r.reason)).toEqual([reason]);
  });

  it('refuses a second checkout while a payment link is out', () => {
    const result = check([checkout(['MUG-BLUE', 1])], facts({ checkoutPending: true }));
    expect(result).toEqual({
      actions: [],
      rejected: [{ reason: 'checkout_pending', action: 'checkout' }],
    });
  });

  it('refuses an invoice without an order, and keeps one with', () => {
    expect(check([{ type: 'invoice' }]).rejected).toEqual([
      { reason: 'no_order', action: 'invoice' },
    ]);
    expect(check([{ type: 'invoice' }], facts({ hasOrder: true })).actions).toEqual([
      { type: 'invoice' },
    ]);
  });

  it('drops duplicates', () => {
    const result = check([{ type: 'order_status' }, { type: 'order_status' }]);
    expect(result.actions).toEqual([{ type: 'order_status' }]);
    expect(result.rejected).toEqual([{ reason: 'duplicate', action: 'order_status' }]);
  });

  it('lets a handoff win over everything else', () => {
    const result = check([
      checkout(['MUG-BLUE', 1]),
      { type: 'handoff', reason: 'angry' },
      { type: 'order_status' },
    ]);
    expect(result.actions).toEqual([{ type: 'handoff', reason: 'angry' }]);
    expect(result.rejected.map((r) => [r.reason, r.action])).toEqual([
      ['superseded_by_handoff', 'checkout'],
      ['superseded_by_handoff', 'order_status'],
    ]);
  });
});
