import { randomUUID } from 'node:crypto';
import type { AiSettings, AiSettingsSource } from '../../server/ai/settings';
import type { RunningNode } from '../../server/main';
import type { Database } from '../../server/persistence/db';
import type { OutboundMessage, OutboundSender } from '../../server/runtime/effects';
import type { SeededConversation } from './seed';
import { ingest } from './inbox';

/** Helpers for the AI integration tests (issue 6). */

export interface SeedProduct {
  sku: string;
  name: string;
  priceMinor: number;
  currency?: string;
  stock: number | null;
  active?: boolean;
}

export const MUGS: SeedProduct[] = [
  { sku: 'MUG-BLUE', name: 'Blue mug', priceMinor: 1200, stock: 5 },
  { sku: 'MUG-RED', name: 'Red mug', priceMinor: 1200, stock: 1 },
  { sku: 'TEE-1', name: 'Parley tee', priceMinor: 2500, stock: null },
];

export async function seedProducts(
  database: Database,
  businessId: string,
  products: SeedProduct[] = MUGS,
): Promise<void> {
  for (const p of products) {
    await database.sql.query(
      `insert into products (business_id, sku, name, price_minor, currency, stock, active)
       values ($1, $2, $3, $4, $5, $6, $7)`,
      [businessId, p.sku, p.name, p.priceMinor, p.currency ?? 'USD', p.stock, p.active ?? true],
    );
  }
}

/** An outbound sender that records what would have gone to the Graph API. */
export function recordingSender(): { sent: OutboundMessage[]; sender: OutboundSender } {
  const sent: OutboundMessage[] = [];
  return {
    sent,
    sender: {
      send(message) {
        sent.push(message);
        return Promise.resolve({ ok: true, providerMessageId: `wamid.${randomUUID()}` });
      },
    },
  };
}

/** Settings per business, set by the test; businesses without an entry get `fallback`. */
export function settingsByBusiness(fallback: AiSettings): AiSettingsSource & {
  set(businessId: string, settings: Partial<AiSettings>): void;
} {
  const byBusiness = new Map<string, AiSettings>();
  return {
    set(businessId, settings) {
      byBusiness.set(businessId, { ...fallback, ...settings });
    },
    get: (businessId) => Promise.resolve(byBusiness.get(businessId) ?? fallback),
  };
}

export const PAID_ORDER: AiSettings = {
  providerOrder: ['openai', 'anthropic', 'groq'],
  models: {},
  systemPrompt: null,
  monthlyBudgetMinor: null,
};

export function customerSays(node: RunningNode, c: SeededConversation, text: string) {
  const id = `wamid.${randomUUID()}`;
  return ingest(node, [
    {
      businessId: c.businessId,
      conversationId: c.conversationId,
      source: 'meta',
      sourceEventId: id,
      type: 'customer.message',
      payload: { messageId: id, text, attachments: [], providerMessageId: id },
    },
  ]);
}

export interface LoggedEvent {
  version: number;
  type: string;
  payload: Record<string, unknown>;
  to_state: string;
}

export function eventLog(database: Database, conversationId: string): Promise<LoggedEvent[]> {
  return database.sql.query<LoggedEvent>(
    `select version::int as version, type, payload, to_state from event_log
      where conversation_id = $1 order by version`,
    [conversationId],
  );
}

/** The first `ai.replied` or `ai.failed` of the conversation, once it is in the event log. */
export async function aiOutcome(
  database: Database,
  conversationId: string,
): Promise<LoggedEvent | undefined> {
  const log = await eventLog(database, conversationId);
  return log.find((e) => e.type === 'ai.replied' || e.type === 'ai.failed');
}

export async function conversationState(database: Database, conversationId: string) {
  const rows = await database.sql.query<{ state: string; path: unknown }>(
    `select state, snapshot->'value' as path from conversations where id = $1`,
    [conversationId],
  );
  return rows[0];
}
