import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  smallint,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import {
  CHANNELS,
  CONVERSATION_STATES,
  EVENT_SOURCES,
  MESSAGE_AUTHORS,
  MESSAGE_DIRECTIONS,
  MESSAGE_STATUSES,
  ORDER_STATUSES,
  PAYMENT_PROVIDERS,
  PAYMENT_STATUSES,
  ROLES,
} from '../../shared/domain';

// Every tenant-owned table carries business_id, and every lookup index starts with it, so that
// "another business's row" is never reachable through an index that forgot the tenant.

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow();
const id = () => uuid('id').primaryKey().defaultRandom();
const businessRef = () =>
  uuid('business_id')
    .notNull()
    .references(() => businesses.id, { onDelete: 'cascade' });
/** Money is integer minor units; bigint so a large invoice never overflows int4. */
const minor = (name: string) => bigint(name, { mode: 'number' }).notNull();

export const businesses = pgTable('businesses', {
  id: id(),
  name: text('name').notNull(),
  /** ISO 4217 code used when a product or order does not name one. */
  defaultCurrency: text('default_currency').notNull().default('USD'),
  timezone: text('timezone').notNull().default('UTC'),
  /** Marks the seeded demo business so it is created once and never in production. */
  isDemo: boolean('is_demo').notNull().default(false),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const users = pgTable(
  'users',
  {
    id: id(),
    /** Stored lower-cased; the unique index is the login identity. */
    email: text('email').notNull(),
    name: text('name').notNull().default(''),
    passwordHash: text('password_hash').notNull(),
    /** TOTP secret, encrypted with the ENCRYPTION_KEYS ring (`keyId:iv:tag:ciphertext`). */
    totpSecretEnc: text('totp_secret_enc'),
    totpEnabledAt: timestamp('totp_enabled_at', { withTimezone: true }),
    /** Highest TOTP time step accepted so far: a code at or before it is a replay. */
    totpLastStep: integer('totp_last_step'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('users_email_key').on(t.email)],
);

export const memberships = pgTable(
  'memberships',
  {
    businessId: businessRef(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: text('role', { enum: ROLES }).notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.businessId, t.userId] }),
    index('memberships_user_idx').on(t.userId),
  ],
);

export const integrations = pgTable(
  'integrations',
  {
    id: id(),
    businessId: businessRef(),
    channel: text('channel', { enum: CHANNELS }).notNull(),
    /** Page ID, Instagram account ID or WhatsApp phone_number_id: how webhooks find the tenant. */
    externalId: text('external_id').notNull(),
    name: text('name'),
    accessTokenEnc: text('access_token_enc').notNull(),
    /** The masked token (`EAAG…9f2c`), so listing integrations never decrypts. */
    accessTokenHint: text('access_token_hint').notNull().default(''),
    /** WhatsApp: the WhatsApp Business Account the number belongs to, as the Graph API said. */
    businessAccountId: text('business_account_id'),
    /**
     * When the Graph API last confirmed that the token controls the account (connecting and
     * every token change). Null only for rows from before the check existed.
     */
    verifiedAt: timestamp('verified_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    // Global, not per business: one channel account routes to exactly one tenant.
    uniqueIndex('integrations_channel_external_key').on(t.channel, t.externalId),
    index('integrations_business_idx').on(t.businessId),
  ],
);

export const contacts = pgTable(
  'contacts',
  {
    id: id(),
    businessId: businessRef(),
    channel: text('channel', { enum: CHANNELS }).notNull(),
    /** PSID, IGSID or wa_id: a person is identified per channel, as Meta scopes these IDs. */
    externalId: text('external_id').notNull(),
    name: text('name'),
    profile: jsonb('profile').$type<Record<string, unknown>>().notNull().default({}),
    consentGranted: boolean('consent_granted').notNull().default(true),
    optedOutAt: timestamp('opted_out_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('contacts_business_channel_external_key').on(t.businessId, t.channel, t.externalId),
  ],
);

export const conversations = pgTable(
  'conversations',
  {
    id: id(),
    businessId: businessRef(),
    contactId: uuid('contact_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    integrationId: uuid('integration_id').references(() => integrations.id, {
      onDelete: 'set null',
    }),
    channel: text('channel', { enum: CHANNELS }).notNull(),
    /** Virtual shard (hash of the id); fixed at creation so leases can find their rows. */
    shard: integer('shard').notNull(),
    /** Top-level machine state, denormalised from the snapshot for list filters. */
    state: text('state', { enum: CONVERSATION_STATES }).notNull().default('bot'),
    assigneeId: uuid('assignee_id').references(() => users.id, { onDelete: 'set null' }),
    /** XState persisted snapshot; null until the first event is applied. */
    snapshot: jsonb('snapshot'),
    machineVersion: text('machine_version').notNull().default('1'),
    /** Optimistic concurrency: a transition commits only if this still matches what it read. */
    version: bigint('version', { mode: 'number' }).notNull().default(0),
    /** Timers armed by the machine: timer id → version that armed it (stale firings are ignored). */
    armedTimers: jsonb('armed_timers').$type<Record<string, number>>().notNull().default({}),
    /** Set when an event of this conversation was dead-lettered; an operator should look. */
    needsAttention: boolean('needs_attention').notNull().default(false),
    lastMessagePreview: text('last_message_preview'),
    lastMessageAuthor: text('last_message_author', { enum: MESSAGE_AUTHORS }),
    /** The customer's last message: Meta's 24-hour (and 7-day human agent) windows run from it. */
    lastInboundAt: timestamp('last_inbound_at', { withTimezone: true }),
    lastMessageAt: timestamp('last_message_at', { withTimezone: true }),
    unread: integer('unread').notNull().default(0),
    /** Milestones the analytics projection needs (first reply, handoff…), kept with the row. */
    facts: jsonb('facts').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('conversations_business_state_updated_idx').on(
      t.businessId,
      t.state,
      t.updatedAt.desc().nullsFirst(),
      t.id.desc().nullsFirst(),
    ),
    // Both sort columns descending, as the inbox pages: an index scan instead of a sort.
    index('conversations_business_updated_idx').on(
      t.businessId,
      t.updatedAt.desc().nullsFirst(),
      t.id.desc().nullsFirst(),
    ),
    // One conversation per contact: it is reopened, not duplicated, when the customer returns.
    uniqueIndex('conversations_contact_key').on(t.contactId),
    index('conversations_shard_idx').on(t.shard),
  ],
);

/**
 * Transactional inbox: every external event lands here, committed, before the provider gets its
 * 200. The unique key makes a redelivery a no-op; processed_at marks it applied.
 */
export const inbox = pgTable(
  'inbox',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    businessId: businessRef(),
    conversationId: uuid('conversation_id').references(() => conversations.id, {
      onDelete: 'cascade',
    }),
    shard: integer('shard').notNull(),
    source: text('source', { enum: EVENT_SOURCES }).notNull(),
    sourceEventId: text('source_event_id').notNull(),
    type: text('type').notNull(),
    payload: jsonb('payload').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
    processedAt: timestamp('processed_at', { withTimezone: true }),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    deadLetter: boolean('dead_letter').notNull().default(false),
    /** For commands: whether the machine accepted the event (`{accepted, version}`). */
    outcome: jsonb('outcome').$type<{ accepted: boolean; version: number }>(),
  },
  (t) => [
    uniqueIndex('inbox_source_event_key').on(t.source, t.sourceEventId),
    index('inbox_pending_idx')
      .on(t.shard, t.conversationId, t.id)
      .where(sql`${t.processedAt} is null and not ${t.deadLetter}`),
  ],
);

/** Append-only history of applied events; (conversation, version) is the order of application. */
export const eventLog = pgTable(
  'event_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    businessId: businessRef(),
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    version: bigint('version', { mode: 'number' }).notNull(),
    inboxId: bigint('inbox_id', { mode: 'number' }),
    type: text('type').notNull(),
    payload: jsonb('payload').notNull(),
    fromState: text('from_state'),
    toState: text('to_state'),
    /** The node that committed it, under which lease epoch of the conversation's shard. */
    appliedBy: text('applied_by'),
    epoch: bigint('epoch', { mode: 'number' }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('event_log_conversation_version_key').on(t.conversationId, t.version),
    index('event_log_business_id_idx').on(t.businessId, t.id),
  ],
);

export type Attachment = {
  kind: 'image' | 'audio' | 'video' | 'file' | 'sticker' | 'location' | 'other';
  url?: string;
  mediaId?: string;
  mimeType?: string;
  name?: string;
};

export const messages = pgTable(
  'messages',
  {
    id: id(),
    /** Commit-independent total order of messages (created_at ties within a transaction). */
    seq: bigserial('seq', { mode: 'number' }).notNull(),
    businessId: businessRef(),
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    direction: text('direction', { enum: MESSAGE_DIRECTIONS }).notNull(),
    author: text('author', { enum: MESSAGE_AUTHORS }).notNull(),
    authorUserId: uuid('author_user_id').references(() => users.id, { onDelete: 'set null' }),
    text: text('text').notNull().default(''),
    attachments: jsonb('attachments').$type<Attachment[]>().notNull().default([]),
    status: text('status', { enum: MESSAGE_STATUSES }).notNull(),
    /** mid / wamid from Meta: receipts and statuses find their message by it. */
    providerMessageId: text('provider_message_id'),
    errorCode: text('error_code'),
    /** Customer reactions to this message: `{emoji, at}` (latest per customer wins). */
    reactions: jsonb('reactions').$type<{ emoji: string; at: number }[]>().notNull().default([]),
    createdAt: createdAt(),
  },
  (t) => [
    index('messages_conversation_seq_idx').on(t.conversationId, t.seq),
    uniqueIndex('messages_business_provider_key').on(t.businessId, t.providerMessageId),
  ],
);

export const products = pgTable(
  'products',
  {
    id: id(),
    businessId: businessRef(),
    sku: text('sku').notNull(),
    name: text('name').notNull(),
    description: text('description'),
    priceMinor: minor('price_minor'),
    currency: text('currency').notNull(),
    /** null = not tracked (unlimited). */
    stock: integer('stock'),
    active: boolean('active').notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('products_business_sku_key').on(t.businessId, t.sku)],
);

export type OrderItem = {
  productId: string;
  sku: string;
  name: string;
  quantity: number;
  unitPriceMinor: number;
};

export const orders = pgTable(
  'orders',
  {
    id: id(),
    businessId: businessRef(),
    conversationId: uuid('conversation_id').references(() => conversations.id, {
      onDelete: 'set null',
    }),
    contactId: uuid('contact_id').references(() => contacts.id, { onDelete: 'set null' }),
    status: text('status', { enum: ORDER_STATUSES }).notNull().default('pending'),
    /** Line items priced from the catalog at creation time. */
    items: jsonb('items').$type<OrderItem[]>().notNull(),
    totalMinor: minor('total_minor'),
    currency: text('currency').notNull(),
    /** Derived from the triggering event, so a replayed checkout reuses the order. */
    idempotencyKey: text('idempotency_key').notNull(),
    /**
     * The items as `sku:qty` pairs, sorted: "the same contact asking for the same items while an
     * order is pending" is a lookup on this, not a comparison of JSON.
     */
    itemsKey: text('items_key').notNull().default(''),
    /** When the verified payment was applied: revenue is counted from here. */
    paidAt: timestamp('paid_at', { withTimezone: true }),
    /** Who closed the sale, for bot-vs-human revenue. */
    attributedTo: text('attributed_to', { enum: ['bot', 'agent'] })
      .notNull()
      .default('bot'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('orders_business_idempotency_key').on(t.businessId, t.idempotencyKey),
    index('orders_business_created_idx').on(t.businessId, t.createdAt.desc()),
    index('orders_conversation_idx').on(t.conversationId),
    index('orders_business_contact_pending_idx')
      .on(t.businessId, t.contactId, t.itemsKey)
      .where(sql`${t.status} = 'pending'`),
  ],
);

export const payments = pgTable(
  'payments',
  {
    id: id(),
    businessId: businessRef(),
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id, { onDelete: 'cascade' }),
    provider: text('provider', { enum: PAYMENT_PROVIDERS }).notNull(),
    /**
     * Parley's reference for this payment attempt, chosen before the provider is called (Stripe
     * `client_reference_id`, Paystack `reference`, Flutterwave `tx_ref`), so a webhook or a
     * reconciliation can always find the row, even one that races the link's creation.
     */
    reference: text('reference').notNull(),
    /** The provider's own id once known: Checkout Session `cs_…`, Paystack or Flutterwave id. */
    providerPaymentId: text('provider_payment_id'),
    status: text('status', { enum: PAYMENT_STATUSES }).notNull().default('pending'),
    amountMinor: minor('amount_minor'),
    currency: text('currency').notNull(),
    checkoutUrl: text('checkout_url'),
    verifiedAt: timestamp('verified_at', { withTimezone: true }),
    /** Why the provider refused it, or why a report about it was not believed (safe text). */
    failureReason: text('failure_reason'),
    /** Last time reconciliation asked the provider; claims rows so nodes do not ask twice. */
    checkedAt: timestamp('checked_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('payments_provider_reference_key').on(t.provider, t.reference),
    index('payments_order_idx').on(t.orderId),
    index('payments_business_created_idx').on(t.businessId, t.createdAt.desc()),
    index('payments_pending_created_idx')
      .on(t.createdAt)
      .where(sql`${t.status} = 'pending'`),
  ],
);

/**
 * Invoices, numbered per business without gaps: the number comes from `invoice_counters` in the
 * same transaction as the insert, so a rolled-back invoice gives its number back.
 */
export const invoices = pgTable(
  'invoices',
  {
    id: id(),
    businessId: businessRef(),
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id, { onDelete: 'cascade' }),
    number: integer('number').notNull(),
    /** What the customer reads, e.g. `INV-000042`. */
    numberText: text('number_text').notNull(),
    /** Copied from the order when issued: an invoice does not change when the catalog does. */
    items: jsonb('items').$type<OrderItem[]>().notNull(),
    totalMinor: minor('total_minor'),
    currency: text('currency').notNull(),
    customerName: text('customer_name'),
    issuedAt: timestamp('issued_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('invoices_business_number_key').on(t.businessId, t.number),
    // One invoice per order: asking again sends the same one.
    uniqueIndex('invoices_business_order_key').on(t.businessId, t.orderId),
  ],
);

/** The last invoice number of each business; bumped in the invoice's own transaction. */
export const invoiceCounters = pgTable('invoice_counters', {
  businessId: uuid('business_id')
    .primaryKey()
    .references(() => businesses.id, { onDelete: 'cascade' }),
  lastNumber: integer('last_number').notNull().default(0),
});

/** Security-relevant actions (logins, role changes, token reuse, exports, deletions). */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** Null for events that precede a tenant (a failed login for an unknown email). */
    businessId: uuid('business_id').references(() => businesses.id, { onDelete: 'cascade' }),
    actorUserId: uuid('actor_user_id').references(() => users.id, { onDelete: 'set null' }),
    action: text('action').notNull(),
    targetType: text('target_type'),
    targetId: text('target_id'),
    ip: text('ip'),
    meta: jsonb('meta').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [index('audit_log_business_created_idx').on(t.businessId, t.createdAt.desc())],
);

/**
 * Shard leases (docs/architecture.md, "Shards, leases and fencing"). `epoch` is the fencing token:
 * every transition transaction reads it `for share` and aborts if it is not the epoch its node was
 * granted. Expiry is compared with the database clock, so node clock skew does not matter.
 */
export const shardLeases = pgTable('shard_leases', {
  shard: integer('shard').primaryKey(),
  owner: text('owner'),
  epoch: bigint('epoch', { mode: 'number' }).notNull().default(0),
  leaseUntil: timestamp('lease_until', { withTimezone: true })
    .notNull()
    .default(sql`'epoch'`),
});

/** Live nodes: a node is alive while it keeps `last_seen` fresh; leases are split among them. */
export const clusterNodes = pgTable('cluster_nodes', {
  nodeId: text('node_id').primaryKey(),
  startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
  lastSeen: timestamp('last_seen', { withTimezone: true }).notNull().defaultNow(),
  /** Set during graceful shutdown: peers take its shards without waiting for expiry. */
  leaving: boolean('leaving').notNull().default(false),
});

/** Durable timers for the machine's `after` transitions; fired by the owning shard's node. */
export const timers = pgTable(
  'timers',
  {
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    timerId: text('timer_id').notNull(),
    businessId: businessRef(),
    shard: integer('shard').notNull(),
    fireAt: timestamp('fire_at', { withTimezone: true }).notNull(),
    event: jsonb('event').notNull(),
    armedVersion: bigint('armed_version', { mode: 'number' }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.conversationId, t.timerId] }),
    index('timers_due_idx').on(t.shard, t.fireAt),
  ],
);

