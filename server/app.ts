import type { Logger } from 'pino';
import { configuredProviders } from './ai/settings';
import type { AnalyticsPusher } from './analytics/analytics-pusher';
import type { BreakerView } from './analytics/analytics-summary.pg';
import { createAnalytics } from './analytics/analytics';
import { auditRoutes } from './audit/audit.routes';
import { createAccessEvents } from './auth/access-events';
import { createAccessTokens } from './auth/access-tokens';
import { createAuthLimits } from './auth/auth-limits';
import { authRoutes } from './auth/auth.routes';
import { createAuthenticator } from './auth/authenticator';
import type { Passwords } from './auth/passwords';
import { passwordRoutes } from './auth/password.routes';
import { sessionRoutes } from './auth/session.routes';
import { twoFactorRoutes } from './auth/two-factor.routes';
import type { Config } from './config';
import { createAccountProver } from './channels/account-proof';
import type { ContactProfiles } from './channels/contact-profiles';
import { metaWebhookRoutes } from './channels/meta-webhook.routes';
import { demoGraphRoutes } from './demo/demo-graph.routes';
import { docsRoutes } from './docs/docs.routes';
import type { DemoOutbox } from './demo/demo-outbox';
import type { EmailOutbox } from './email/email-outbox';
import { demoPaystackRoutes } from './demo/demo-paystack.routes';
import type { Commerce } from './commerce/commerce';
import { conversationRoutes } from './conversations/conversations.routes';
import type { SecretBox } from './crypto/secret-box';
import { createHttpApp, type HttpApp } from './http/http-app';
import type { Route } from './http/route';
import { createStaticFiles, type StaticFiles } from './http/static-files';
import { createMetrics, type Metrics } from './metrics';
import { opsRoutes } from './ops.routes';
import type { FeedPublisher } from './realtime/feed-publisher';
import { createRealtime, type Realtime, type RealtimeDeps } from './realtime/realtime';
import type { Database } from './persistence/db';
import type { Fabric } from './ports';
import type { Runtime } from './runtime/runtime';
import { accountRoutes } from './privacy/account.routes';
import { contactRoutes } from './privacy/contacts.routes';
import { metaCallbackRoutes } from './privacy/meta-callbacks.routes';
import type { MetaDeletions } from './privacy/meta-deletion-jobs';
import type { RouteDeps } from './route-deps';
import { aiSettingsRoutes } from './settings/ai-settings.routes';
import { integrationRoutes } from './settings/integrations.routes';
import { paymentProviderRoutes } from './settings/payment-providers.routes';
import { invitationRoutes } from './team/invitations.routes';
import { teamRoutes } from './team/team.routes';

export interface AppDeps {
  config: Config;
  log: Logger;
  database: Database;
  /** The node's one key ring and one password hasher (its bcrypt lanes are per instance). */
  box: SecretBox;
  passwords: Passwords;
  /** This node's own URL; known once it listens (used when PUBLIC_URL is not set). */
  nodeUrl: () => string;
  fabric: Fabric;
  runtime: Runtime;
  /** The node's registry, when parts built before the app (the AI) register metrics on it. */
  metrics?: Metrics;
  commerce: Commerce;
  /** This node's AI circuit breakers (read-only), for the analytics' provider health. */
  aiBreakers?: BreakerView | null;
  /** Extra routes, for tests of the HTTP core itself. */
  extraRoutes?: Route[];
  /** Stores runtime events in the feed; created before the runtime starts. */
  feedPublisher: FeedPublisher;
  /** The socket.io adapter across nodes (Redis Streams); in-memory when absent. */
  socketAdapter?: RealtimeDeps['adapter'];
  /** The Graph API base: Meta's, a test's fake, or the demo's stand-in on this node. */
  graphUrl: () => string;
  /** The demo's Graph stand-in hands what it is sent to the simulated customers here. */
  demoOutbox?: DemoOutbox;
  /** Owner and member e-mail, queued. */
  email: EmailOutbox;
  /** Names for Messenger and Instagram customers, looked up off the webhook's path. */
  contactProfiles?: ContactProfiles;
  /** The `meta-deletion` queue; created before the runtime starts. */
  metaDeletions?: MetaDeletions;
}

export interface App {
  readonly http: HttpApp;
  readonly metrics: Metrics;
  readonly runtime: Runtime;
  readonly commerce: Commerce;
  /** Coalesced `analytics:updated` pushes; the socket layer listens to its `summary` events. */
  readonly analytics: AnalyticsPusher;
  /** Every route the node serves; the isolation test enumerates the non-public ones. */
  readonly routes: readonly Route[];
  readonly database: Database;
  /** socket.io for dashboards, and the feed publisher behind it. */
  readonly realtime: Realtime;
  /** The built web app this node serves, when `npm run build` has made it. */
  readonly staticFiles: StaticFiles;
  /**
   * Stops accepting and lets in-flight requests finish (bounded). The first half of the node's
   * shutdown: the composition root then stops what it started (commerce, the runtime) before
   * `close`.
   */
  drain(): Promise<void>;
  /** Closes what the app opened (the realtime server), after the runtime's last commits. */
  close(): Promise<void>;
}

