import { describe, expect, it } from 'vitest';
import { checkDocRefs, findReferences, headingSlugs, type Repo } from './doc-refs';

/** A tiny repository in memory: docs with headings, and files that cite them. */
function repo(files: Record<string, string>): Repo {
  return {
    files: Object.keys(files),
    read: (f) => {
      const text = files[f];
      if (text === undefined) throw new Error(`no file ${f}`);
      return text;
    },
  };
}

const docs = {
  'README.md': '# Parley\n\n## Tests\n\nSee [architecture](docs/architecture.md#guarantees).\n',
  'docs/architecture.md': '# Architecture\n\n## Guarantees\n\n## Tenancy: two walls\n',
  'docs/wire-specs.md': '# Wire\n\n## 1. Meta\n\n### 1.2 POST signature\n',
  'docs/style.md': '# Style\n\n1. **One.**\n5. **Five.**\n',
};

// Fixture names of documents that do not exist are built here, so the fixtures themselves do not
// read as citations of missing files to anything that scans the repository.
const md = (name: string) => `${name}.md`;
const GONE = md('NO-SUCH-DESIGN');
const NOTES = md('test/notes');

const check = (files: Record<string, string>) => {
  const all = { ...docs, ...files };
  return checkDocRefs(repo(all), Object.keys(all)).map((p) => `${p.file}:${p.line}: ${p.reason}`);
};

describe('checkDocRefs', () => {
  it('passes references that resolve beside the file, at the root or under docs/', () => {
    expect(
      check({
        'server/a.ts': [
          '/** The inbox (docs/architecture.md, "Guarantees"); style.md rule 5 (README, "Tests"). */',
          '// see architecture.md#tenancy-two-walls and ../README.md (wire-specs.md §1.2, §1)',
        ].join('\n'),
        'docs/api.md': 'Read [the style](style.md) and [tests](../README.md#tests).\n',
      }),
    ).toEqual([]);
  });

  it('catches a missing file, a missing anchor and a missing section', () => {
    expect(
      check({
        'server/b.ts': [
          '/**',
          ` * As ${GONE} says (docs/architecture.md#timers, wire-specs.md §2.4), see`,
          ' * docs/architecture.md, "Fencing"; docs/style.md rule 7 (README, "Deployment").',
          ' */',
        ].join('\n'),
      }),
    ).toEqual([
      `server/b.ts:2: ${GONE}: no such file`,
      'server/b.ts:2: docs/architecture.md has no heading #timers',
      'server/b.ts:2: docs/wire-specs.md has no heading §2.4',
      'server/b.ts:3: docs/architecture.md has no section "Fencing"',
      'server/b.ts:3: docs/style.md has no rule 7',
      'server/b.ts:3: README.md has no section "Deployment"',
    ]);
  });

  it('reports a path outside the repository', () => {
    expect(check({ [NOTES]: 'Facts in `/work/shared/docs/wire-specs.md`.\n' })).toEqual([
      `${NOTES}:1: /work/shared/docs/wire-specs.md: outside the repository`,
    ]);
  });
});

describe('findReferences', () => {
  it('treats a bare file name in a code string as data and a path as a reference', () => {
    const code = [
      "const out = join(dir, 'actors-latest.md');",
      'const legacy = `${name}-latest.md`;',
      `const doc = '${md('docs/no-such-page')}';`,
    ].join('\n');
    expect(findReferences('bench/a.ts', code).map((r) => r.target)).toEqual([
      md('docs/no-such-page'),
    ]);
  });

  it('skips Markdown between doc-refs: off and on', () => {
    const text = `a ${GONE}\n<!-- doc-refs: off -->\nx/y ${md('docs/elsewhere')}\n<!-- doc-refs: on -->\nb api.md\n`;
    expect(findReferences(NOTES, text).map((r) => `${r.line}:${r.target}`)).toEqual([
      `1:${GONE}`,
      '5:api.md',
    ]);
  });

  it('skips URLs and globs', () => {
    const text = 'https://github.com/o/r/blob/main/README.md and `*.md` files';
    expect(findReferences(NOTES, text)).toEqual([]);
  });
});

describe('headingSlugs', () => {
  it('makes GitHub-style anchors, numbering repeats and ignoring fenced code', () => {
    const md = '# The `.env` file\n## Step 1: go!\n## Step 1: go!\n```\n# not a heading\n```\n';
    expect([...headingSlugs(md)]).toEqual(['the-env-file', 'step-1-go', 'step-1-go-1']);
  });
});
