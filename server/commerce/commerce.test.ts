import { describe, expect, it } from 'vitest';
import { invoiceNumberText } from './invoices.pg';
import { createInvoiceLinks } from './invoice-links';
import { buildNoticeEmail } from './notice-email';
import { itemsKeyOf, mergeItems, orderCode } from './orders.pg';
import { mismatchOf } from './payment-intake';
import { referenceFor } from './payments.pg';
import { pickProvider } from './provider-registry';
import { stripeClientOptions } from './providers/stripe';

describe('order keys', () => {
  it('treats the same items in any order, split or not, as the same request', () => {
    expect(
      itemsKeyOf([
        { sku: 'TOTE', qty: 1 },
        { sku: 'MUG', qty: 1 },
        { sku: 'MUG', qty: 1 },
      ]),
    ).toBe('MUG:2,TOTE:1');
    expect(
      mergeItems([
        { sku: 'B', qty: 1 },
        { sku: 'A', qty: 2 },
      ]),
    ).toEqual([
      { sku: 'A', qty: 2 },
      { sku: 'B', qty: 1 },
    ]);
  });

  it('makes references every provider accepts and short codes people can read', () => {
    const ref = referenceFor('3f2a9c1b-0000-4000-8000-000000000001', 2);
    expect(ref).toMatch(/^[A-Za-z0-9-]{1,100}$/);
    expect(ref.endsWith('-2')).toBe(true);
    expect(orderCode('3f2a9c1b-0000-4000-8000-000000000001')).toBe('#3F2A9C1B');
    expect(invoiceNumberText(42)).toBe('INV-000042');
  });
});

describe('provider choice', () => {
  it('takes the first enabled provider that settles the currency', () => {
    expect(pickProvider(['paystack', 'stripe'], 'NGN')).toBe('stripe');
    expect(pickProvider(['paystack', 'flutterwave'], 'NGN')).toBe('paystack');
    expect(pickProvider(['paystack', 'flutterwave'], 'UGX')).toBe('flutterwave');
    expect(pickProvider(['paystack'], 'EUR')).toBeNull();
    expect(pickProvider([], 'USD')).toBeNull();
  });

  it('points stripe-node at STRIPE_API_URL by host, port and protocol', () => {
    expect(stripeClientOptions('http://127.0.0.1:12111')).toMatchObject({
      host: '127.0.0.1',
      port: 12111,
      protocol: 'http',
    });
    expect(stripeClientOptions(undefined)).not.toHaveProperty('host');
  });
});

describe('payment matching', () => {
  const found = {
    order: { totalMinor: 2500, currency: 'USD' },
    payment: { reference: 'pl-1', amountMinor: 2500 },
  } as never;
  const paid = {
    status: 'succeeded',
    reference: 'pl-1',
    amountMinor: 2500,
    currency: 'usd',
    providerPaymentId: null,
  } as const;

  it('accepts only the order’s amount, currency and reference', () => {
    expect(mismatchOf(found, paid)).toBeNull();
    expect(mismatchOf(found, { ...paid, amountMinor: 2499 })).toMatch(/amount 2499/);
    expect(mismatchOf(found, { ...paid, currency: 'EUR' })).toMatch(/currency EUR/);
    expect(mismatchOf(found, { ...paid, reference: 'pl-2' })).toMatch(/reference pl-2/);
  });
});

describe('invoice links', () => {
  const links = createInvoiceLinks({
    secrets: ['current-secret'],
    baseUrl: () => 'https://shop.test',
  });
  const id = '3f2a9c1b-0000-4000-8000-000000000001';

  it('signs the invoice id and verifies only what it signed', () => {
    const url = links.urlFor(id);
    const token = url.split('/').pop() as string;
    expect(url.startsWith('https://shop.test/api/invoice-links/')).toBe(true);
    expect(links.verify(token)).toBe(id);
    expect(links.verify(`${token}.pdf`)).toBe(id);
    expect(links.verify(token.replace(id, '3f2a9c1b-0000-4000-8000-000000000002'))).toBeNull();
    expect(links.verify(`${id}.`)).toBeNull();
    expect(links.verify('nonsense')).toBeNull();
  });

  it('keeps old links working after a secret rotation', () => {
    const token = links.urlFor(id).split('/').pop() as string;
    const rotated = createInvoiceLinks({
      secrets: ['next-secret', 'current-secret'],
      baseUrl: () => '',
    });
    expect(rotated.verify(token)).toBe(id);
    expect(
      createInvoiceLinks({ secrets: ['next-secret'], baseUrl: () => '' }).verify(token),
    ).toBeNull();
  });
});

describe('owner emails', () => {
  it('say what was paid, through which provider, and never more', () => {
    const mail = buildNoticeEmail(
      {
        kind: 'order_paid',
        businessId: 'b',
        orderId: '3f2a9c1b-0000-4000-8000-000000000001',
        conversationId: 'c',
        provider: 'paystack',
        reference: 'pl-1',
        amountMinor: 500000,
        currency: 'NGN',
      },
      'Ada Shoes',
    );
    expect(mail.subject).toBe('Ada Shoes: order #3F2A9C1B paid (5,000.00 NGN)');
    expect(mail.text).toContain('through paystack');
    const odd = buildNoticeEmail(
      {
        kind: 'payment_mismatch',
        businessId: 'b',
        orderId: '3f2a9c1b-0000-4000-8000-000000000001',
        provider: 'stripe',
        reference: 'pl-1',
        reason: 'amount 900 is not the order’s 1200 (minor units)',
      },
      'Ada Shoes',
    );
    expect(odd.subject).toContain('needs a look');
    expect(odd.text).toContain('amount 900');
  });
});
