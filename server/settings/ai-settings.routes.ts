import { eq } from 'drizzle-orm';
import {
  AI_PROVIDERS,
  aiSettingsSchema,
  DEFAULT_AI_SETTINGS,
  type AiProvider,
  type AiSettings,
} from '../../shared/settings.schema';
import { writeAudit } from '../audit/audit.pg';
import { defineRoute, json, type Route } from '../http/route';
import type { Db } from '../persistence/db';
import { aiSettings } from '../persistence/schema';
import { withTenant } from '../persistence/tenant';
import type { RouteDeps } from '../route-deps';

const isProvider = (p: string): p is AiProvider => (AI_PROVIDERS as readonly string[]).includes(p);

/** The tenant's AI settings, or the defaults when it never saved any. */
export async function loadAiSettings(db: Db, businessId: string): Promise<AiSettings> {
  const [row] = await db.select().from(aiSettings).where(eq(aiSettings.businessId, businessId));
  if (!row)
    return { ...DEFAULT_AI_SETTINGS, providerOrder: [...DEFAULT_AI_SETTINGS.providerOrder] };
  return {
    providerOrder: row.providerOrder.filter(isProvider),
    models: row.models,
    systemPrompt: row.systemPrompt,
    monthlyBudgetMinor: row.monthlyBudgetMinor,
  };
}

/** `GET|PUT /api/ai-settings` (api.md); a PUT replaces the whole settings object. */
export function aiSettingsRoutes(deps: RouteDeps): Route[] {
  const { db } = deps;
  return [
    defineRoute({
      method: 'GET',
      path: '/api/ai-settings',
      access: 'admin',
      handler: async (ctx) =>
        json(
          await withTenant(db, ctx.auth.businessId, (tx) =>
            loadAiSettings(tx, ctx.auth.businessId),
          ),
        ),
    }),

    defineRoute({
      method: 'PUT',
      path: '/api/ai-settings',
      access: 'admin',
      body: { kind: 'json', schema: aiSettingsSchema },
      async handler(ctx) {
        const { businessId, userId } = ctx.auth;
        const values = {
          providerOrder: ctx.body.providerOrder,
          models: ctx.body.models ?? {},
          systemPrompt: ctx.body.systemPrompt ?? null,
          monthlyBudgetMinor: ctx.body.monthlyBudgetMinor ?? null,
        };
        const saved = await withTenant(db, businessId, async (tx) => {
          await tx
            .insert(aiSettings)
            .values({ businessId, ...values })
            .onConflictDoUpdate({
              target: aiSettings.businessId,
              set: { ...values, updatedAt: new Date() },
            });
          await writeAudit(tx, {
            businessId,
            actorUserId: userId,
            action: 'ai_settings.updated',
            targetType: 'ai_settings',
            targetId: businessId,
            ip: ctx.ip,
            meta: { providerOrder: values.providerOrder },
          });
          return loadAiSettings(tx, businessId);
        });
        return json(saved);
      },
    }),
  ];
}
