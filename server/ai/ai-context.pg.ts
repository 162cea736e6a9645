import { z } from 'zod';
import type { Channel, MessageAuthor } from '../../shared/domain';
import type { Database } from '../persistence/db';
import type { CatalogItem } from './llm-provider';

/** What the AI reply needs to know, read in one go before the providers are asked. */
export interface AiContext {
  businessName: string;
  channel: Channel;
  /** State path, e.g. `bot.thinking`. */
  path: string;
  /** The request the conversation waits for; any other is stale. */
  aiRequest: string | null;
  pendingCheckout: { amountMinor: number; currency: string } | null;
  hasOrder: boolean;
  catalog: CatalogItem[];
  /** Oldest first. */
  history: { author: MessageAuthor; text: string }[];
}

/** Read from the snapshot column, a trust boundary like any JSON column (docs/style.md rule 4). */
const snapshotSchema = z.object({
  value: z.unknown(),
  context: z.object({
    aiRequest: z.string().nullish(),
    checkout: z.object({ amountMinor: z.number(), currency: z.string() }).nullish(),
    lastOrderId: z.string().nullish(),
  }),
});

/** Enough products for the prompt to pick the relevant ones from; the prompt caps what it sends. */
const CATALOG_SCAN = 500;

export async function loadAiContext(
  database: Database,
  businessId: string,
  conversationId: string,
  historyMessages: number,
): Promise<AiContext | null> {
  const [row] = await database.sql.query<{ name: string; channel: Channel; snapshot: unknown }>(
    `select b.name, c.channel, c.snapshot
       from conversations c join businesses b on b.id = c.business_id
      where c.id = $1 and c.business_id = $2`,
    [conversationId, businessId],
  );
  if (!row) return null;
  const snapshot = snapshotSchema.safeParse(row.snapshot);
  const context = snapshot.success ? snapshot.data.context : null;

  const products = await database.sql.query<{
    sku: string;
    name: string;
    description: string | null;
    price_minor: number;
    currency: string;
    stock: number | null;
  }>(
    `select sku, name, description, price_minor::float8 as price_minor, currency, stock
       from products where business_id = $1 and active order by name, sku limit $2`,
    [businessId, CATALOG_SCAN],
  );
  const messages = await database.sql.query<{ author: MessageAuthor; text: string }>(
    `select author, text from messages where conversation_id = $1 order by seq desc limit $2`,
    [conversationId, historyMessages],
  );

  return {
    businessName: row.name,
    channel: row.channel,
    path: snapshot.success ? pathOf(snapshot.data.value) : 'bot',
    aiRequest: context?.aiRequest ?? null,
    pendingCheckout: context?.checkout ?? null,
    hasOrder: Boolean(context?.lastOrderId),
    catalog: products.map((p) => ({
      sku: p.sku,
      name: p.name,
      description: p.description,
      priceMinor: Number(p.price_minor),
      currency: p.currency,
      stock: p.stock,
    })),
    history: messages.reverse(),
  };
}

function pathOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value !== 'object' || value === null) return 'bot';
  const [key, child] = Object.entries(value)[0] ?? ['bot', null];
  return child === null || child === undefined ? key : `${key}.${pathOf(child)}`;
}
