import whatsappStatusFixture from './fixtures/meta/whatsapp-status.json';
import whatsappTextFixture from './fixtures/meta/whatsapp-text.json';
import { randomHex, unixSeconds } from './ids';
import type { MetaWebhookPayload } from './meta-payloads';

/** Which business number a WhatsApp delivery is for. */
export interface WhatsAppBusiness {
  readonly phoneNumberId: string;
  /** The WABA id in `entry[].id` (defaults to the fixture's). */
  readonly wabaId?: string;
  readonly displayPhoneNumber?: string;
}

export function newWamid(): string {
  return `wamid.${Buffer.from(`HBgL${randomHex(16)}`).toString('base64')}`;
}

/**
 * `{object: "whatsapp_business_account", entry: [{id: WABA, changes: [{field: "messages",
 * value: {messaging_product, metadata, ...value}}]}]}`, from the fixture.
 */
export function whatsappEnvelope(
  business: WhatsAppBusiness,
  value: Record<string, unknown>,
): MetaWebhookPayload {
  const base = structuredClone(whatsappTextFixture);
  const entry = base.entry[0]!;
  const change = entry.changes[0]!;
  const metadata = {
    display_phone_number: business.displayPhoneNumber ?? change.value.metadata.display_phone_number,
    phone_number_id: business.phoneNumberId,
  };
  return {
    object: base.object,
    entry: [
      {
        id: business.wabaId ?? entry.id,
        changes: [
          {
            field: 'messages',
            value: { messaging_product: 'whatsapp', metadata, ...value },
          },
        ],
      },
    ],
  };
}

export interface WhatsAppStatusOptions extends WhatsAppBusiness {
  /** The wamid the Cloud API answered when the message was sent. */
  readonly wamid: string;
  readonly status: 'sent' | 'delivered' | 'read' | 'failed';
  readonly recipientId: string;
  readonly timestamp?: number;
  /** For `failed`; defaults to a 131047 re-engagement error (wire-specs §2.3). */
  readonly errors?: { code: number; title: string; message?: string; details?: string }[];
}

/** A `statuses[]` callback for a message we sent. */
export function whatsappStatus(options: WhatsAppStatusOptions): MetaWebhookPayload {
  const fixture = structuredClone(whatsappStatusFixture).entry[0]!.changes[0]!.value.statuses[0]!;
  const errors = options.errors ?? [
    {
      code: 131047,
      title: 'Re-engagement message',
      message: 'Re-engagement message',
      details:
        'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
    },
  ];
  const status = {
    id: options.wamid,
    status: options.status,
    timestamp: String(unixSeconds(options.timestamp)),
    recipient_id: options.recipientId,
    ...(options.status === 'failed'
      ? {
          errors: errors.map(({ details, ...e }) => ({
            ...e,
            message: e.message ?? e.title,
            error_data: { details: details ?? e.title },
          })),
        }
      : { pricing: fixture.pricing }),
  };
  return whatsappEnvelope(options, { statuses: [status] });
}

export interface WhatsAppInboundOptions extends WhatsAppBusiness {
  readonly from: string;
  readonly profileName?: string;
  readonly wamid?: string;
  readonly timestamp?: number;
}

function inbound(options: WhatsAppInboundOptions, message: Record<string, unknown>) {
  return whatsappEnvelope(options, {
    contacts: [{ profile: { name: options.profileName ?? 'Test Customer' }, wa_id: options.from }],
    messages: [
      {
        from: options.from,
        id: options.wamid ?? newWamid(),
        timestamp: String(unixSeconds(options.timestamp)),
        ...message,
      },
    ],
  });
}

export interface WhatsAppReplyOptions extends WhatsAppInboundOptions {
  readonly kind?: 'button_reply' | 'list_reply';
  readonly replyId: string;
  readonly title: string;
  /** The wamid of the message that carried the buttons or list. */
  readonly contextId: string;
}

/** A tap on an interactive button or list row. */
export function whatsappInteractiveReply(options: WhatsAppReplyOptions): MetaWebhookPayload {
  const kind = options.kind ?? 'button_reply';
  return inbound(options, {
    context: { from: options.displayPhoneNumber ?? '15550783881', id: options.contextId },
    type: 'interactive',
    interactive: { type: kind, [kind]: { id: options.replyId, title: options.title } },
  });
}

export interface WhatsAppMediaOptions extends WhatsAppInboundOptions {
  readonly type: 'image' | 'audio' | 'video' | 'document' | 'sticker';
  /** The media id to look up on the Graph fake (`addMedia`). */
  readonly mediaId: string;
  readonly mimeType: string;
  readonly caption?: string;
}

export function whatsappMedia(options: WhatsAppMediaOptions): MetaWebhookPayload {
  const media = {
    id: options.mediaId,
    mime_type: options.mimeType,
    sha256: randomHex(32),
    ...(options.caption ? { caption: options.caption } : {}),
  };
  return inbound(options, { type: options.type, [options.type]: media });
}
