import { pathToFileURL } from 'node:url';
import { createAi, registerAiHandlers } from './ai/ai';
import { aiHealthProjector } from './analytics/ai-health.projection';
import { analyticsProjector } from './analytics/analytics.projection';
import type { AiSettingsSource } from './ai/settings';
import { createApp, type App, type AppDeps } from './app';
import { createCommerce, type Commerce } from './commerce/commerce';
import { ConfigError, loadConfig, type Config } from './config';
import { createMemoryFabric, createRedisFabric } from './fabric/fabric';
import { connectRedis } from './fabric/redis';
import { createStreamsAdapter } from './realtime/adapter.redis';
import { createFeedPublisher } from './realtime/feed-publisher';
import { createSecretBox } from './crypto/secret-box';
import { createLogger, type Logger } from './logger';
import { createMetrics } from './metrics';
import { ensurePrivateDir } from './private-dir';
import { openDatabase, type Database } from './persistence/db';
import type { Fabric } from './ports';
import type { OutboundSender } from './runtime/effects';
import { createRuntime, type Runtime } from './runtime/runtime';
import { createPasswords } from './auth/passwords';
import { createContactProfiles } from './channels/contact-profiles';
import { timelineProjector } from './conversations/timeline.projection';
import { createGraphSender } from './channels/graph-sender';
import { createEmailOutbox, type EmailOutbox } from './email/email-outbox';
import { createMetaDeletions } from './privacy/meta-deletion-jobs';
import { createSmtpMailer } from './email/mailer';
import { seedDemo, type DemoCredentials } from './demo/demo-seed';
import { createDemoOutbox, type DemoOutbox } from './demo/demo-outbox';
import { createSimulator } from './demo/simulator';

/**
 * The composition root (docs/style.md rule 6): the only place that opens real adapters. Tests start
 * in-process nodes through `startNode`; multi-node tests run this file as a process.
 */

export interface RunningNode {
  readonly config: Config;
  /** The demo owner's login, when the demo runs. */
  readonly demo?: DemoCredentials;
  /** What the demo's Graph stand-in was sent, as the simulated customers hear it. */
  readonly demoOutbox?: DemoOutbox;
  readonly app: App;
  readonly port: number;
  readonly url: string;
  shutdown(): Promise<void>;
}

export interface StartOptions {
  log?: Logger;
  extraRoutes?: AppDeps['extraRoutes'];
  /**
   * Registers effect handlers before the runtime starts. Runs after the node's own handlers are
   * registered (AI, commerce), so a test may replace or add to them.
   */
  configureRuntime?: (runtime: Runtime) => void;
  /** What sends outbound messages; the Graph API sender unless a test records them. */
  outboundSender?: OutboundSender;
  /** Business AI settings; until the settings table is wired, defaults from the API keys. */
  aiSettings?: AiSettingsSource;
}

