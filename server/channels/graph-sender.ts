import type { Logger } from 'pino';
import { z } from 'zod';
import type { Channel } from '../../shared/domain';
import type { SecretBox } from '../crypto/secret-box';
import type { Database } from '../persistence/db';
import type { OutboundMessage, OutboundSender, SendOutcome } from '../runtime/effects';
import { integrationTokenContext } from '../settings/settings-secrets.pg';
import { OUR_METADATA_PREFIX } from './meta-normalize';

export const GRAPH_API_VERSION = 'v23.0';
const DAY_MS = 24 * 60 * 60 * 1000;
/** Graph codes worth another try (docs/wire-specs.md §2.4): transient errors and rate limits. */
const RETRYABLE_CODES = new Set([1, 2, 4, 17, 32, 341, 613, 80007, 130429, 131056]);
/** Longest text each channel takes; longer replies are cut, not rejected. */
const TEXT_LIMIT: Record<Channel, number> = { messenger: 2000, instagram: 1000, whatsapp: 4096 };

const graphError = z.object({
  error: z.object({
    code: z.number(),
    error_subcode: z.number().optional(),
    message: z.string().optional(),
  }),
});
const waResponse = z.object({ messages: z.array(z.object({ id: z.string() })).min(1) });
const sendApiResponse = z.object({ message_id: z.string() });

interface Target {
  channel: Channel;
  integrationId: string | null;
  accountId: string | null;
  tokenEnc: string | null;
  recipient: string;
  lastInboundAt: Date | null;
}

/**
 * Sends bot and agent replies through the Messenger/Instagram Send API and the WhatsApp Cloud
 * API with the integration's decrypted token, enforcing Meta's messaging windows: 24 hours
 * after the customer's last message; on Messenger and Instagram a human agent may answer up to
 * 7 days with the HUMAN_AGENT tag; WhatsApp needs a template after 24 hours, which Parley does
 * not send on its own, so the message fails visibly instead of silently.
 */
export function createGraphSender(deps: {
  database: Database;
  box: SecretBox;
  graphUrl: () => string;
  log: Logger;
  now?: () => number;
  timeoutMs?: number;
}): OutboundSender {
  const now = deps.now ?? Date.now;

  async function target(message: OutboundMessage): Promise<Target | null> {
    const rows = await deps.database.sql.query<{
      channel: Channel;
      integration_id: string | null;
      external_id: string | null;
      access_token_enc: string | null;
      recipient: string;
      last_inbound_at: string | Date | null;
    }>(
      `select c.channel, c.integration_id, i.external_id, i.access_token_enc, k.external_id as recipient, c.last_inbound_at
         from conversations c
         join contacts k on k.id = c.contact_id
         left join integrations i on i.id = c.integration_id
        where c.id = $1`,
      [message.conversationId],
    );
    const r = rows[0];
    if (!r) return null;
    return {
      channel: r.channel,
      integrationId: r.integration_id,
      accountId: r.external_id,
      tokenEnc: r.access_token_enc,
      recipient: r.recipient,
      lastInboundAt: r.last_inbound_at ? new Date(r.last_inbound_at) : null,
    };
  }

  return {
    async send(message): Promise<SendOutcome> {
      const t = await target(message);
      if (!t?.integrationId || !t.accountId || !t.tokenEnc) {
        return { ok: false, retry: false, errorCode: 'no_integration' };
      }
      const age = t.lastInboundAt ? now() - t.lastInboundAt.getTime() : Infinity;
      let tag: string | undefined;
      if (age > DAY_MS) {
        if (t.channel === 'whatsapp')
          return { ok: false, retry: false, errorCode: 'whatsapp_window_closed' };
        if (message.author !== 'agent' || age > 7 * DAY_MS) {
          return { ok: false, retry: false, errorCode: 'messaging_window_closed' };
        }
        tag = 'HUMAN_AGENT';
      }
      let token: string;
      try {
        token = deps.box.decrypt(t.tokenEnc, integrationTokenContext(t.integrationId));
      } catch {
        // A token sealed under a key no longer in ENCRYPTION_KEYS: retrying cannot help.
        return { ok: false, retry: false, errorCode: 'token_unreadable' };
      }
      const text = cut(message.text, TEXT_LIMIT[t.channel]);
      const base = `${deps.graphUrl().replace(/\/+$/, '')}/${GRAPH_API_VERSION}`;
      const request =
        t.channel === 'whatsapp'
          ? {
              url: `${base}/${encodeURIComponent(t.accountId)}/messages`,
              body: {
                messaging_product: 'whatsapp',
                recipient_type: 'individual',
                to: t.recipient,
                type: 'text',
                text: { preview_url: false, body: text },
              },
            }
          : {
              url: `${base}/me/messages`,
              body: {
                recipient: { id: t.recipient },
                messaging_type: tag ? 'MESSAGE_TAG' : 'RESPONSE',
                ...(tag ? { tag } : {}),
                message: { text },
                // Marks the echo Meta sends back as ours (meta-normalize.ts).
                metadata: `${OUR_METADATA_PREFIX}${message.id}`,
              },
            };
      let res: Response;
      try {
        res = await fetch(request.url, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify(request.body),
          signal: AbortSignal.timeout(deps.timeoutMs ?? 10_000),
        });
      } catch (err) {
        deps.log.warn(
          { event: 'graph.send_unreachable', messageId: message.id, err },
          'Graph API unreachable',
        );
        return { ok: false, retry: true, errorCode: 'unreachable' };
      }
      const json: unknown = await res.json().catch(() => null);
      if (res.ok) {
        const id =
          t.channel === 'whatsapp'
            ? waResponse.safeParse(json).data?.messages[0]?.id
            : sendApiResponse.safeParse(json).data?.message_id;
        return { ok: true, providerMessageId: id ?? null };
      }
      const error = graphError.safeParse(json).data?.error;
      const code = error
        ? `${error.code}${error.error_subcode ? `/${error.error_subcode}` : ''}`
        : `http_${res.status}`;
      const retry = res.status >= 500 || (error !== undefined && RETRYABLE_CODES.has(error.code));
      deps.log.warn(
        { event: 'graph.send_failed', messageId: message.id, status: res.status, code, retry },
        'Graph API refused a send',
      );
      return { ok: false, retry, errorCode: windowCode(error) ?? code };
    },
  };
}

/** Meta's own "outside the window" answers, named like ours so the inbox can explain them. */
function windowCode(
  error: { code: number; error_subcode?: number | undefined } | undefined,
): string | null {
  if (!error) return null;
  if (error.code === 131047) return 'whatsapp_window_closed';
  if (error.code === 10 && (error.error_subcode === 2018278 || error.error_subcode === 2534022))
    return 'messaging_window_closed';
  return null;
}

function cut(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
}
