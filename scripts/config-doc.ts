/**
 * Renders `docs/configuration.md` from the env schema. `--check` writes nothing and fails when
 * the committed file differs, so `npm run docs:check` catches a variable added without a doc.
 *
 *   npx tsx scripts/config-doc.ts          # write docs/configuration.md
 *   npx tsx scripts/config-doc.ts --check  # exit 1 if it is stale
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { ENV_SECTIONS } from '../server/env.schema';
import { renderConfigDoc } from './lib/env-doc';

const target = fileURLToPath(new URL('../docs/configuration.md', import.meta.url));
const check = process.argv.includes('--check');

// Formatted like `npm run format` would, so the generated file passes prettier --check as is.
const options = await resolveConfig(target);
const rendered = await format(renderConfigDoc(ENV_SECTIONS), { ...options, filepath: target });

if (check) {
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {
    // A missing file is as stale as it gets.
  }
  if (current !== rendered) {
    console.error(
      'docs/configuration.md is out of date with server/env.schema.ts: run `npm run docs:config` and commit the result.',
    );
    process.exit(1);
  }
  console.log('docs/configuration.md is up to date.');
} else {
  writeFileSync(target, rendered);
  console.log(`wrote ${target}`);
}