export async function startNode(config: Config, options: StartOptions = {}): Promise<RunningNode> {
  const log = options.log ?? createLogger({ level: config.logLevel, nodeId: config.nodeId });
  // The embedded database and the demo login live here; nobody else on the host may read them.
  if (config.database.kind === 'pglite' || config.demo) ensurePrivateDir(config.dataDir);
  const database = await openDatabase(config.database, `parley-${config.nodeId}`);
  const metrics = createMetrics({ nodeId: config.nodeId });
  let fabric: Fabric | undefined;
  let socketAdapter: AppDeps['socketAdapter'];
  let runtime: Runtime | undefined;
  let commerce: Commerce | undefined;
  // Payment return URLs and invoice links; this node's own URL is known once it listens.
  let baseUrl = config.publicUrl ?? `http://localhost:${config.port}`;
  // The demo shop pays through this node's Paystack stand-in, known once the shop is seeded.
  let demoPaystack: { businessId: string; apiUrl: string } | null = null;
  // This node's own URL, once it listens.
  let nodeUrl = `http://localhost:${config.port}`;
  let stopping: Promise<void> | null = null;
  try {
    await database.migrate();
    if (config.redis) {
      const redis = await connectRedis(config.redis.url, log, `parley-${config.nodeId}`);
      fabric = createRedisFabric(redis, config.redis.prefix, log);
      socketAdapter = createStreamsAdapter(redis, config.redis.prefix);
    } else {
      fabric = createMemoryFabric();
    }
    const box = createSecretBox(config.secrets.encryptionKeys);
    const passwords = createPasswords(config.auth.bcryptCost);
    // Known once listening: the demo's Graph stand-in lives on this node.
    let graphUrl = config.meta.graphUrl ?? 'https://graph.facebook.com';
    runtime = createRuntime({
      database,
      sender:
        options.outboundSender ??
        createGraphSender({ database, box, graphUrl: () => graphUrl, log }),
      fabric,
      log,
      nodeId: config.nodeId,
      projectors: [timelineProjector, analyticsProjector, aiHealthProjector],
      databaseUrl: config.database.kind === 'postgres' ? config.database.url : null,
      settings: config.runtime,
    });
    const email = openEmailOutbox(config, runtime, database, log);
    // What the demo's Graph stand-in is sent reaches the simulated customers through this.
    const demoOutbox = config.demo ? createDemoOutbox() : undefined;
    const metaDeletions = createMetaDeletions({
      jobs: runtime.jobs,
      db: database.db,
      log: log.child({ component: 'meta-deletion' }),
      graphUrl: () => graphUrl,
      appId: config.meta.appId,
      appSecret: config.secrets.metaAppSecret,
    });
    const contactProfiles = createContactProfiles({
      jobs: runtime.jobs,
      database,
      box,
      graphUrl: () => graphUrl,
      log: log.child({ component: 'contact-profiles' }),
    });
    const ai = await createAi({
      config: config.ai,
      database,
      log,
      registry: metrics.registry,
      settings: options.aiSettings,
    });
    registerAiHandlers(runtime, ai);
    commerce = createCommerce({
      config,
      database,
      runtime,
      log,
      box,
      email,
      baseUrl: () => baseUrl,
      endpointsFor: (businessId) =>
        demoPaystack?.businessId === businessId ? { paystackApiUrl: demoPaystack.apiUrl } : null,
    });
    commerce.register(runtime);
    // After the node's own handlers, so a test adds its stand-ins (or replaces one).
    options.configureRuntime?.(runtime);
    // Listening before the runtime starts: commits of the start-up sweep reach the feed too.
    const feedPublisher = createFeedPublisher({ database, events: runtime.events, log });
    await runtime.start();
    commerce.start();
    const app = createApp({
      config,
      log,
      database,
      box,
      passwords,
      nodeUrl: () => nodeUrl,
      fabric,
      runtime,
      metrics,
      commerce,
      aiBreakers: ai.breakers,
      extraRoutes: options.extraRoutes,
      socketAdapter,
      feedPublisher,
      graphUrl: () => graphUrl,
      demoOutbox,
      metaDeletions,
      email,
      contactProfiles,
    });
    const port = await app.http.listen(config.host, config.port);
    const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
    const url = `http://${host}:${port}`;
    nodeUrl = url;
    let demo: DemoCredentials | undefined;
    let stopSimulator = () => {};
    if (config.demo) {
      if (!config.meta.graphUrl) graphUrl = `${url}/demo/graph`;
      demo = await seedDemo({
        database,
        box,
        passwords,
        dataDir: config.dataDir,
      });
      demoPaystack = { businessId: demo.businessId, apiUrl: `${url}/demo/paystack` };
      if (config.demoRate > 0) {
        const simulator = createSimulator({
          baseUrl: url,
          appSecret: config.secrets.metaAppSecret,
          rate: config.demoRate,
          log,
          // In this process the simulated customers hear the Graph stand-in, so they pay links.
          outbox: demoOutbox,
        });
        simulator.start();
        stopSimulator = () => simulator.stop();
      }
    }
    baseUrl = config.publicUrl ?? url;
    log.info(
      {
        event: 'node.started',
        url,
        database: database.kind,
        fabric: fabric.kind,
        demo: config.demo,
      },
      'parley node started',
    );
    return {
      config,
      app,
      port,
      url,
      ...(demo ? { demo } : {}),
      ...(demoOutbox ? { demoOutbox } : {}),
      // The reverse of the start: stop taking work, stop what works, close what was opened.
      shutdown: () =>
        (stopping ??= (async () => {
          stopSimulator();
          await app.drain();
          await stopLogged(log, 'commerce', () => commerce?.stop());
          // Hands the shards over after their mailboxes drain, so peers resume without waiting.
          await stopLogged(log, 'runtime', () => runtime?.stop());
          // After the runtime: its last commits still reach the feed.
          await app.close();
          await Promise.allSettled([fabric?.close(), database.close()]);
        })()),
    };
  } catch (err) {
    await commerce?.stop().catch(() => {});
    await runtime?.stop().catch(() => {});
    await Promise.allSettled([fabric?.close(), database.close()]);
    throw err;
  }
}