/**
 * Opaque refresh tokens, stored as SHA-256. One family per login; each use marks the row used
 * and issues the next one in the family. Found by hash (global), since the caller has no
 * tenant yet when it presents one.
 */
export const refreshTokens = pgTable(
  'refresh_tokens',
  {
    id: id(),
    businessId: businessRef(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    familyId: uuid('family_id').notNull(),
    tokenHash: text('token_hash').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('refresh_tokens_hash_key').on(t.tokenHash),
    index('refresh_tokens_family_idx').on(t.familyId),
    index('refresh_tokens_user_idx').on(t.userId),
  ],
);

/** Single-use, expiring team invitations; the token is stored as SHA-256. */
export const invitations = pgTable(
  'invitations',
  {
    id: id(),
    businessId: businessRef(),
    /** Stored lower-cased. */
    email: text('email').notNull(),
    role: text('role', { enum: ROLES }).notNull(),
    tokenHash: text('token_hash').notNull(),
    invitedBy: uuid('invited_by').references(() => users.id, { onDelete: 'set null' }),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    acceptedAt: timestamp('accepted_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('invitations_token_hash_key').on(t.tokenHash),
    index('invitations_business_created_idx').on(t.businessId, t.createdAt.desc()),
  ],
);

/** Single-use 2FA recovery codes (SHA-256; they carry 80 random bits, so no slow hash needed). */
export const recoveryCodes = pgTable(
  'recovery_codes',
  {
    id: id(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    codeHash: text('code_hash').notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('recovery_codes_user_hash_key').on(t.userId, t.codeHash)],
);

/** A tenant's payment provider account; every secret is encrypted and kept with its mask. */
export const paymentProviderSettings = pgTable(
  'payment_provider_settings',
  {
    businessId: businessRef(),
    provider: text('provider', { enum: PAYMENT_PROVIDERS }).notNull(),
    secretKeyEnc: text('secret_key_enc').notNull(),
    secretKeyMask: text('secret_key_mask').notNull(),
    webhookSecretEnc: text('webhook_secret_enc'),
    webhookSecretMask: text('webhook_secret_mask'),
    publicKeyEnc: text('public_key_enc'),
    publicKeyMask: text('public_key_mask'),
    enabled: boolean('enabled').notNull().default(false),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.businessId, t.provider] })],
);

