import { z } from 'zod';

/** Security-relevant actions written to the audit log (owners read it: `GET /api/audit-log`). */
export const AUDIT_ACTIONS = [
  'account.registered',
  'account.exported',
  'account.deleted',
  'auth.login_succeeded',
  'auth.login_failed',
  'auth.refresh_reused',
  'auth.logout',
  'auth.password_changed',
  'auth.signed_out_everywhere',
  'two_factor.enabled',
  'two_factor.disabled',
  'two_factor.recovery_code_used',
  'team.invited',
  'team.invitation_revoked',
  'team.joined',
  'team.role_changed',
  'team.removed',
  'integration.created',
  'integration.token_changed',
  'integration.deleted',
  'payment_provider.updated',
  'ai_settings.updated',
  'contact.consent_changed',
  'contact.erased',
  'meta.deauthorized',
  'meta.data_deletion',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const auditEntrySchema = z.object({
  id: z.string(),
  action: z.enum(AUDIT_ACTIONS),
  actorUserId: z.string().nullable(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  ip: z.string().nullable(),
  meta: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

export const auditLogQuerySchema = z.object({
  /** The `nextCursor` of the previous page. */
  cursor: z
    .string()
    .regex(/^\d{1,18}$/)
    .optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const auditLogResponseSchema = z.object({
  items: z.array(auditEntrySchema),
  nextCursor: z.string().nullable(),
});
export type AuditLogResponse = z.infer<typeof auditLogResponseSchema>;
