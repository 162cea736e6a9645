/**
 * Fails when a tracked file cites a Markdown file, heading or section that does not exist
 * (`docs/architecture.md, "Guarantees"`, `operations.md#backups`, `README.md`). Run by
 * `npm run docs:check`; the rules live in `scripts/lib/doc-refs.ts`.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { checkDocRefs, type Repo } from './lib/doc-refs';

const root = fileURLToPath(new URL('..', import.meta.url));

// Tracked and new (not ignored) files, so a reference is checked before its commit.
const files = execFileSync(
  'git',
  ['ls-files', '--cached', '--others', '--exclude-standard', '-z'],
  {
    cwd: root,
    encoding: 'utf8',
  },
)
  .split('\0')
  .filter(Boolean);

const TEXT = /(\.(ts|tsx|js|mjs|cjs|md|ya?ml|json|conf|sh|example)|(^|\/)Dockerfile|^\.ci\/run)$/;
// The checker's own test cites missing files on purpose.
const FIXTURES = new Set(['scripts/lib/doc-refs.test.ts']);
const SKIPPED =
  /(^|\/)(node_modules|package-lock\.json$)|^server\/persistence\/migrations\/meta\/|^bench\/results\//;

const scanned = files.filter((f) => TEXT.test(f) && !SKIPPED.test(f) && !FIXTURES.has(f));
const repo: Repo = { files, read: (f) => readFileSync(`${root}/${f}`, 'utf8') };
const problems = checkDocRefs(repo, scanned);

for (const p of problems) console.error(`${p.file}:${p.line}: ${p.reason}`);
if (problems.length > 0) {
  console.error(
    `\n${problems.length} broken documentation reference(s) in ${scanned.length} files.`,
  );
  process.exit(1);
}
console.log(`Documentation references resolve (${scanned.length} files scanned).`);
