import { randomUUID } from 'node:crypto';
import type { AiSettings, AiSettingsSource } from '../../server/ai/settings';
import type { RunningNode } from '../../server/main';
import type { Database } from '../../server/persistence/db';
import type { OutboundMessage, OutboundSender } from '../../server/runtime/effects';
import { eventsOf, type EventLogRow } from './probe';
import type { GivenProduct, SeededConversation } from './seed';
import { ingest } from './inbox';

/** Helpers for the AI integration tests (issue 6). */

export const MUGS: GivenProduct[] = [
  { sku: 'MUG-BLUE', name: 'Blue mug', priceMinor: 1200, stock: 5 },
  { sku: 'MUG-RED', name: 'Red mug', priceMinor: 1200, stock: 1 },
  { sku: 'TEE-1', name: 'Parley tee', priceMinor: 2500, stock: null },
];

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

/** The first `ai.replied` or `ai.failed` of the conversation, once it is in the event log. */
export async function aiOutcome(
  database: Database,
  conversationId: string,
): Promise<EventLogRow | undefined> {
  const log = await eventsOf(database, conversationId);
  return log.find((e) => e.type === 'ai.replied' || e.type === 'ai.failed');
}
