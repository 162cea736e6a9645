// `npm start` runs this first: it builds the web app (client/dist) when it is missing or older
// than its sources, so `npm ci && npm start` serves the UI. Vite builds it in about a second.
// Without Vite (a production install, `npm ci --omit=dev`) it only says how to get the UI.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const index = join(root, 'client', 'dist', 'index.html');
const sources = [
  'client/src',
  'client/public',
  'client/index.html',
  'client/vite.config.ts',
  'shared',
];

/**
 * The newest modification time under `path` (a file or a folder).
 * @param {string} path
 * @returns {number}
 */
function newest(path) {
  if (!existsSync(path)) return 0;
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let latest = info.mtimeMs;
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

const builtAt = existsSync(index) ? statSync(index).mtimeMs : 0;
const changedAt = Math.max(...sources.map((s) => newest(join(root, s))));
if (builtAt > 0 && builtAt >= changedAt) process.exit(0);

let vite;
try {
  vite = await import('vite');
} catch {
  process.stdout.write(
    builtAt > 0
      ? '\n  Vite is not installed, so the web app was not rebuilt (run `npm ci` first).\n\n'
      : '\n  The web app is not built and Vite is not installed: run `npm ci && npm run build`.\n\n',
  );
  process.exit(0);
}

const started = Date.now();
process.stdout.write(`\n  Building the web app (client/dist)…\n`);
await vite.build({
  configFile: join(root, 'client', 'vite.config.ts'),
  logLevel: 'warn',
});
process.stdout.write(`  Built in ${((Date.now() - started) / 1000).toFixed(1)} s.\n`);
