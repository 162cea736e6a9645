import type { AttachmentRef } from '../../shared/conversation.events';
import type { Channel } from '../../shared/domain';
import {
  messagingEventSchema,
  whatsappMessageSchema,
  whatsappStatusSchema,
  whatsappValueSchema,
  type MessagingEvent,
  type MetaDelivery,
  type WhatsappMessage,
} from '../../shared/meta-webhook.schema';

/**
 * One Meta delivery → single events, each keyed for the inbox. Pure: routing to a tenant and
 * storage happen elsewhere. Items that do not parse are counted, not fatal: one odd event must
 * not make Meta redeliver (and us re-check) the whole batch.
 */

interface Base {
  channel: Channel;
  /** Page ID, Instagram account ID or WhatsApp phone_number_id: the tenant key. */
  accountId: string;
  /** PSID, IGSID or wa_id. */
  contactId: string;
  /** Unique per event, stable across Meta's retries: the inbox dedupe key. */
  eventKey: string;
  /** Epoch ms, when Meta says it happened. */
  at: number;
}

export type CustomerMessage = Base & {
  kind: 'message';
  providerMessageId: string;
  text: string;
  attachments: AttachmentRef[];
  contactName?: string;
  /** What the customer picked: quick reply, postback, button or list reply, template button. */
  choice?: { kind: string; id?: string; title?: string };
  replyTo?: { providerMessageId?: string; storyId?: string; storyUrl?: string };
};

export type Reaction = Base & {
  kind: 'reaction';
  providerMessageId: string;
  action: 'react' | 'unreact';
  emoji: string;
};

/** A message the page itself sent: ours (metadata marks it) or a human's in Meta's inbox. */
export type Echo = Base & { kind: 'echo'; providerMessageId: string; text: string; ours: boolean };

export type StatusUpdate = Base & {
  kind: 'status';
  status: 'sent' | 'delivered' | 'read' | 'failed';
  /** Exact messages (WhatsApp, Messenger delivery `mids`); otherwise everything up to `watermark`. */
  providerMessageIds: string[];
  watermark?: number;
  errorCode?: string;
};

export type NormalizedEvent = CustomerMessage | Reaction | Echo | StatusUpdate;

export interface Normalized {
  events: NormalizedEvent[];
  /** Items skipped because they did not parse or are of a kind Parley does not handle. */
  skipped: number;
}

/** Marks Parley's own Messenger/Instagram sends so their echoes are recognised. */
export const OUR_METADATA_PREFIX = 'parley:';

export function toMillis(value: number | string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(n)) return fallback;
  // WhatsApp sends seconds; Messenger and Instagram milliseconds.
  return n < 1e11 ? n * 1000 : n;
}

export function normalizeMetaDelivery(delivery: MetaDelivery, now = Date.now()): Normalized {
  const events: NormalizedEvent[] = [];
  let skipped = 0;
  if (delivery.object === 'whatsapp_business_account') {
    for (const entry of delivery.entry) {
      for (const change of entry.changes) {
        if (change.field !== 'messages') {
          skipped++;
          continue;
        }
        const value = whatsappValueSchema.safeParse(change.value);
        if (!value.success) {
          skipped++;
          continue;
        }
        const accountId = value.data.metadata.phone_number_id;
        const names = new Map((value.data.contacts ?? []).map((c) => [c.wa_id, c.profile?.name]));
        for (const raw of value.data.messages ?? []) {
          const m = whatsappMessageSchema.safeParse(raw);
          const event = m.success
            ? fromWhatsappMessage(accountId, m.data, names.get(m.data.from), now)
            : null;
          if (event) events.push(event);
          else skipped++;
        }
        for (const raw of value.data.statuses ?? []) {
          const s = whatsappStatusSchema.safeParse(raw);
          if (!s.success || s.data.status === 'deleted') {
            skipped++;
            continue;
          }
          events.push({
            kind: 'status',
            channel: 'whatsapp',
            accountId,
            contactId: s.data.recipient_id ?? '',
            eventKey: `status:${s.data.id}:${s.data.status}`,
            at: toMillis(s.data.timestamp, now),
            status: s.data.status,
            providerMessageIds: [s.data.id],
            ...(s.data.errors?.[0] ? { errorCode: String(s.data.errors[0].code) } : {}),
          });
        }
      }
    }
    return { events, skipped };
  }

  const channel: Channel = delivery.object === 'page' ? 'messenger' : 'instagram';
  for (const entry of delivery.entry) {
    const items = [
      ...(entry.messaging ?? []),
      ...(entry.standby ?? []),
      // Dashboard test events and some Instagram deliveries wrap the event in changes[].value.
      ...(entry.changes ?? []).filter((c) => c.field === 'messages').map((c) => c.value),
    ];
    for (const raw of items) {
      const parsed = messagingEventSchema.safeParse(raw);
      const event = parsed.success ? fromMessaging(channel, entry.id, parsed.data, now) : null;
      if (event) events.push(event);
      else skipped++;
    }
  }
  return { events, skipped };
}

