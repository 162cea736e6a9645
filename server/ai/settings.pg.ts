import { eq } from 'drizzle-orm';
import type { Db } from '../persistence/db';
import { aiSettings } from '../persistence/schema';
import { aiSettingsSchema, type AiSettings, type AiSettingsSource } from './settings';

/**
 * The business's saved AI settings (`PUT /api/ai-settings`), or null when it saved none or the
 * row no longer parses (stored JSON is parsed like any input). The settings page and the engine
 * both read through this, so what the page shows is what the engine applies.
 */
export async function readStoredAiSettings(db: Db, businessId: string): Promise<AiSettings | null> {
  const [row] = await db.select().from(aiSettings).where(eq(aiSettings.businessId, businessId));
  if (!row) return null;
  const parsed = aiSettingsSchema.safeParse({
    providerOrder: row.providerOrder,
    models: row.models,
    systemPrompt: row.systemPrompt,
    monthlyBudgetMinor: row.monthlyBudgetMinor,
  });
  return parsed.success ? parsed.data : null;
}

/**
 * Read by system code for each AI call; a business without usable saved settings gets
 * `fallback` (the providers that have keys, then the offline bot).
 */
export function createStoredAiSettingsSource(db: Db, fallback: AiSettingsSource): AiSettingsSource {
  return {
    async get(businessId) {
      return (await readStoredAiSettings(db, businessId)) ?? fallback.get(businessId);
    },
  };
}
