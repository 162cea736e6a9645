import type { AuditAction } from '../../shared/audit.schema';
import type { Db } from '../persistence/db';
import { auditLog } from '../persistence/schema';

export interface AuditRecord {
  /** Null only for events before a tenant is known (a failed login for an unknown email). */
  businessId: string | null;
  actorUserId?: string | null;
  action: AuditAction;
  targetType?: string;
  targetId?: string;
  ip?: string;
  /** Never secrets or message content: ids, roles, reasons. */
  meta?: Record<string, unknown>;
}

/** Appends one entry; pass the request's transaction so the entry commits with the change. */
export async function writeAudit(db: Db, record: AuditRecord): Promise<void> {
  await db.insert(auditLog).values({
    businessId: record.businessId,
    actorUserId: record.actorUserId ?? null,
    action: record.action,
    targetType: record.targetType ?? null,
    targetId: record.targetId ?? null,
    ip: record.ip ?? null,
    meta: record.meta ?? {},
  });
}
