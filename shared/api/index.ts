import { analyticsContracts } from './analytics.contract';
import { auditContracts } from './audit.contract';
import { authContracts } from './auth.contract';
import { commerceContracts } from './commerce.contract';
import type { RouteContract } from './contract';
import { conversationContracts } from './conversations.contract';
import { demoContracts } from './demo.contract';
import { docsContracts } from './docs.contract';
import { opsContracts } from './ops.contract';
import { privacyContracts } from './privacy.contract';
import { settingsContracts } from './settings.contract';
import { teamContracts } from './team.contract';
import { webhookContracts } from './webhooks.contract';

export * from './contract';

/** Every route contract by area; the server registers a handler for each (demo ones with DEMO). */
export const API_CONTRACTS = {
  ops: opsContracts,
  auth: authContracts,
  team: teamContracts,
  conversations: conversationContracts,
  commerce: commerceContracts,
  settings: settingsContracts,
  privacy: privacyContracts,
  audit: auditContracts,
  analytics: analyticsContracts,
  webhooks: webhookContracts,
  docs: docsContracts,
  demo: demoContracts,
} as const;

export const allContracts = (): RouteContract[] =>
  Object.values(API_CONTRACTS).flatMap((area) => Object.values(area) as RouteContract[]);
