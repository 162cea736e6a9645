import type { ConfiguredProviders } from './ai/settings';
import type { AccessTokens } from './auth/access-tokens';
import type { AuthLimits } from './auth/auth-limits';
import type { Passwords } from './auth/passwords';
import type { AccountProver } from './channels/account-proof';
import type { EmailOutbox } from './email/email-outbox';
import type { Config } from './config';
import type { SecretBox } from './crypto/secret-box';
import type { Database } from './persistence/db';
import type { AccessEvents } from './ports';
import type { MetaDeletions } from './privacy/meta-deletion-jobs';
import type { Runtime } from './runtime/runtime';

/** What the product's route modules are built from; `createApp` assembles it once. */
export interface RouteDeps {
  /**
   * Tenant work goes through `database.transaction({ tenant: businessId }, …)`; `database.db`
   * (the owning role) only for what no tenant owns yet (sign-in by e-mail, invitations).
   */
  database: Database;
  box: SecretBox;
  tokens: AccessTokens;
  passwords: Passwords;
  limits: AuthLimits;
  metaAppSecret: string;
  /** The actor host: routes that queue conversation events hint it after committing. */
  runtime: Runtime;
  /** Ends live connections of a member whose access changed (removed, role changed). */
  access: AccessEvents;
  /** PUBLIC_URL when set, else this node's own URL (known once it listens). */
  baseUrl(): string;
  /** Asks the Graph API whether a token controls a channel account, before it is connected. */
  accounts: AccountProver;
  /** Security notices to owners and members (payment keys changed, password changed). */
  email: EmailOutbox;
  /** Meta data deletions, matched and erased off the callback; absent: settled in it. */
  metaDeletions?: MetaDeletions;
  /** The operator's AI models, prices and monthly budget: what a business may choose from. */
  aiPolicy: Pick<Config['ai'], 'models' | 'monthlyBudgetCents'> & {
    /** Which paid providers have a key: the default order, and what the engine skips. */
    configured: ConfiguredProviders;
  };
}
