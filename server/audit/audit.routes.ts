import { auditContracts } from '../../shared/api/audit.contract';
import { and, desc, eq, lt } from 'drizzle-orm';
import {
  AUDIT_ACTIONS,
  type AuditAction,
  type AuditEntry,
  type AuditLogResponse,
} from '../../shared/audit.schema';
import { defineRoute, json, type Route } from '../http/route';
import { auditLog } from '../persistence/schema';
import type { RouteDeps } from '../route-deps';

type AuditRow = typeof auditLog.$inferSelect;

const isAction = (a: string): a is AuditAction => (AUDIT_ACTIONS as readonly string[]).includes(a);

export function toAuditEntry(row: AuditRow & { action: AuditAction }): AuditEntry {
  return {
    id: String(row.id),
    action: row.action,
    actorUserId: row.actorUserId,
    targetType: row.targetType,
    targetId: row.targetId,
    ip: row.ip,
    meta: row.meta,
    createdAt: row.createdAt.toISOString(),
  };
}

/** `GET /api/audit-log`: newest first, paged by id; owners only. */
export function auditRoutes(deps: RouteDeps): Route[] {
  return [
    defineRoute(auditContracts.list, (ctx) =>
      deps.database.transaction({ tenant: ctx.auth.businessId }, async ({ db: tx }) => {
        const { cursor, limit } = ctx.query;
        const rows = await tx
          .select()
          .from(auditLog)
          .where(
            and(
              eq(auditLog.businessId, ctx.auth.businessId),
              cursor ? lt(auditLog.id, Number(cursor)) : undefined,
            ),
          )
          .orderBy(desc(auditLog.id))
          .limit(limit + 1);
        const page = rows.slice(0, limit);
        const items = page.flatMap((r) =>
          isAction(r.action) ? [toAuditEntry({ ...r, action: r.action })] : [],
        );
        const next = rows.length > limit ? page[page.length - 1] : undefined;
        return json({
          items,
          nextCursor: next ? String(next.id) : null,
        } satisfies AuditLogResponse);
      }),
    ),
  ];
}
