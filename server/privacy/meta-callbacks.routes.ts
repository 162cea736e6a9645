import { privacyContracts } from '../../shared/api/privacy.contract';
import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import {
  metaSignedRequestFormSchema,
  type MetaDataDeletionResponse,
  type MetaDeletionStatus,
} from '../../shared/privacy.schema';
import { writeAudit } from '../audit/audit.pg';
import { AppError } from '../errors';
import { issuesOf } from '../http/parse';
import { defineRoute, json, type RequestContext, type Route } from '../http/route';
import { integrations, metaDeletionRequests } from '../persistence/schema';
import type { RouteDeps } from '../route-deps';
import { attemptMetaDeletion } from './meta-deletion-jobs';
import { describeMetaDeletion } from './meta-deletion-outcome';
import { verifySignedRequest, type SignedRequestPayload } from './signed-request';

const CODE = /^[0-9a-f]{20}$/;

/** Parses the form, then verifies the signature; a bad signature is a 401 (and is counted). */
function signedPayload(
  ctx: RequestContext<unknown, Buffer>,
  appSecret: string,
): SignedRequestPayload {
  const form = Object.fromEntries(new URLSearchParams(ctx.body.toString('utf8')));
  const parsed = metaSignedRequestFormSchema.safeParse(form);
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
 * Hands a recorded request to the `meta-deletion` queue, so Meta gets its answer without
 * waiting on the Graph API. A request that cannot be queued is withdrawn and the callback
 * fails, rather than showing Meta a status URL that would stay pending. Without the queue (an
 * app built without it) the request settles here, with no Graph API to ask.
 */
async function settleLater(deps: RouteDeps, ctx: RequestContext<unknown, Buffer>, code: string) {
  const job = { code, ip: ctx.ip };
  if (!deps.metaDeletions) {
    await attemptMetaDeletion({ db: deps.database.db, matcher: null, log: ctx.log }, job, 0);
    return;
  }
  try {
    await deps.metaDeletions.request(job);
  } catch (err) {
    ctx.log.error({ event: 'meta.deletion_queue_failed', err }, 'data deletion not queued');
    await deps.database.db
      .delete(metaDeletionRequests)
      .where(eq(metaDeletionRequests.confirmationCode, code))
      .catch(() => {});
    throw err;
  }
}

/**
 * Meta's deauthorize and data-deletion callbacks and the deletion status page (docs/api.md,
 * "Privacy").
 */
export function metaCallbackRoutes(deps: RouteDeps): Route[] {
  const { database } = deps;
  const { db } = database;
  return [
    defineRoute(privacyContracts.metaDataDeletion, async (ctx) => {
      const payload = signedPayload(ctx, deps.metaAppSecret);
      const code = randomBytes(10).toString('hex');
      await db.insert(metaDeletionRequests).values({
        kind: 'data_deletion',
        confirmationCode: code,
        metaUserId: payload.user_id ?? '',
        status: 'pending',
      });
      await settleLater(deps, ctx, code);
      const body: MetaDataDeletionResponse = {
        url: `${deps.baseUrl()}/api/meta/data-deletion/${code}`,
        confirmation_code: code,
      };
      return json(body);
    }),

    defineRoute(privacyContracts.metaDeauthorize, async (ctx) => {
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
    }),

    defineRoute(privacyContracts.metaDeletionStatus, async (ctx) => {
      if (!CODE.test(ctx.params.code)) throw new AppError('not_found');
      const [row] = await db
        .select()
        .from(metaDeletionRequests)
        .where(eq(metaDeletionRequests.confirmationCode, ctx.params.code));
      if (!row || row.kind !== 'data_deletion') throw new AppError('not_found');
      const body: MetaDeletionStatus = {
        confirmationCode: row.confirmationCode,
        status: row.status,
        ...describeMetaDeletion(row),
        requestedAt: row.createdAt.toISOString(),
        completedAt: row.completedAt?.toISOString() ?? null,
      };
      return json(body);
    }),
  ];
}
