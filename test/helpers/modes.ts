import { afterAll, beforeAll, describe } from 'vitest';
import type { Env } from '../../server/config';
import type { RunningNode, StartOptions } from '../../server/main';
import { isAvailable, missingVerdict, type Service } from './services';
import { createCluster, MODES, type Cluster, type Mode } from './test-node';

/** What each mode needs besides Parley itself; embedded mode runs on nothing but the process. */
const NEEDS: Record<Mode, readonly Service[]> = { embedded: [], full: ['postgres', 'redis'] };

// Probed once per file at import: vitest collects suites synchronously, so the skip decision
// must be known before `describe` runs.
const reachable: Record<Service, boolean> = {
  postgres: await isAvailable('postgres'),
  redis: await isAvailable('redis'),
};

export interface DescribeModesOptions {
  /** The modes to run (default both): a suite about one mode's machinery names it. */
  readonly modes?: readonly Mode[];
}

/**
 * One `describe` per mode, named `name [mode]`, each with a fresh cluster (a new PostgreSQL
 * database and Redis prefix in full mode, in-memory PGlite in embedded mode) that exists from
 * the first `beforeAll` to the last `afterAll`. A mode whose services are not reachable is
 * skipped with a loud notice, or fails the file under CI (`requireServices`).
 *
 * The cluster is handed over at collection time, before it exists, so the body can close over
 * it the way tests close over `node`; using it outside a hook or test is an error that says so.
 * Its nodes stop before the body's own `afterAll`s run, so fakes outlive the nodes calling them.
 */
export function describeModes(
  name: string,
  body: (cluster: Cluster) => void,
  options: DescribeModesOptions = {},
): void {
  for (const mode of options.modes ?? MODES) {
    const suite = `${name} [${mode}]`;
    const missing = NEEDS[mode].filter((s) => !reachable[s]);
    if (!missingVerdict(suite, missing)) {
      describe.skip(suite, () => body(lateCluster(mode, suite).cluster));
      continue;
    }
    describe(suite, () => {
      const late = lateCluster(mode, suite);
      beforeAll(late.open);
      body(late.cluster);
      // Registered after the body's hooks, so (vitest runs `after` hooks as a stack) it runs first.
      afterAll(late.close);
    });
  }
}

/** A cluster whose resources are made by `open` (in a hook) and released by `close`. */
function lateCluster(mode: Mode, suite: string) {
  let real: Cluster | null = null;
  const get = (): Cluster => {
    if (!real) throw new Error(`${suite}: the cluster exists only inside hooks and tests`);
    return real;
  };
  const cluster: Cluster = {
    mode,
    get database() {
      return get().database;
    },
    get redisPrefix() {
      return get().redisPrefix;
    },
    env: (overrides?: Env) => get().env(overrides),
    start: (overrides?: Env, startOptions?: StartOptions): Promise<RunningNode> =>
      get().start(overrides, startOptions),
    stopAll: () => get().stopAll(),
    [Symbol.asyncDispose]: () => get()[Symbol.asyncDispose](),
  };
  return {
    cluster,
    async open() {
      real = await createCluster(mode);
    },
    async close() {
      await real?.[Symbol.asyncDispose]();
      real = null;
    },
  };
}