/** Per-tenant AI configuration; a business without a row uses the defaults. */
export const aiSettings = pgTable('ai_settings', {
  businessId: uuid('business_id')
    .primaryKey()
    .references(() => businesses.id, { onDelete: 'cascade' }),
  providerOrder: jsonb('provider_order').$type<string[]>().notNull(),
  models: jsonb('models').$type<Record<string, string>>().notNull().default({}),
  systemPrompt: text('system_prompt'),
  monthlyBudgetMinor: bigint('monthly_budget_minor', { mode: 'number' }),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/**
 * Meta data-deletion and deauthorize callbacks. Not tenant data: Meta's user spans tenants, so
 * only system code reads this table (the tenant role has no grant on it).
 */
export const metaDeletionRequests = pgTable(
  'meta_deletion_requests',
  {
    id: id(),
    kind: text('kind', { enum: ['data_deletion', 'deauthorize'] }).notNull(),
    confirmationCode: text('confirmation_code').notNull(),
    metaUserId: text('meta_user_id').notNull(),
    status: text('status', { enum: ['pending', 'completed'] })
      .notNull()
      .default('pending'),
    erasedContacts: integer('erased_contacts').notNull().default(0),
    /**
     * What the deletion erased and which channels it could not match, and why
     * (server/privacy/meta-deletion-outcome.ts). Null until an attempt ends, on deauthorizations,
     * and on requests from before Messenger IDs were matched.
     */
    outcome: jsonb('outcome'),
    /** Matching attempts begun; the last one the retry policy allows settles the request. */
    attempts: integer('attempts').notNull().default(0),
    createdAt: createdAt(),
    completedAt: timestamp('completed_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('meta_deletion_requests_code_key').on(t.confirmationCode)],
);

/**
 * AI usage per business, provider, model and month (UTC, `YYYY-MM`): what the monthly budget
 * is checked against. Cost is in micro-USD (integers; prices in server/ai/model-prices.ts).
 */
export const aiUsage = pgTable(
  'ai_usage',
  {
    businessId: businessRef(),
    month: text('month').notNull(),
    provider: text('provider').notNull(),
    model: text('model').notNull(),
    calls: bigint('calls', { mode: 'number' }).notNull().default(0),
    inputTokens: bigint('input_tokens', { mode: 'number' }).notNull().default(0),
    outputTokens: bigint('output_tokens', { mode: 'number' }).notNull().default(0),
    costMicros: bigint('cost_micros', { mode: 'number' }).notNull().default(0),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.businessId, t.month, t.provider, t.model] })],
);

/**
 * The business's realtime feed (docs/architecture.md, "Realtime"): every durable dashboard event
 * with its per-business `seq`, so a client that missed some can ask for them (`resync`). Pruned by
 * age.
 */
export const feedEvents = pgTable(
  'feed_events',
  {
    businessId: businessRef(),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    event: text('event').notNull(),
    conversationId: uuid('conversation_id').references(() => conversations.id, {
      onDelete: 'cascade',
    }),
    payload: jsonb('payload').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.businessId, t.seq] }),
    index('feed_events_created_idx').on(t.createdAt),
  ],
);

