import instagramText from './fixtures/meta/instagram-text.json';
import messengerText from './fixtures/meta/messenger-text.json';
import { randomAlphanumeric, randomHex, unixSeconds } from './ids';
import { newWamid, whatsappEnvelope } from './whatsapp-payloads';

export * from './whatsapp-payloads';

/** A Meta webhook body (`page`, `instagram` or `whatsapp_business_account`). */
export interface MetaWebhookPayload {
  readonly object: string;
  readonly entry: Record<string, unknown>[];
}

export type MetaChannel = 'messenger' | 'instagram' | 'whatsapp';
export type MessagingChannel = Exclude<MetaChannel, 'whatsapp'>;

/** A fresh message id in the channel's format: `m_…`, Instagram's base64 `aWdf…`, `wamid.…`. */
export function newMid(channel: MetaChannel): string {
  if (channel === 'messenger') return `m_${randomAlphanumeric(40)}`;
  if (channel === 'instagram') {
    return Buffer.from(`ig_dm_mid:${randomHex(16)}`).toString('base64url');
  }
  return newWamid();
}

/**
 * Wraps Messenger/Instagram `messaging[]` events in their envelope, taken from the fixtures:
 * `{object, entry: [{id: pageId, time, messaging}]}`.
 */
export function metaMessagingPayload(
  channel: MessagingChannel,
  pageId: string,
  events: Record<string, unknown>[],
  time = Date.now(),
): MetaWebhookPayload {
  const base = structuredClone(channel === 'messenger' ? messengerText : instagramText);
  return {
    object: base.object,
    entry: [{ ...base.entry[0], id: pageId, time, messaging: events }],
  };
}

export interface MetaTextOptions {
  readonly channel: MetaChannel;
  /** Page id (Messenger), Instagram account id, or WhatsApp phone-number id. */
  readonly pageOrPhoneId: string;
  /** The customer: PSID, IGSID or WhatsApp id. */
  readonly from: string;
  readonly text: string;
  readonly mid?: string;
  /** Milliseconds; WhatsApp's string of seconds is derived from it. */
  readonly timestamp?: number;
  /** Messenger/Instagram quick-reply payload. */
  readonly quickReplyPayload?: string;
  /** WhatsApp only. */
  readonly profileName?: string;
  readonly wabaId?: string;
  readonly displayPhoneNumber?: string;
}

/** An inbound customer text on any channel, with fresh ids and timestamps. */
export function metaTextMessage(options: MetaTextOptions): MetaWebhookPayload {
  const timestamp = options.timestamp ?? Date.now();
  const mid = options.mid ?? newMid(options.channel);
  if (options.channel === 'whatsapp') {
    const business = {
      phoneNumberId: options.pageOrPhoneId,
      wabaId: options.wabaId,
      displayPhoneNumber: options.displayPhoneNumber,
    };
    return whatsappEnvelope(business, {
      contacts: [
        { profile: { name: options.profileName ?? 'Test Customer' }, wa_id: options.from },
      ],
      messages: [
        {
          from: options.from,
          id: mid,
          timestamp: String(unixSeconds(timestamp)),
          type: 'text',
          text: { body: options.text },
        },
      ],
    });
  }
  const message = {
    mid,
    text: options.text,
    ...(options.quickReplyPayload ? { quick_reply: { payload: options.quickReplyPayload } } : {}),
  };
  return metaMessagingPayload(options.channel, options.pageOrPhoneId, [
    {
      sender: { id: options.from },
      recipient: { id: options.pageOrPhoneId },
      timestamp,
      message,
    },
  ]);
}

export interface MetaEchoOptions {
  readonly channel: MessagingChannel;
  readonly pageId: string;
  readonly to: string;
  readonly text: string;
  /** Our app's id for our own sends; another (e.g. the Page Inbox) for a human's reply. */
  readonly appId: string;
  readonly mid?: string;
  readonly metadata?: string;
}

/** An echo of a message the Page sent: sender is the Page, recipient the customer. */
export function metaEcho(options: MetaEchoOptions): MetaWebhookPayload {
  const message = {
    mid: options.mid ?? newMid(options.channel),
    is_echo: true,
    app_id: Number(options.appId),
    ...(options.metadata ? { metadata: options.metadata } : {}),
    text: options.text,
  };
  return metaMessagingPayload(options.channel, options.pageId, [
    {
      sender: { id: options.pageId },
      recipient: { id: options.to },
      timestamp: Date.now(),
      message,
    },
  ]);
}

export interface MetaPostbackOptions {
  readonly channel: MessagingChannel;
  readonly pageId: string;
  readonly from: string;
  readonly payload: string;
  readonly title: string;
}

export function metaPostback(options: MetaPostbackOptions): MetaWebhookPayload {
  const postback = { mid: newMid(options.channel), title: options.title, payload: options.payload };
  return metaMessagingPayload(options.channel, options.pageId, [
    {
      sender: { id: options.from },
      recipient: { id: options.pageId },
      timestamp: Date.now(),
      postback,
    },
  ]);
}

export interface MetaAttachmentOptions {
  readonly channel: MessagingChannel;
  readonly pageId: string;
  readonly from: string;
  /** image, audio, video, file, story_mention, ig_reel… */
  readonly type: string;
  readonly url: string;
  readonly text?: string;
}

export function metaAttachment(options: MetaAttachmentOptions): MetaWebhookPayload {
  const message = {
    mid: newMid(options.channel),
    ...(options.text ? { text: options.text } : {}),
    attachments: [{ type: options.type, payload: { url: options.url } }],
  };
  return metaMessagingPayload(options.channel, options.pageId, [
    {
      sender: { id: options.from },
      recipient: { id: options.pageId },
      timestamp: Date.now(),
      message,
    },
  ]);
}

/** Several deliveries of one `object` batched into one body, as Meta may do (wire-specs §1.3). */
export function metaBatch(...payloads: MetaWebhookPayload[]): MetaWebhookPayload {
  const object = payloads[0]?.object ?? 'page';
  if (payloads.some((p) => p.object !== object)) throw new Error('metaBatch: mixed objects');
  return { object, entry: payloads.flatMap((p) => p.entry) };
}
