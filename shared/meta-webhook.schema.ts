import { z } from 'zod';

/**
 * Meta webhook bodies (docs/wire-specs.md §1.4–1.6). Loose on purpose: Meta adds fields without
 * notice, so unknown keys pass through and only what Parley reads is checked. Timestamps come
 * as numbers (Messenger, Instagram: ms) or strings (WhatsApp: seconds; some newer Messenger
 * events: strings of ms).
 */

const timestamp = z.union([z.number(), z.string()]).optional();
const id = z.union([z.string(), z.number()]).transform(String);

const attachment = z.looseObject({
  type: z.string(),
  payload: z.looseObject({ url: z.string().optional(), title: z.string().optional() }).nullish(),
  title: z.string().optional(),
});

const messagingMessage = z.looseObject({
  mid: z.string(),
  text: z.string().optional(),
  is_echo: z.boolean().optional(),
  app_id: id.optional(),
  metadata: z.string().optional(),
  quick_reply: z.looseObject({ payload: z.string() }).optional(),
  reply_to: z
    .looseObject({
      mid: z.string().optional(),
      story: z.looseObject({ url: z.string().optional(), id: z.string().optional() }).optional(),
    })
    .optional(),
  attachments: z.array(attachment).optional(),
  is_deleted: z.boolean().optional(),
  is_unsupported: z.boolean().optional(),
});

export const messagingEventSchema = z.looseObject({
  sender: z.looseObject({ id }),
  recipient: z.looseObject({ id }),
  timestamp,
  message: messagingMessage.optional(),
  postback: z
    .looseObject({
      mid: z.string().optional(),
      title: z.string().optional(),
      payload: z.string().optional(),
    })
    .optional(),
  reaction: z
    .looseObject({
      mid: z.string(),
      action: z.enum(['react', 'unreact']),
      reaction: z.string().optional(),
      emoji: z.string().optional(),
    })
    .optional(),
  delivery: z
    .looseObject({
      mids: z.array(z.string()).optional(),
      watermark: z.union([z.number(), z.string()]),
    })
    .optional(),
  read: z
    .looseObject({ watermark: z.union([z.number(), z.string()]), mid: z.string().optional() })
    .optional(),
});
export type MessagingEvent = z.infer<typeof messagingEventSchema>;

/** `page` and `instagram` deliveries; the dashboard's test events use `changes[]` instead. */
export const messagingDeliverySchema = z.looseObject({
  object: z.enum(['page', 'instagram']),
  entry: z.array(
    z.looseObject({
      id,
      time: timestamp,
      messaging: z.array(z.unknown()).optional(),
      standby: z.array(z.unknown()).optional(),
      changes: z.array(z.looseObject({ field: z.string(), value: z.unknown() })).optional(),
    }),
  ),
});

const waMedia = z.looseObject({
  id: z.string(),
  mime_type: z.string().optional(),
  caption: z.string().optional(),
  filename: z.string().optional(),
});

export const whatsappMessageSchema = z.looseObject({
  from: z.string(),
  id: z.string(),
  timestamp,
  type: z.string(),
  text: z.looseObject({ body: z.string() }).optional(),
  image: waMedia.optional(),
  audio: waMedia.optional(),
  video: waMedia.optional(),
  document: waMedia.optional(),
  sticker: waMedia.optional(),
  location: z
    .looseObject({
      latitude: z.number(),
      longitude: z.number(),
      name: z.string().optional(),
      address: z.string().optional(),
    })
    .optional(),
  interactive: z
    .looseObject({
      type: z.string(),
      button_reply: z.looseObject({ id: z.string(), title: z.string() }).optional(),
      list_reply: z
        .looseObject({ id: z.string(), title: z.string(), description: z.string().optional() })
        .optional(),
    })
    .optional(),
  button: z.looseObject({ payload: z.string().optional(), text: z.string() }).optional(),
  reaction: z.looseObject({ message_id: z.string(), emoji: z.string().optional() }).optional(),
  context: z.looseObject({ id: z.string().optional(), from: z.string().optional() }).optional(),
});
export type WhatsappMessage = z.infer<typeof whatsappMessageSchema>;

export const whatsappStatusSchema = z.looseObject({
  id: z.string(),
  status: z.enum(['sent', 'delivered', 'read', 'failed', 'deleted']),
  timestamp,
  recipient_id: z.string().optional(),
  errors: z
    .array(
      z.looseObject({
        code: z.number(),
        title: z.string().optional(),
        message: z.string().optional(),
      }),
    )
    .optional(),
});

export const whatsappValueSchema = z.looseObject({
  messaging_product: z.string().optional(),
  metadata: z.looseObject({ phone_number_id: id, display_phone_number: z.string().optional() }),
  contacts: z
    .array(
      z.looseObject({
        wa_id: z.string(),
        profile: z.looseObject({ name: z.string().optional() }).optional(),
      }),
    )
    .optional(),
  messages: z.array(z.unknown()).optional(),
  statuses: z.array(z.unknown()).optional(),
});

export const whatsappDeliverySchema = z.looseObject({
  object: z.literal('whatsapp_business_account'),
  entry: z.array(
    z.looseObject({
      id,
      changes: z.array(z.looseObject({ field: z.string(), value: z.unknown() })),
    }),
  ),
});

export const metaDeliverySchema = z.union([messagingDeliverySchema, whatsappDeliverySchema]);
export type MetaDelivery = z.infer<typeof metaDeliverySchema>;

/**
 * What Parley answers a signed delivery: how many events it held and what became of them. A
 * delivery of an object Parley does not subscribe to is acknowledged with `received: 0` alone.
 */
export const metaWebhookAckSchema = z.object({
  received: z.number().int().nonnegative(),
  stored: z.number().int().nonnegative().optional(),
  duplicates: z.number().int().nonnegative().optional(),
  unrouted: z.number().int().nonnegative().optional(),
  /** Items the database refused (data it cannot hold); the rest of the delivery is stored. */
  refused: z.number().int().nonnegative().optional(),
});
