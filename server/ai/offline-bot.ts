import { formatMoney } from '../../shared/money';
import { bestMatches, words } from './catalog-match';
import type { CatalogItem, LlmPrompt } from './llm-provider';

/**
 * The offline bot: deterministic answers from the catalog, so the demo and the tests work with
 * no network and no API key. It answers in the same text-plus-control-tags form as the LLMs,
 * so its replies go through the same parser and validation.
 */

const HUMAN = /\b(human|agent|person|someone|representative|operator|staff|manager)\b/;
const BUY =
  /\b(i want|i'd like|i would like|i'll take|i will take|i need|buy|purchase|order|get me|send me)\b/;
const ORDER_QUESTION = /\b(where|status|track|tracking|delivery|deliver|shipped|arrive)\b/;
const PRICE = /\b(price|prices|pricing|cost|costs|how much)\b/;
const STOCK = /\b(stock|available|availability|have any|left|sold out)\b/;
const GREETING = /^\s*(hi|hello|hey|hiya|howdy|good (morning|afternoon|evening)|hola|salut)\b/;

const NUMBER_WORDS: Record<string, number> = {
  one: 1,
  two: 2,
  pair: 2,
  couple: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  dozen: 12,
};

export function offlineReply(facts: LlmPrompt['facts']): string {
  const text = facts.customerText.toLowerCase();
  const { catalog } = facts;
  const matches = bestMatches(catalog, text);

  if (HUMAN.test(text)) {
    return 'Of course! I am connecting you with a member of our team; they will reply here shortly. [[HANDOFF reason="customer asked for a human"]]';
  }
  if (BUY.test(text) && !ORDER_QUESTION.test(text)) return buyReply(text, matches, catalog);
  if (PRICE.test(text)) return priceReply(matches, catalog);
  if (STOCK.test(text)) return stockReply(matches, catalog);
  if (GREETING.test(text)) {
    return `Hi! Welcome to ${facts.businessName}. ${overview(catalog)} Ask me about prices or stock, or say "I want 2 …" to order.`;
  }
  if (matches.length > 0) {
    return `${matches.slice(0, 3).map(describe).join(' ')} Would you like to order? Just say "I want 1 …".`;
  }
  return `I can help with prices, stock and orders. ${overview(catalog)} Say "human" any time to talk to our team.`;
}

function buyReply(text: string, matches: CatalogItem[], catalog: CatalogItem[]): string {
  const [item] = matches;
  if (!item) return `Which product would you like? ${overview(catalog)}`;
  if (matches.length > 1) {
    return `Which one would you like: ${matches
      .slice(0, 5)
      .map((m) => m.name)
      .join(', ')}?`;
  }
  const qty = quantityIn(text, item);
  if (item.stock !== null && item.stock <= 0) {
    return `Sorry, ${item.name} is out of stock right now.`;
  }
  if (item.stock !== null && qty > item.stock) {
    return `Sorry, we only have ${item.stock} × ${item.name} in stock. How many would you like?`;
  }
  const total = formatMoney(item.priceMinor * qty, item.currency);
  return `Great choice! ${qty} × ${item.name} comes to ${total}. I am preparing your payment link. [[CHECKOUT sku=${tagValue(item.sku)} qty=${qty}]]`;
}

function priceReply(matches: CatalogItem[], catalog: CatalogItem[]): string {
  const items = matches.length > 0 ? matches : catalog;
  if (items.length === 0) return 'Sorry, there is nothing for sale right now.';
  const lines = items.slice(0, 5).map((i) => `${i.name}: ${formatMoney(i.priceMinor, i.currency)}`);
  return `${lines.join('; ')}.`;
}

function stockReply(matches: CatalogItem[], catalog: CatalogItem[]): string {
  const items = matches.length > 0 ? matches : catalog;
  if (items.length === 0) return 'Sorry, there is nothing for sale right now.';
  return items
    .slice(0, 5)
    .map((i) => `${i.name}: ${stockText(i)}.`)
    .join(' ');
}

function describe(item: CatalogItem): string {
  return `${item.name} costs ${formatMoney(item.priceMinor, item.currency)} (${stockText(item)}).`;
}

function stockText(item: CatalogItem): string {
  if (item.stock === null) return 'in stock';
  return item.stock > 0 ? `${item.stock} in stock` : 'out of stock';
}

function overview(catalog: CatalogItem[]): string {
  if (catalog.length === 0) return 'Our catalog is empty right now.';
  const names = catalog.slice(0, 5).map((i) => i.name);
  return `We have ${names.join(', ')}${catalog.length > 5 ? ' and more' : ''}.`;
}

/** The first number in the text that is not part of the product's own name or SKU. */
function quantityIn(text: string, item: CatalogItem): number {
  const own = new Set([...words(item.name), ...words(item.sku)]);
  for (const word of text.match(/[\p{L}\p{N}]+/gu) ?? []) {
    if (own.has(word)) continue;
    if (/^\d{1,4}$/.test(word)) return Math.max(1, Number(word));
    const n = NUMBER_WORDS[word];
    if (n !== undefined) return n;
  }
  return 1;
}

/** A SKU as a tag value: bare when it can be, quoted otherwise. */
function tagValue(value: string): string {
  return /^[^\s"[\]=]+$/.test(value) ? value : `"${value.replace(/["\\]/g, '\\$&')}"`;
}