async function stopLogged(log: Logger, part: string, stop: () => Promise<void> | undefined) {
  await stop()?.catch((err: unknown) =>
    log.error({ event: `shutdown.${part}_failed`, err }, `${part} stop failed`),
  );
}

/** Owner and member e-mail on its own queue, when SMTP_URL is set. */
function openEmailOutbox(
  config: Config,
  runtime: Runtime,
  database: Database,
  log: Logger,
): EmailOutbox {
  return createEmailOutbox({
    jobs: runtime.jobs,
    db: database.db,
    mailer: config.smtp ? createSmtpMailer(config.smtp) : null,
    log: log.child({ component: 'email' }),
    policy: {
      retryLimit: config.email.retryLimit,
      retryDelaySeconds: config.email.retryDelaySeconds,
      retryBackoff: true,
      expireInSeconds: Math.ceil((config.smtp?.timeoutMs ?? 5000) / 1000) * 4 + 30,
    },
  });
}

/**
 * `main.ts migrate`: apply pending migrations and exit. Nodes migrate on boot as well, but a
 * deployment runs this once first (the compose `migrate` service), so a broken migration stops
 * the rollout before any node is replaced.
 */
export async function migrateDatabase(config: Config, log: Logger): Promise<void> {
  const database = await openDatabase(config.database, `parley-${config.nodeId}-migrate`);
  try {
    await database.migrate();
    log.info({ event: 'db.migrated', database: database.kind }, 'migrations applied');
  } finally {
    await database.close();
  }
}

async function runFromCommandLine(command: string | undefined): Promise<void> {
  if (command !== undefined && command !== 'migrate') {
    process.stderr.write(`Unknown command "${command}". Usage: main.ts [migrate]\n`);
    process.exit(2);
  }
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
  const log = createLogger({ level: config.logLevel, nodeId: config.nodeId });
  process.on('uncaughtException', (err) => {
    log.fatal({ event: 'process.uncaught', err }, 'uncaught exception');
    process.exit(1);
  });
  process.on('unhandledRejection', (err) => {
    log.fatal({ event: 'process.unhandled_rejection', err }, 'unhandled rejection');
    process.exit(1);
  });

  if (command === 'migrate') {
    await migrateDatabase(config, log);
    process.exit(0);
  }

  const node = await startNode(config, { log });
  process.stdout.write(`\n  Parley is running at ${node.url}\n`);
  if (!node.app.staticFiles.isBuilt()) {
    process.stdout.write(
      `  The web app is not built: run \`npm run build\` (or \`npm start\`, which builds it first).\n`,
    );
  }
  if (node.demo) {
    process.stdout.write(
      `  Demo shop: sign in as ${node.demo.email} / ${node.demo.password}\n` +
        `  Simulated customers are writing on WhatsApp, Messenger and Instagram (DEMO=0 turns this off).\n`,
    );
  }
  process.stdout.write('\n');

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info({ event: 'node.stopping', signal }, 'shutting down');
    const hardStop = setTimeout(() => {
      log.error({ event: 'node.stop_timeout' }, 'shutdown took too long; exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs);
    hardStop.unref();
    node.shutdown().then(
      () => {
        log.info({ event: 'node.stopped' }, 'stopped');
        process.exit(0);
      },
      (err: unknown) => {
        log.error({ event: 'node.stop_failed', err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

const entry = process.argv[1];
if (entry && import.meta.url === pathToFileURL(entry).href) {
  runFromCommandLine(process.argv[2]).catch((err: unknown) => {
    process.stderr.write(
      `Parley failed to start: ${err instanceof Error ? err.stack : String(err)}\n`,
    );
    process.exit(1);
  });
}
