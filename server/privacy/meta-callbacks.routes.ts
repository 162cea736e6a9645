import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { MetaDataDeletionResponse, MetaDeletionStatus } from '../../shared/privacy.schema';
import { writeAudit } from '../audit/audit.pg';
import { AppError } from '../errors';
import { issuesOf } from '../http/parse';
import { defineRoute, json, type RequestContext, type Route } from '../http/route';
import type { Db } from '../persistence/db';
import { contacts, integrations, metaDeletionRequests } from '../persistence/schema';
import type { RouteDeps } from '../route-deps';
import { verifySignedRequest, type SignedRequestPayload } from './signed-request';

const formSchema = z.object({ signed_request: z.string().min(3).max(8192) });
const FORM = { kind: 'raw', contentTypes: ['application/x-www-form-urlencoded'] } as const;
const CODE = /^[0-9a-f]{20}$/;

/** Parses the form, then verifies the signature; a bad signature is a 401 (and is counted). */
function signedPayload(
  ctx: RequestContext<unknown, Buffer>,
  appSecret: string,
): SignedRequestPayload {
  const form = Object.fromEntries(new URLSearchParams(ctx.body.toString('utf8')));
  const parsed = formSchema.safeParse(form);
  if (!parsed.success) {
    throw new AppError('bad_request', {
      message: 'Send the signed_request form field.',
      issues: issuesOf(parsed.error, 'body'),
    });
  }
  const result = verifySignedRequest(parsed.data.signed_request, appSecret);
  if (!result.ok) {
    ctx.log.warn(
      { event: 'meta.signed_request_refused', reason: result.reason },
      'signed_request refused',
    );
    throw new AppError('unauthorized', { message: 'The signed_request is not valid.' });
  }
  return result.payload;
}

/**
 * Erases every contact with this Meta user id, in every business (system code: Meta's user
 * spans tenants). Contact deletion cascades to conversations, messages and inbox events.
 */
async function eraseMetaUser(db: Db, metaUserId: string, code: string, ip: string) {
  const erased = await db
    .delete(contacts)
    .where(eq(contacts.externalId, metaUserId))
    .returning({ businessId: contacts.businessId });
  const perBusiness = new Map<string, number>();
  for (const { businessId } of erased)
    perBusiness.set(businessId, (perBusiness.get(businessId) ?? 0) + 1);
  for (const [businessId, count] of perBusiness) {
    await writeAudit(db, {
      businessId,
      action: 'meta.data_deletion',
      targetType: 'meta_deletion_request',
      targetId: code,
      ip,
      meta: { contacts: count },
    });
  }
  return erased.length;
}

/** Meta's deauthorize and data-deletion callbacks and the deletion status page (api.md). */
export function metaCallbackRoutes(deps: RouteDeps): Route[] {
  const { db } = deps;
  return [
    defineRoute({
      method: 'POST',
      path: '/api/meta/data-deletion',
      access: 'public',
      rateLimit: 'signed',
      body: FORM,
      async handler(ctx) {
        const payload = signedPayload(ctx, deps.metaAppSecret);
        const metaUserId = payload.user_id ?? '';
        const code = randomBytes(10).toString('hex');
        await db.transaction(async (tx) => {
          const erased = metaUserId ? await eraseMetaUser(tx, metaUserId, code, ctx.ip) : 0;
          await tx.insert(metaDeletionRequests).values({
            kind: 'data_deletion',
            confirmationCode: code,
            metaUserId,
            status: 'completed',
            erasedContacts: erased,
            completedAt: new Date(),
          });
        });
        const body: MetaDataDeletionResponse = {
          url: `${deps.baseUrl()}/api/meta/data-deletion/${code}`,
          confirmation_code: code,
        };
        return json(body);
      },
    }),

    defineRoute({
      method: 'POST',
      path: '/api/meta/deauthorize',
      access: 'public',
      rateLimit: 'signed',
      body: FORM,
      async handler(ctx) {
        const payload = signedPayload(ctx, deps.metaAppSecret);
        await db.transaction(async (tx) => {
          // A page that removed the app: its token is dead, so its integrations go.
          const removed = payload.profile_id
            ? await tx
                .delete(integrations)
                .where(eq(integrations.externalId, payload.profile_id))
                .returning({
                  id: integrations.id,
                  businessId: integrations.businessId,
                  channel: integrations.channel,
                })
            : [];
          for (const r of removed) {
            await writeAudit(tx, {
              businessId: r.businessId,
              action: 'meta.deauthorized',
              targetType: 'integration',
              targetId: r.id,
              ip: ctx.ip,
              meta: { channel: r.channel },
            });
          }
          await tx.insert(metaDeletionRequests).values({
            kind: 'deauthorize',
            confirmationCode: randomBytes(10).toString('hex'),
            metaUserId: payload.user_id ?? payload.profile_id ?? '',
            status: 'completed',
            completedAt: new Date(),
          });
        });
        // Meta ignores the body; it needs the 200.
        return json({ received: true });
      },
    }),

    defineRoute({
      method: 'GET',
      path: '/api/meta/data-deletion/:code',
      access: 'public',
      async handler(ctx) {
        if (!CODE.test(ctx.params.code)) throw new AppError('not_found');
        const [row] = await db
          .select()
          .from(metaDeletionRequests)
          .where(eq(metaDeletionRequests.confirmationCode, ctx.params.code));
        if (!row || row.kind !== 'data_deletion') throw new AppError('not_found');
        const body: MetaDeletionStatus = {
          confirmationCode: row.confirmationCode,
          status: row.status,
          message:
            row.status === 'completed'
              ? 'Your data has been deleted from Parley.'
              : 'Your deletion request has been received and is being processed.',
          requestedAt: row.createdAt.toISOString(),
          completedAt: row.completedAt?.toISOString() ?? null,
        };
        return json(body);
      },
    }),
  ];
}