/** The last `seq` handed out per business. */
export const feedCounters = pgTable('feed_counters', {
  businessId: uuid('business_id')
    .primaryKey()
    .references(() => businesses.id, { onDelete: 'cascade' }),
  seq: bigint('seq', { mode: 'number' }).notNull().default(0),
});

/**
 * Analytics counters per business, hour (UTC), channel and metric, written in the transaction
 * that applies the events. `slot` spreads one hot counter over several rows so concurrent
 * conversations of one business do not queue on a single row lock; readers sum the slots.
 */
export const analyticsBuckets = pgTable(
  'analytics_buckets',
  {
    businessId: businessRef(),
    bucket: timestamp('bucket', { withTimezone: true }).notNull(),
    channel: text('channel', { enum: CHANNELS }).notNull(),
    metric: text('metric').notNull(),
    slot: smallint('slot').notNull(),
    value: bigint('value', { mode: 'number' }).notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.businessId, t.bucket, t.channel, t.metric, t.slot] })],
);

/** Conversations by current state and channel, kept incrementally (slots as above). */
export const analyticsGauges = pgTable(
  'analytics_gauges',
  {
    businessId: businessRef(),
    channel: text('channel', { enum: CHANNELS }).notNull(),
    state: text('state', { enum: CONVERSATION_STATES }).notNull(),
    slot: smallint('slot').notNull(),
    count: bigint('count', { mode: 'number' }).notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.businessId, t.channel, t.state, t.slot] })],
);