/** Wires the product from already-opened adapters; `main.ts` opens them. */
export function createApp(deps: AppDeps): App {
  const { config, log, database, fabric, runtime } = deps;
  const metrics = deps.metrics ?? createMetrics({ nodeId: config.nodeId });
  let draining = false;
  const { nodeUrl } = deps;

  const ipLimiter = fabric.rateLimiter({
    name: 'ip',
    limit: config.http.rateLimitPerMinute,
    windowMs: 60_000,
  });

  const tokens = createAccessTokens({
    current: config.secrets.jwtSecret,
    previous: config.secrets.jwtPreviousSecrets,
  });
  const access = createAccessEvents();
  const routeDeps: RouteDeps = {
    access,
    database,
    box: deps.box,
    tokens,
    passwords: deps.passwords,
    limits: createAuthLimits(fabric, {
      attemptsPerAccount: config.auth.loginAttemptsPerAccount,
      attemptsPerIp: config.auth.loginAttemptsPerIp,
      signupsPerIpPerHour: config.auth.signupsPerIpPerHour,
    }),
    metaAppSecret: config.secrets.metaAppSecret,
    runtime,
    baseUrl: () => config.publicUrl ?? nodeUrl(),
    accounts: createAccountProver({ graphUrl: deps.graphUrl, log }),
    metaDeletions: deps.metaDeletions,
    email: deps.email,
    aiPolicy: {
      models: config.ai.models,
      monthlyBudgetCents: config.ai.monthlyBudgetCents,
      configured: configuredProviders(config.ai),
    },
  };

  const analytics = createAnalytics({ database, fabric, runtime, log, breakers: deps.aiBreakers });

  const routes: Route[] = [
    ...opsRoutes({ nodeId: config.nodeId, database, fabric, metrics, isDraining: () => draining }),
    ...metaWebhookRoutes({
      database,
      runtime,
      metrics,
      log,
      appSecret: config.secrets.metaAppSecret,
      verifyToken: config.secrets.metaVerifyToken,
      ...(deps.contactProfiles ? { profiles: deps.contactProfiles } : {}),
    }),
    ...authRoutes(routeDeps),
    ...sessionRoutes(routeDeps),
    ...passwordRoutes(routeDeps),
    ...twoFactorRoutes(routeDeps),
    ...teamRoutes(routeDeps),
    ...invitationRoutes(routeDeps),
    ...integrationRoutes(routeDeps),
    ...paymentProviderRoutes(routeDeps),
    ...aiSettingsRoutes(routeDeps),
    ...auditRoutes(routeDeps),
    ...accountRoutes(routeDeps),
    ...contactRoutes(routeDeps),
    ...metaCallbackRoutes(routeDeps),
    ...(config.demo ? demoGraphRoutes({ outbox: deps.demoOutbox }) : []),
    ...(config.demo
      ? demoPaystackRoutes({
          database,
          box: routeDeps.box,
          log,
          publicUrl: routeDeps.baseUrl,
          nodeUrl,
        })
      : []),
    ...conversationRoutes(routeDeps),
    ...deps.commerce.routes(metrics),
    ...analytics.routes,
    ...(deps.extraRoutes ?? []),
  ];
  // The document describes every route, its own two included.
  routes.push(...docsRoutes({ routes: () => routes }));

  const staticFiles = createStaticFiles(config.client.distDir);
  const authenticator = createAuthenticator({ db: database.db, tokens });
  const http = createHttpApp({
    log,
    metrics,
    ipLimiter,
    routes,
    authenticator,
    trustedProxies: config.http.trustedProxies,
    publicUrl: config.publicUrl,
    bodyLimitBytes: config.http.bodyLimitBytes,
    uploadLimitBytes: config.http.uploadLimitBytes,
    checkReplies: config.http.checkReplies,
    staticFiles,
  });

  const realtime = createRealtime({
    app: http.app,
    database,
    publisher: deps.feedPublisher,
    authenticator,
    presence: fabric.presence,
    access,
    notifications: deps.commerce.notifications,
    log,
    nodeId: config.nodeId,
    adapter: deps.socketAdapter,
    options: {
      resyncLimit: config.realtime.resyncLimit,
      maxBackpressure: config.realtime.maxBackpressure,
      presenceTtlMs: config.realtime.presenceTtlMs,
      feedRetentionMs: config.realtime.feedRetentionMs,
      feedKeepMin: config.realtime.feedKeepMin,
      feedPruneIntervalMs: config.realtime.feedPruneIntervalMs,
    },
  });

  analytics.pusher.events.on('summary', (businessId, summary) =>
    realtime.emitAnalytics(businessId, summary),
  );

  async function drain() {
    draining = true;
    http.stopListening();
    analytics.pusher.stop();
    // Leave a slice of the budget for closing pools after the drain.
    const drained = await http.drain(Math.max(100, config.shutdownTimeoutMs - 1500));
    if (!drained) {
      log.warn(
        { event: 'shutdown.drain_timeout', inFlight: http.inFlight },
        'requests still in flight at shutdown',
      );
    }
  }

  return {
    http,
    metrics,
    runtime,
    commerce: deps.commerce,
    analytics: analytics.pusher,
    routes,
    database,
    realtime,
    staticFiles,
    drain,
    // Dashboards reconnect to another node and resync from their seq.
    close: () =>
      realtime
        .close()
        .catch((err: unknown) =>
          log.error({ event: 'shutdown.realtime_failed', err }, 'realtime close failed'),
        ),
  };
}
