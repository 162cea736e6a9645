import type { Channel, MessageAuthor } from '../../shared/domain';
import { formatMoney } from '../../shared/money';
import { matchScore, words } from './catalog-match';
import type { CatalogItem, ChatTurn, LlmPrompt } from './llm-provider';

/** Bounds on what goes into one prompt, so cost and latency stay flat as data grows. */
export const PROMPT_LIMITS = {
  catalogItems: 30,
  historyMessages: 12,
  messageChars: 800,
  systemPromptChars: 4000,
  /** System prompt plus turns, in characters (≈ 4 per token). */
  totalChars: 20_000,
  maxOutputTokens: 500,
};
export type PromptLimits = typeof PROMPT_LIMITS;

export interface PromptInput {
  businessName: string;
  channel: Channel;
  systemPrompt: string | null;
  catalog: CatalogItem[];
  /** Oldest first; the last customer message is the one being answered. */
  history: { author: MessageAuthor; text: string }[];
  state: {
    path: string;
    pendingCheckout: { amountMinor: number; currency: string } | null;
    hasOrder: boolean;
  };
}

const TAG_INSTRUCTIONS = `Control tags: the customer never sees them; the system acts on them. Write each exactly as shown, on one line:
[[CHECKOUT sku=SKU qty=N]] when the customer clearly wants to buy; for several items repeat sku and qty inside one tag: [[CHECKOUT sku=A qty=1 sku=B qty=2]]. Only one checkout at a time, only SKUs from the catalog, never more than the stock.
[[HANDOFF reason="short reason"]] when the customer asks for a person, is unhappy, or you cannot help.
[[INVOICE]] when the customer asks for the invoice of their last order.
[[ORDER_STATUS]] when the customer asks where their order is.
Never mention the tags, and never write any other [[...]] text.`;

/** Builds the bounded prompt: instructions, business, catalog, state, then recent turns. */
export function buildPrompt(input: PromptInput, limits: PromptLimits = PROMPT_LIMITS): LlmPrompt {
  const customerText = lastCustomerText(input.history);
  const catalog = pickCatalog(input.catalog, customerText, limits.catalogItems);
  let turns = toTurns(input.history.slice(-limits.historyMessages), limits.messageChars);
  let lines = catalog.map(catalogLine);
  const render = () => systemText(input, lines, limits);

  // Over budget: the oldest turns go first, then the least relevant catalog lines.
  const size = () => render().length + turns.reduce((n, t) => n + t.content.length, 0);
  while (size() > limits.totalChars && turns.length > 1) turns = dropOldest(turns);
  while (size() > limits.totalChars && lines.length > 0) lines = lines.slice(0, -1);

  return {
    system: render(),
    turns,
    maxOutputTokens: limits.maxOutputTokens,
    facts: { businessName: input.businessName, catalog, customerText },
  };
}

function systemText(input: PromptInput, catalogLines: string[], limits: PromptLimits): string {
  const custom = input.systemPrompt?.trim()
    ? `\nInstructions from the business:\n${neutralise(input.systemPrompt).slice(0, limits.systemPromptChars)}\n`
    : '';
  const checkout = input.state.pendingCheckout
    ? `a payment link for ${formatMoney(input.state.pendingCheckout.amountMinor, input.state.pendingCheckout.currency)} is waiting to be paid (do not start another checkout)`
    : 'no payment link is open';
  return [
    `You are the sales assistant of ${neutralise(input.businessName)}, chatting with a customer on ${input.channel}.`,
    'Answer briefly in plain text, in the language the customer writes in. Use only the catalog below for products, prices and stock; never invent any.',
    custom,
    TAG_INSTRUCTIONS,
    '',
    'Catalog (sku | name | price | stock):',
    catalogLines.length > 0 ? catalogLines.join('\n') : '(empty)',
    '',
    `Conversation state: ${input.state.path}; ${checkout}; ${input.state.hasOrder ? 'the customer has an order' : 'no order yet'}.`,
  ].join('\n');
}

function catalogLine(item: CatalogItem): string {
  const stock = item.stock === null ? 'in stock' : `${item.stock} in stock`;
  const description = item.description ? ` — ${item.description.slice(0, 120)}` : '';
  return neutralise(
    `- ${item.sku} | ${item.name}${description} | ${formatMoney(item.priceMinor, item.currency)} | ${stock}`,
  ).replace(/\n/g, ' ');
}

/** The products most relevant to the message first, then those in stock, then by name. */
function pickCatalog(catalog: CatalogItem[], text: string, max: number): CatalogItem[] {
  const textWords = new Set(words(text));
  return catalog
    .map((item) => ({ item, score: matchScore(item, textWords) }))
    .sort(
      (a, b) =>
        b.score - a.score ||
        Number(b.item.stock !== 0) - Number(a.item.stock !== 0) ||
        a.item.name.localeCompare(b.item.name),
    )
    .slice(0, max)
    .map((s) => s.item);
}

function lastCustomerText(history: PromptInput['history']): string {
  return [...history].reverse().find((m) => m.author === 'customer')?.text ?? '';
}

/**
 * Customer, bot and agent messages as alternating turns that start and end with the customer,
 * as the Anthropic API expects. System notes are left out.
 */
function toTurns(history: PromptInput['history'], maxChars: number): ChatTurn[] {
  const turns: ChatTurn[] = [];
  for (const m of history) {
    if (m.author === 'system') continue;
    const role = m.author === 'customer' ? 'user' : 'assistant';
    const content = clip(neutralise(m.text.trim()) || '[attachment]', maxChars);
    const last = turns.at(-1);
    if (last?.role === role) last.content = `${last.content}\n${content}`;
    else if (turns.length > 0 || role === 'user') turns.push({ role, content });
  }
  // The message being answered is the customer's; a trailing assistant turn would be a prefill.
  while (turns.at(-1)?.role === 'assistant') turns.pop();
  return turns.length > 0 ? turns : [{ role: 'user', content: '[attachment]' }];
}

/** Drops the oldest exchange, keeping the turns starting with the customer. */
function dropOldest(turns: ChatTurn[]): ChatTurn[] {
  const rest = turns.slice(1);
  return rest[0]?.role === 'assistant' && rest.length > 1 ? rest.slice(1) : rest;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * Untrusted text (customer messages, catalog, the business's prompt) cannot carry a control
 * tag into the prompt, where the model might copy it; the parser and validation check the
 * answer anyway.
 */
function neutralise(text: string): string {
  return text.replace(/\[{2,}/g, '[').replace(/\]{2,}/g, ']');
}