function fromMessaging(
  channel: Channel,
  entryId: string,
  e: MessagingEvent,
  now: number,
): NormalizedEvent | null {
  const at = toMillis(e.timestamp, now);
  const echo = e.message?.is_echo === true;
  // On echoes the page is the sender (wire-specs §1.4/1.5); entry.id is "0" for test events.
  const accountId = echo ? e.sender.id : e.recipient.id || entryId;
  const contactId = echo ? e.recipient.id : e.sender.id;
  const base = { channel, accountId, contactId, at };

  if (e.message && echo) {
    return {
      ...base,
      kind: 'echo',
      eventKey: `echo:${e.message.mid}`,
      providerMessageId: e.message.mid,
      text: e.message.text ?? '',
      ours: (e.message.metadata ?? '').startsWith(OUR_METADATA_PREFIX),
    };
  }
  if (e.message) {
    if (e.message.is_deleted || e.message.is_unsupported) return null;
    const attachments = (e.message.attachments ?? []).map(toAttachment);
    const storyMention = e.message.attachments?.some((a) => a.type === 'story_mention');
    const story = e.message.reply_to?.story;
    return {
      ...base,
      kind: 'message',
      eventKey: e.message.mid,
      providerMessageId: e.message.mid,
      text: e.message.text ?? (storyMention ? '[mentioned you in their story]' : ''),
      attachments,
      ...(e.message.quick_reply
        ? { choice: { kind: 'quick_reply', id: e.message.quick_reply.payload } }
        : {}),
      ...(e.message.reply_to
        ? {
            replyTo: {
              ...(e.message.reply_to.mid ? { providerMessageId: e.message.reply_to.mid } : {}),
              ...(story?.id ? { storyId: story.id } : {}),
              ...(story?.url ? { storyUrl: story.url } : {}),
            },
          }
        : {}),
    };
  }
  if (e.postback) {
    const title = e.postback.title ?? e.postback.payload ?? '';
    return {
      ...base,
      kind: 'message',
      // Older postbacks carry no mid; sender + timestamp + payload is what Meta retries unchanged.
      eventKey: e.postback.mid ?? `postback:${contactId}:${at}:${e.postback.payload ?? title}`,
      providerMessageId: e.postback.mid ?? `postback:${contactId}:${at}`,
      text: title,
      attachments: [],
      choice: {
        kind: 'postback',
        ...(e.postback.payload ? { id: e.postback.payload } : {}),
        title,
      },
    };
  }
  if (e.reaction) {
    return {
      ...base,
      kind: 'reaction',
      eventKey: `reaction:${e.reaction.mid}:${contactId}:${e.reaction.action}:${at}`,
      providerMessageId: e.reaction.mid,
      action: e.reaction.action,
      emoji: e.reaction.emoji ?? e.reaction.reaction ?? '',
    };
  }
  if (e.delivery || e.read) {
    const status = e.read ? 'read' : 'delivered';
    const watermark = toMillis(e.read?.watermark ?? e.delivery?.watermark, at);
    const mids = e.delivery?.mids ?? [];
    return {
      ...base,
      kind: 'status',
      eventKey: `${status}:${contactId}:${watermark}:${mids.join(',')}`,
      status,
      providerMessageIds: mids,
      watermark,
    };
  }
  return null;
}

function fromWhatsappMessage(
  accountId: string,
  m: WhatsappMessage,
  name: string | undefined,
  now: number,
): NormalizedEvent | null {
  const base = {
    channel: 'whatsapp' as const,
    accountId,
    contactId: m.from,
    at: toMillis(m.timestamp, now),
  };
  if (m.type === 'reaction' && m.reaction) {
    const action = m.reaction.emoji ? 'react' : 'unreact';
    return {
      ...base,
      kind: 'reaction',
      eventKey: `reaction:${m.id}`,
      providerMessageId: m.reaction.message_id,
      action,
      emoji: m.reaction.emoji ?? '',
    };
  }
  const media = m.image ?? m.audio ?? m.video ?? m.document ?? m.sticker;
  const kind = m.image
    ? 'image'
    : m.audio
      ? 'audio'
      : m.video
        ? 'video'
        : m.document
          ? 'file'
          : m.sticker
            ? 'sticker'
            : null;
  let text = m.text?.body ?? media?.caption ?? '';
  let choice: CustomerMessage['choice'];
  if (m.interactive?.button_reply) {
    choice = {
      kind: 'button_reply',
      id: m.interactive.button_reply.id,
      title: m.interactive.button_reply.title,
    };
    text = m.interactive.button_reply.title;
  } else if (m.interactive?.list_reply) {
    choice = {
      kind: 'list_reply',
      id: m.interactive.list_reply.id,
      title: m.interactive.list_reply.title,
    };
    text = m.interactive.list_reply.title;
  } else if (m.button) {
    choice = {
      kind: 'template_button',
      ...(m.button.payload ? { id: m.button.payload } : {}),
      title: m.button.text,
    };
    text = m.button.text;
  } else if (m.location) {
    text =
      m.location.name ?? m.location.address ?? `${m.location.latitude},${m.location.longitude}`;
  }
  const attachments: AttachmentRef[] = [];
  if (media && kind) {
    attachments.push({
      kind,
      mediaId: media.id,
      ...(media.mime_type ? { mimeType: media.mime_type } : {}),
      ...(media.filename ? { name: media.filename } : {}),
    });
  }
  if (m.location) attachments.push({ kind: 'location', name: text });
  if (!text && attachments.length === 0) return null;
  return {
    ...base,
    kind: 'message',
    eventKey: m.id,
    providerMessageId: m.id,
    text,
    attachments,
    ...(name ? { contactName: name } : {}),
    ...(choice ? { choice } : {}),
    ...(m.context?.id ? { replyTo: { providerMessageId: m.context.id } } : {}),
  };
}

function toAttachment(a: {
  type: string;
  payload?: { url?: string | undefined } | null | undefined;
}): AttachmentRef {
  const kinds: Record<string, AttachmentRef['kind']> = {
    image: 'image',
    audio: 'audio',
    video: 'video',
    file: 'file',
    sticker: 'sticker',
    location: 'location',
  };
  return {
    kind: kinds[a.type] ?? 'other',
    ...(a.payload?.url ? { url: a.payload.url } : {}),
    ...(a.type in kinds ? {} : { name: a.type }),
  };
}
