/**
 * Things a part must undo however it ends (databases, child processes, a private Redis): run
 * on normal exit through `runCleanups()`, and on Ctrl-C / SIGTERM before the process exits.
 */
const cleanups: (() => Promise<void> | void)[] = [];
let installed = false;

export function onCleanup(fn: () => Promise<void> | void): void {
  cleanups.push(fn);
  if (installed) return;
  installed = true;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      process.stderr.write(`\n${signal}: cleaning up\n`);
      void runCleanups().finally(() => process.exit(130));
    });
  }
}

let running: Promise<void> | null = null;

/** Runs every cleanup once, newest first; concurrent callers share the one run. */
export function runCleanups(): Promise<void> {
  running ??= drain().finally(() => (running = null));
  return running;
}

async function drain(): Promise<void> {
  while (cleanups.length > 0) {
    const fn = cleanups.pop()!;
    try {
      await fn();
    } catch (err) {
      process.stderr.write(`cleanup failed: ${err instanceof Error ? err.message : String(err)}\n`);
    }
  }
}

/** Runs a part's main: prints a crash, always cleans up, sets the exit code. */
export function runPart(main: () => Promise<void>): void {
  main()
    .then(runCleanups)
    .catch(async (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
      await runCleanups();
      process.exitCode = 1;
    })
    .finally(() => {
      // Keep-alive sockets of fetch and the fakes would hold the process open.
      setTimeout(() => process.exit(), 200).unref();
    });
}
