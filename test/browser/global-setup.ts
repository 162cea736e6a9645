import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import type { TestProject } from 'vitest/node';
import { findBinary } from '../helpers/binaries';
import { IN_CI } from '../helpers/services';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The client built for this run (`vite build` into a temporary folder); '' when skipped. */
    clientDist: string;
  }
}

const CONFIG = fileURLToPath(new URL('../../client/vite.config.ts', import.meta.url));

/**
 * Builds the web app once for every browser test file, with the same config as `npm run build`
 * but into its own folder, so a developer's client/dist is left alone. Without Chromium (outside
 * CI) the files skip, so there is nothing to build.
 */
export default async function setup(project: TestProject) {
  if (!findBinary('chromium') && !IN_CI) {
    project.provide('clientDist', '');
    return;
  }
  const outDir = mkdtempSync(join(tmpdir(), 'parley-client-'));
  await build({
    configFile: CONFIG,
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true },
  });
  project.provide('clientDist', outDir);
  return () => rmSync(outDir, { recursive: true, force: true });
}
