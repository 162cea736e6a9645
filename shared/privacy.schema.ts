import { z } from 'zod';
import { otpSchema, passwordSchema } from './auth.schema';
import { CHANNELS } from './domain';

/** docs/api.md, "Privacy". */

export const deleteAccountRequestSchema = z.object({
  password: passwordSchema,
  totp: otpSchema.optional(),
});
export type DeleteAccountRequest = z.infer<typeof deleteAccountRequestSchema>;

/** Erasure is done when this is answered; `202` because the members' sessions end after it. */
export const deleteAccountResponseSchema = z.object({ status: z.literal('erased') });

/** Meta's deauthorize and data-deletion callbacks post one form field (wire-specs.md). */
export const metaSignedRequestFormSchema = z.object({
  signed_request: z.string().min(3).max(8192),
});

export const consentRequestSchema = z.object({ granted: z.boolean() });

export const consentResponseSchema = z.object({
  id: z.string(),
  consentGranted: z.boolean(),
  optedOutAt: z.string().nullable(),
});
export type ConsentResponse = z.infer<typeof consentResponseSchema>;

/** The shape Meta requires from a data-deletion callback (snake case is Meta's). */
export const metaDataDeletionResponseSchema = z.object({
  url: z.string(),
  confirmation_code: z.string(),
});
export type MetaDataDeletionResponse = z.infer<typeof metaDataDeletionResponseSchema>;

/**
 * Why conversations on a channel could not be tied to the Facebook account that asked:
 * `not_linkable` (Meta offers apps no way to link them), `not_configured` (this installation
 * cannot ask Meta), `refused` (Meta declined), `unreachable` (Meta could not be asked).
 */
export const META_DELETION_UNMATCHED_REASONS = [
  'not_linkable',
  'not_configured',
  'refused',
  'unreachable',
] as const;
export type MetaDeletionUnmatchedReason = (typeof META_DELETION_UNMATCHED_REASONS)[number];

export const metaDeletionStatusSchema = z.object({
  confirmationCode: z.string(),
  status: z.enum(['pending', 'completed']),
  /** The whole outcome in plain words, for the person who asked. */
  message: z.string(),
  requestedAt: z.string(),
  completedAt: z.string().nullable(),
  /** Conversations (with their messages) erased so far. */
  deletedConversations: z.number().int().nonnegative(),
  /** Channels whose conversations could not be matched, grouped by why, each said in words. */
  unmatched: z.array(
    z.object({
      channels: z.array(z.enum(CHANNELS)).min(1),
      reason: z.enum(META_DELETION_UNMATCHED_REASONS),
      message: z.string(),
    }),
  ),
});
export type MetaDeletionStatus = z.infer<typeof metaDeletionStatusSchema>;

const rows = z.array(z.record(z.string(), z.unknown()));

/** `GET /api/account/export`: everything the business holds, secrets masked. */
export const accountExportSchema = z.object({
  format: z.literal('parley-export/1'),
  exportedAt: z.string(),
  business: z.record(z.string(), z.unknown()),
  members: rows,
  invitations: rows,
  integrations: rows,
  paymentProviders: rows,
  aiSettings: z.record(z.string(), z.unknown()).nullable(),
  products: rows,
  contacts: rows,
  conversations: rows,
  messages: rows,
  orders: rows,
  payments: rows,
  invoices: rows,
  auditLog: rows,
});
export type AccountExport = z.infer<typeof accountExportSchema>;
