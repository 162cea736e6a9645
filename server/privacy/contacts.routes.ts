import { privacyContracts } from '../../shared/api/privacy.contract';
import type { ConsentResponse } from '../../shared/privacy.schema';
import { writeAudit } from '../audit/audit.pg';
import { AppError } from '../errors';
import { uuidParam } from '../http/params';
import { defineRoute, json, noContent, type Route } from '../http/route';
import type { RouteDeps } from '../route-deps';
import { eraseContact, setContactConsent } from './contacts.pg';

/** Per-contact privacy rights (api.md, "Privacy"): consent and erasure. */
export function contactRoutes(deps: RouteDeps): Route[] {
  const { database } = deps;
  return [
    defineRoute(privacyContracts.setConsent, async (ctx) => {
      const { businessId, userId } = ctx.auth;
      const id = uuidParam(ctx.params.id);
      // Through the inbox entrance, so the events take each conversation's inbox lock like
      // every other writer (a claim racing a withdrawal is applied in id order), and the
      // owners are hinted after the commit.
      const body = await database.transaction({ tenant: businessId }, async (tx) => {
        const result = await setContactConsent(tx.db, businessId, id, ctx.body.granted);
        if (!result) throw new AppError('not_found');
        const { contact } = result;
        const type = contact.consentGranted ? 'consent.granted' : 'consent.withdrawn';
        await deps.runtime.inbox.append(
          tx,
          result.conversations.map((c) => ({
            businessId,
            conversationId: c.id,
            source: 'system' as const,
            // Derived from the change itself: the same change never queues twice.
            sourceEventId: `consent:${contact.id}:${c.id}:${type}:${contact.updatedAt.getTime()}`,
            type,
            payload: {},
          })),
        );
        await writeAudit(tx.db, {
          businessId,
          actorUserId: userId,
          action: 'contact.consent_changed',
          targetType: 'contact',
          targetId: id,
          ip: ctx.ip,
          meta: { granted: ctx.body.granted, conversations: result.conversations.length },
        });
        return {
          id: contact.id,
          consentGranted: contact.consentGranted,
          optedOutAt: contact.optedOutAt?.toISOString() ?? null,
        } satisfies ConsentResponse;
      });
      return json(body);
    }),

    defineRoute(privacyContracts.eraseContact, async (ctx) => {
      const { businessId, userId } = ctx.auth;
      const id = uuidParam(ctx.params.id);
      await database.transaction({ tenant: businessId }, async ({ db: tx }) => {
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
    }),
  ];
}
