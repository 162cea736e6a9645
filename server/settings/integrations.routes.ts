import { randomUUID } from 'node:crypto';
import { and, asc, eq } from 'drizzle-orm';
import {
  integrationCreateRequestSchema,
  type Integration,
  type IntegrationListResponse,
} from '../../shared/settings.schema';
import { writeAudit } from '../audit/audit.pg';
import { maskSecret } from '../crypto/secret-box';
import { AppError } from '../errors';
import { uuidParam } from '../http/params';
import { defineRoute, json, noContent, type Route } from '../http/route';
import { isUniqueViolation } from '../persistence/pg-errors';
import { integrations } from '../persistence/schema';
import { withTenant } from '../persistence/tenant';
import type { RouteDeps } from '../route-deps';
import { integrationTokenContext } from './settings-secrets.pg';

type IntegrationRow = typeof integrations.$inferSelect;

function toDto(row: IntegrationRow): Integration {
  return {
    id: row.id,
    channel: row.channel,
    externalId: row.externalId,
    name: row.name,
    accessToken: row.accessTokenHint,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Channel accounts (api.md, "Integrations and settings"); tokens in encrypted, masks out. */
export function integrationRoutes(deps: RouteDeps): Route[] {
  const { db, box } = deps;
  return [
    defineRoute({
      method: 'GET',
      path: '/api/integrations',
      access: 'admin',
      handler: (ctx) =>
        withTenant(db, ctx.auth.businessId, async (tx) => {
          const rows = await tx
            .select()
            .from(integrations)
            .where(eq(integrations.businessId, ctx.auth.businessId))
            .orderBy(asc(integrations.createdAt), asc(integrations.id));
          return json({ items: rows.map(toDto) } satisfies IntegrationListResponse);
        }),
    }),

    defineRoute({
      method: 'POST',
      path: '/api/integrations',
      access: 'admin',
      body: { kind: 'json', schema: integrationCreateRequestSchema },
      async handler(ctx) {
        const { businessId, userId } = ctx.auth;
        const { channel, externalId, accessToken, name } = ctx.body;
        const id = randomUUID();
        try {
          const row = await withTenant(db, businessId, async (tx) => {
            const [created] = await tx
              .insert(integrations)
              .values({
                id,
                businessId,
                channel,
                externalId,
                name: name ?? null,
                accessTokenEnc: box.encrypt(accessToken, integrationTokenContext(id)),
                accessTokenHint: maskSecret(accessToken),
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
          // The channel account is connected already, here or to another business.
          if (isUniqueViolation(err)) {
            throw new AppError('conflict', { message: 'This account is already connected.' });
          }
          throw err;
        }
      },
    }),

    defineRoute({
      method: 'DELETE',
      path: '/api/integrations/:id',
      access: 'admin',
      async handler(ctx) {
        const { businessId, userId } = ctx.auth;
        const id = uuidParam(ctx.params.id);
        await withTenant(db, businessId, async (tx) => {
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
      },
    }),
  ];
}
