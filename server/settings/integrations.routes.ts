import { settingsContracts } from '../../shared/api/settings.contract';
import { randomUUID } from 'node:crypto';
import { and, asc, eq } from 'drizzle-orm';
import type { Integration, IntegrationListResponse } from '../../shared/settings.schema';
import { writeAudit } from '../audit/audit.pg';
import type { AccountClaim, AccountProof } from '../channels/account-proof';
import { maskSecret } from '../crypto/secret-box';
import { AppError } from '../errors';
import { uuidParam } from '../http/params';
import { defineRoute, json, noContent, type RequestContext, type Route } from '../http/route';
import { isUniqueViolation } from '../persistence/pg-errors';
import { integrations } from '../persistence/schema';
import type { RouteDeps } from '../route-deps';
import { integrationTokenContext } from './settings-secrets.pg';

type IntegrationRow = typeof integrations.$inferSelect;

function toDto(row: IntegrationRow): Integration {
  return {
    id: row.id,
    channel: row.channel,
    externalId: row.externalId,
    businessAccountId: row.businessAccountId,
    name: row.name,
    accessToken: row.accessTokenHint,
    verifiedAt: row.verifiedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/**
 * One answer for "the token does not control this account" and "another business has it", so
 * the refusal never tells a prober which accounts are Parley customers (security review H1).
 */
const notConfirmed = () =>
  new AppError('unprocessable', {
    message:
      'Meta did not confirm that this token controls this account. Check the account ID (for WhatsApp also the WhatsApp Business Account ID) and that the token was made for it with messaging permission.',
  });

/** Throws the refusal a proof ended in; returns the proved facts otherwise. */
function requireProof(
  proof: AccountProof,
  ctx: RequestContext<unknown, unknown, unknown, unknown>,
  claim: AccountClaim,
): Extract<AccountProof, { kind: 'proved' }> {
  if (proof.kind === 'proved') return proof;
  ctx.log.warn(
    {
      event: 'channel.proof_refused',
      channel: claim.channel,
      externalId: claim.externalId,
      outcome: proof.kind === 'refused' ? proof.reason : proof.kind,
    },
    'channel account not confirmed by the Graph API',
  );
  if (proof.kind === 'unreachable') {
    throw new AppError('unavailable', {
      message: 'Meta could not be reached to confirm the account. Try again in a moment.',
    });
  }
  if (proof.reason === 'token') {
    throw new AppError('unprocessable', {
      message:
        'Meta did not accept this access token: it may have expired or been revoked. Create a new one and paste it again.',
    });
  }
  throw notConfirmed();
}

/**
 * Channel accounts (api.md, "Integrations and settings"): a token is stored only after the
 * Graph API confirms it controls the account, on connecting and on every token change (PATCH
 * rotates in place, so the account is never unrouted in between). Tokens in encrypted, masks out.
 */
export function integrationRoutes(deps: RouteDeps): Route[] {
  const { database, box } = deps;
  return [
    defineRoute(settingsContracts.listIntegrations, (ctx) =>
      database.transaction({ tenant: ctx.auth.businessId }, async ({ db: tx }) => {
        const rows = await tx
          .select()
          .from(integrations)
          .where(eq(integrations.businessId, ctx.auth.businessId))
          .orderBy(asc(integrations.createdAt), asc(integrations.id));
        return json({ items: rows.map(toDto) } satisfies IntegrationListResponse);
      }),
    ),

    defineRoute(settingsContracts.createIntegration, async (ctx) => {
      const { businessId, userId } = ctx.auth;
      const { channel, externalId, accessToken, name } = ctx.body;
      const businessAccountId = channel === 'whatsapp' ? ctx.body.businessAccountId : undefined;
      // Only this business's own rows: saying so tells the caller nothing about others.
      const [own] = await database.transaction({ tenant: businessId }, ({ db: tx }) =>
        tx
          .select({ id: integrations.id })
          .from(integrations)
          .where(
            and(
              eq(integrations.businessId, businessId),
              eq(integrations.channel, channel),
              eq(integrations.externalId, externalId),
            ),
          ),
      );
      if (own) {
        throw new AppError('conflict', {
          message: 'This account is already connected. Change its token instead.',
        });
      }
      const claim = { channel, externalId, businessAccountId, accessToken };
      const proof = requireProof(await deps.accounts.prove(claim), ctx, claim);
      const id = randomUUID();
      try {
        const row = await database.transaction({ tenant: businessId }, async ({ db: tx }) => {
          const [created] = await tx
            .insert(integrations)
            .values({
              id,
              businessId,
              channel,
              externalId,
              businessAccountId: proof.businessAccountId,
              name: name ?? proof.name,
              accessTokenEnc: box.encrypt(accessToken, integrationTokenContext(id)),
              accessTokenHint: maskSecret(accessToken),
              verifiedAt: new Date(),
            })
            .returning();
          await writeAudit(tx, {
            businessId,
            actorUserId: userId,
            action: 'integration.created',
            targetType: 'integration',
            targetId: id,
            ip: ctx.ip,
            meta: { channel, externalId },
          });
          return created as IntegrationRow;
        });
        return json(toDto(row), 201);
      } catch (err) {
        // Connected to another business (this one's own rows were answered above).
        if (isUniqueViolation(err)) {
          ctx.log.warn(
            { event: 'channel.account_taken', channel, externalId },
            'a proved account is connected to another business',
          );
          throw notConfirmed();
        }
        throw err;
      }
    }),

    defineRoute(settingsContracts.updateIntegration, async (ctx) => {
      const { businessId, userId } = ctx.auth;
      const id = uuidParam(ctx.params.id);
      const where = and(eq(integrations.id, id), eq(integrations.businessId, businessId));
      const [row] = await database.transaction({ tenant: businessId }, ({ db: tx }) =>
        tx.select().from(integrations).where(where),
      );
      if (!row) throw new AppError('not_found');
      const { accessToken } = ctx.body;
      const businessAccountId =
        row.channel === 'whatsapp'
          ? (ctx.body.businessAccountId ?? row.businessAccountId ?? undefined)
          : undefined;
      const claim = {
        channel: row.channel,
        externalId: row.externalId,
        businessAccountId,
        accessToken,
      };
      const proof = requireProof(await deps.accounts.prove(claim), ctx, claim);
      const updated = await database.transaction({ tenant: businessId }, async ({ db: tx }) => {
        const [saved] = await tx
          .update(integrations)
          .set({
            accessTokenEnc: box.encrypt(accessToken, integrationTokenContext(id)),
            accessTokenHint: maskSecret(accessToken),
            businessAccountId: proof.businessAccountId ?? row.businessAccountId,
            ...(ctx.body.name !== undefined ? { name: ctx.body.name } : {}),
            verifiedAt: new Date(),
            updatedAt: new Date(),
          })
          .where(where)
          .returning();
        if (!saved) throw new AppError('not_found');
        await writeAudit(tx, {
          businessId,
          actorUserId: userId,
          action: 'integration.token_changed',
          targetType: 'integration',
          targetId: id,
          ip: ctx.ip,
          meta: { channel: row.channel, externalId: row.externalId },
        });
        return saved;
      });
      return json(toDto(updated));
    }),

    defineRoute(settingsContracts.deleteIntegration, async (ctx) => {
      const { businessId, userId } = ctx.auth;
      const id = uuidParam(ctx.params.id);
      await database.transaction({ tenant: businessId }, async ({ db: tx }) => {
        const deleted = await tx
          .delete(integrations)
          .where(and(eq(integrations.id, id), eq(integrations.businessId, businessId)))
          .returning({ channel: integrations.channel, externalId: integrations.externalId });
        if (deleted.length === 0) throw new AppError('not_found');
        await writeAudit(tx, {
          businessId,
          actorUserId: userId,
          action: 'integration.deleted',
          targetType: 'integration',
          targetId: id,
          ip: ctx.ip,
          meta: { ...deleted[0] },
        });
      });
      return noContent();
    }),
  ];
}
