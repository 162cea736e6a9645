import { consentRequestSchema, type ConsentResponse } from '../../shared/privacy.schema';
import { writeAudit } from '../audit/audit.pg';
import { AppError } from '../errors';
import { uuidParam } from '../http/params';
import { defineRoute, json, noContent, type Route } from '../http/route';
import { withTenant } from '../persistence/tenant';
import type { RouteDeps } from '../route-deps';
import { eraseContact, setContactConsent } from './contacts.pg';

/** Per-contact privacy rights (api.md, "Privacy"): consent and erasure. */
export function contactRoutes(deps: RouteDeps): Route[] {
  const { db } = deps;
  return [
    defineRoute({
      method: 'POST',
      path: '/api/contacts/:id/consent',
      access: 'member',
      body: { kind: 'json', schema: consentRequestSchema },
      async handler(ctx) {
        const reply = await withTenant(db, ctx.auth.businessId, async (tx) => {
          const { businessId, userId } = ctx.auth;
          const id = uuidParam(ctx.params.id);
          const result = await setContactConsent(tx, businessId, id, ctx.body.granted);
          if (!result) throw new AppError('not_found');
          await writeAudit(tx, {
            businessId,
            actorUserId: userId,
            action: 'contact.consent_changed',
            targetType: 'contact',
            targetId: id,
            ip: ctx.ip,
            meta: { granted: ctx.body.granted, conversations: result.conversationsNotified },
          });
          const { contact } = result;
          return {
            queued: result.queued,
            body: {
              id: contact.id,
              consentGranted: contact.consentGranted,
              optedOutAt: contact.optedOutAt?.toISOString() ?? null,
            } satisfies ConsentResponse,
          };
        });
        // After commit: wake the conversations' owners (the sweep would find them anyway).
        await deps.runtime.hint(reply.queued.map((q) => ({ ...q, duplicate: false })));
        return json(reply.body);
      },
    }),

    defineRoute({
      method: 'DELETE',
      path: '/api/contacts/:id',
      access: 'admin',
      async handler(ctx) {
        const { businessId, userId } = ctx.auth;
        const id = uuidParam(ctx.params.id);
        await withTenant(db, businessId, async (tx) => {
          const erased = await eraseContact(tx, businessId, id);
          if (!erased) throw new AppError('not_found');
          await writeAudit(tx, {
            businessId,
            actorUserId: userId,
            action: 'contact.erased',
            targetType: 'contact',
            targetId: id,
            ip: ctx.ip,
            meta: { messages: erased.messages },
          });
        });
        return noContent();
      },
    }),
  ];
}
