import { eq } from 'drizzle-orm';
import type { Db } from '../persistence/db';
import { aiSettings } from '../persistence/schema';
import { aiSettingsSchema, type AiSettingsSource } from './settings';

/**
 * The business's saved AI settings (`PUT /api/ai-settings`), read by system code for each AI
 * call; a business that saved none gets `fallback` (the providers that have keys, then the
 * offline bot). Rows are parsed like any stored JSON: a bad row falls back instead of failing.
 */
export function createStoredAiSettingsSource(db: Db, fallback: AiSettingsSource): AiSettingsSource {
  return {
    async get(businessId) {
      const [row] = await db.select().from(aiSettings).where(eq(aiSettings.businessId, businessId));
      if (!row) return fallback.get(businessId);
      const parsed = aiSettingsSchema.safeParse({
        providerOrder: row.providerOrder,
        models: row.models,
        systemPrompt: row.systemPrompt,
        monthlyBudgetMinor: row.monthlyBudgetMinor,
      });
      return parsed.success ? parsed.data : fallback.get(businessId);
    },
  };
}
