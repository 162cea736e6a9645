import { describe, expect, it } from 'vitest';
import { parseControlTags } from './control-tags';
import type { CatalogItem } from './llm-provider';
import { offlineReply } from './offline-bot';

const item = (
  sku: string,
  name: string,
  priceMinor: number,
  stock: number | null,
): CatalogItem => ({
  sku,
  name,
  description: null,
  priceMinor,
  currency: 'USD',
  stock,
});
const CATALOG = [
  item('MUG-BLUE', 'Blue mug', 1200, 5),
  item('MUG-RED', 'Red mug', 1300, 0),
  item('TEE-1', 'Parley tee', 2500, null),
];
const reply = (customerText: string, catalog = CATALOG) =>
  offlineReply({ businessName: 'Mug House', catalog, customerText });

describe('offline bot', () => {
  it('greets with the shop and what it sells', () => {
    expect(reply('Hello!')).toBe(
      'Hi! Welcome to Mug House. We have Blue mug, Red mug, Parley tee. Ask me about prices or stock, or say "I want 2 …" to order.',
    );
  });

  it('answers price questions for the product named, or for the catalog', () => {
    expect(reply('How much is the blue mug?')).toBe('Blue mug: 12.00 USD.');
    expect(reply('what are your prices')).toBe(
      'Blue mug: 12.00 USD; Red mug: 13.00 USD; Parley tee: 25.00 USD.',
    );
  });

  it('answers stock questions', () => {
    expect(reply('Is the red mug in stock?')).toBe('Red mug: out of stock.');
    expect(reply('do you have any tees available')).toBe('Parley tee: in stock.');
  });

  it('turns "I want 2 blue mugs" into a checkout tag the parser accepts', () => {
    const parsed = parseControlTags(reply('I want 2 blue mugs'));
    expect(parsed).toEqual({
      text: 'Great choice! 2 × Blue mug comes to 24.00 USD. I am preparing your payment link.',
      actions: [{ type: 'checkout', items: [{ sku: 'MUG-BLUE', qty: 2 }] }],
      rejected: [],
    });
  });

  it('reads quantities in words and defaults to one', () => {
    expect(parseControlTags(reply("I'd like three tees")).actions).toEqual([
      { type: 'checkout', items: [{ sku: 'TEE-1', qty: 3 }] },
    ]);
    expect(parseControlTags(reply('I want to buy the blue mug')).actions).toEqual([
      { type: 'checkout', items: [{ sku: 'MUG-BLUE', qty: 1 }] },
    ]);
  });

  it('does not sell what is not in stock', () => {
    expect(reply('I want 6 blue mugs')).toBe(
      'Sorry, we only have 5 × Blue mug in stock. How many would you like?',
    );
    expect(reply('I want a red mug')).toBe('Sorry, Red mug is out of stock right now.');
  });

  it('asks which product when the wish is ambiguous or unknown', () => {
    expect(reply('I want 2 mugs')).toBe('Which one would you like: Blue mug, Red mug?');
    expect(reply('I want a sofa')).toBe(
      'Which product would you like? We have Blue mug, Red mug, Parley tee.',
    );
  });

  it('quotes a SKU the tag grammar cannot take bare', () => {
    const parsed = parseControlTags(reply('buy one lamp', [item('LAMP "XL"', 'Lamp', 900, 2)]));
    expect(parsed.actions).toEqual([{ type: 'checkout', items: [{ sku: 'LAMP "XL"', qty: 1 }] }]);
  });

  it('hands off when the customer asks for a person', () => {
    for (const text of ['human please', 'Can I talk to an agent?', 'I want a real person']) {
      expect(parseControlTags(reply(text)).actions).toEqual([
        { type: 'handoff', reason: 'customer asked for a human' },
      ]);
    }
  });

  it('does not mistake an order question for a purchase', () => {
    expect(parseControlTags(reply('where is my order?')).actions).toEqual([]);
  });

  it('has something to say for anything else, and is deterministic', () => {
    const text = 'asdf qwerty';
    expect(reply(text)).toBe(
      'I can help with prices, stock and orders. We have Blue mug, Red mug, Parley tee. Say "human" any time to talk to our team.',
    );
    expect(reply(text)).toBe(reply(text));
    expect(reply('hi', [])).toContain('Our catalog is empty right now.');
  });
});
