import { settingsContracts } from '../../shared/api/settings.contract';
import {
  AI_MODEL_PROVIDERS,
  defaultAiSettings,
  type AiModelProvider,
  type AiModels,
  type AiOffer,
  type AiSettings,
} from '../../shared/settings.schema';
import { defaultModelOf, priceOf } from '../ai/model-allow-list';
import type { ModelAllowList } from '../ai/model-prices';
import { readStoredAiSettings } from '../ai/settings.pg';
import { writeAudit } from '../audit/audit.pg';
import { AppError } from '../errors';
import { defineRoute, json, type Route } from '../http/route';
import type { Db } from '../persistence/db';
import { aiSettings } from '../persistence/schema';
import type { RouteDeps } from '../route-deps';

const NOT_OFFERED = 'This model is not offered on this server.';

/** What the operator offers (`AI_MODELS`, `AI_MONTHLY_BUDGET_CENTS`), for the settings page. */
function aiOfferOf(policy: RouteDeps['aiPolicy']): AiOffer {
  const offer = (provider: AiModelProvider) => ({
    configured: policy.configured[provider],
    defaultModel: defaultModelOf(policy.models, provider),
    models: policy.models[provider].map((m) => ({
      model: m.model,
      inputPerKTokens: m.inputPerKTokens,
      outputPerKTokens: m.outputPerKTokens,
    })),
  });
  return {
    providers: { openai: offer('openai'), anthropic: offer('anthropic'), groq: offer('groq') },
    monthlyBudgetMinor: policy.monthlyBudgetCents,
  };
}

/** A model the operator does not offer is refused, not stored (it would never be asked). */
function refuseModelsNotOffered(models: AiModels, list: ModelAllowList): void {
  const issues = AI_MODEL_PROVIDERS.flatMap((provider) => {
    const model = models[provider];
    return model !== undefined && !priceOf(list, provider, model)
      ? [{ path: `body.models.${provider}`, message: NOT_OFFERED }]
      : [];
  });
  if (issues.length > 0) throw new AppError('bad_request', { message: NOT_OFFERED, issues });
}

/**
 * `GET|PUT /api/ai-settings` (api.md); a PUT replaces the whole settings object. Models must be
 * on the operator's list (`GET /api/ai-settings/offer`); a budget above the operator's is kept,
 * as the business's own ceiling, and the operator's applies (the smaller one always does).
 */
export function aiSettingsRoutes(deps: RouteDeps): Route[] {
  const { database } = deps;
  /** What the engine applies: the saved settings, else the defaults of this server's keys. */
  const loadAiSettings = async (tx: Db, businessId: string): Promise<AiSettings> =>
    (await readStoredAiSettings(tx, businessId)) ?? defaultAiSettings(deps.aiPolicy.configured);
  return [
    defineRoute(settingsContracts.aiOffer, () => json(aiOfferOf(deps.aiPolicy))),

    defineRoute(settingsContracts.getAiSettings, async (ctx) =>
      json(
        await database.transaction({ tenant: ctx.auth.businessId }, ({ db: tx }) =>
          loadAiSettings(tx, ctx.auth.businessId),
        ),
      ),
    ),

    defineRoute(settingsContracts.saveAiSettings, async (ctx) => {
      const { businessId, userId } = ctx.auth;
      refuseModelsNotOffered(ctx.body.models, deps.aiPolicy.models);
      const values = {
        providerOrder: ctx.body.providerOrder,
        models: ctx.body.models,
        systemPrompt: ctx.body.systemPrompt,
        monthlyBudgetMinor: ctx.body.monthlyBudgetMinor,
      };
      const saved = await database.transaction({ tenant: businessId }, async ({ db: tx }) => {
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
    }),
  ];
}
