import { posix } from 'node:path';

/**
 * Finds references to Markdown files in the repository's text and reports the ones that point
 * nowhere: a missing file, a `#anchor` with no such heading, or a `, "Section"` citation whose
 * section the file does not have. Pure: the caller supplies the file list and their text.
 */

export interface DocRef {
  file: string;
  line: number;
  target: string;
  anchor?: string;
  section?: string;
  /** `style.md rule 5`: a numbered rule the target must have. */
  rule?: number;
  /** `wire-specs.md §2.4`: a numbered heading the target must have. */
  numbered?: string;
}

export interface DocRefProblem extends DocRef {
  reason: string;
}

/**
 * In code, a bare file name in a string is data (a file the code writes); a path is a reference.
 */
const CODE = /\.(ts|tsx|js|mjs|cjs)$/;

// A path ending in .md, not glued to an identifier, template or URL before it.
const REF =
  /(?<![\w$}{/.:@-])((?:\/|\.\.?\/)*[\w][\w./-]*?\.md)(?![\w-])(?:#([\w-]+))?(?:,\s*"([^"\n]+)")?(?:,?\s+rules?\s+(\d+))?(?:\s*§\s*(\d+(?:\.\d+)*))?/g;

/**
 * Markdown between `<!-- doc-refs: off -->` and `<!-- doc-refs: on -->` is not scanned: research
 * notes cite files of other repositories by their own paths.
 */
const OFF = /<!-- doc-refs: off -->[\s\S]*?(<!-- doc-refs: on -->|$)/g;

/** `(README, "Tests")`: the README cited by name alone, with a section. */
const README_SECTION = /(?<![\w/.-])README,\s*"([^"\n]+)"/g;

export function findReferences(file: string, text: string): DocRef[] {
  const refs: DocRef[] = [];
  const spans = CODE.test(file) ? proseSpans(text) : markdownSpans(text);
  for (const span of spans) {
    const part = text.slice(span.start, span.end);
    for (const m of part.matchAll(REF)) {
      const target = m[1]!;
      if (span.code && !target.includes('/')) continue;
      const offset = span.start + m.index;
      refs.push({
        file,
        line: text.slice(0, offset).split('\n').length,
        target,
        ...(m[2] ? { anchor: m[2] } : {}),
        ...(m[3] ? { section: m[3] } : {}),
        ...(m[4] ? { rule: Number(m[4]) } : {}),
        ...(m[5] ? { numbered: m[5] } : {}),
      });
    }
    for (const m of part.matchAll(README_SECTION)) {
      const offset = span.start + m.index;
      const line = text.slice(0, offset).split('\n').length;
      refs.push({ file, line, target: 'README.md', section: m[1]! });
    }
  }
  return refs;
}

function markdownSpans(text: string): Span[] {
  const spans: Span[] = [];
  let start = 0;
  for (const m of text.matchAll(OFF)) {
    spans.push({ start, end: m.index, code: false });
    start = m.index + m[0].length;
  }
  spans.push({ start, end: text.length, code: false });
  return spans;
}

interface Span {
  start: number;
  end: number;
  /** A string literal (true) or a comment (false). */
  code: boolean;
}

/**
 * Comments and string literals of JS/TS source: enough of a lexer to tell them apart (template
 * interpolations and regex literals are treated as code, which at worst hides a reference).
 */
function proseSpans(text: string): Span[] {
  const spans: Span[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    const next = text[i + 1];
    if (c === '/' && next === '/') {
      const end = text.indexOf('\n', i);
      const stop = end === -1 ? text.length : end;
      spans.push({ start: i, end: stop, code: false });
      i = stop;
    } else if (c === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end === -1 ? text.length : end + 2;
      spans.push({ start: i, end: stop, code: false });
      i = stop;
    } else if (c === "'" || c === '"' || c === '`') {
      let j = i + 1;
      while (j < text.length && text[j] !== c && !(c !== '`' && text[j] === '\n')) {
        j += text[j] === '\\' ? 2 : 1;
      }
      spans.push({ start: i + 1, end: j, code: true });
      i = j + 1;
    } else {
      i++;
    }
  }
  return spans;
}

/**
 * GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered.
 */
export function headingSlugs(markdown: string): Set<string> {
  const slugs = new Set<string>();
  const seen = new Map<string, number>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    const m = !fenced && /^#{1,6}\s+(.+?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const base = slugify(m[1]!);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    slugs.add(n === 0 ? base : `${base}-${n}`);
  }
  return slugs;
}

export function slugify(heading: string): string {
  return heading
    .replace(/`/g, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

export interface Repo {
  /** Repository-relative paths with `/` separators. */
  files: readonly string[];
  read(file: string): string;
}

/** Where a reference may point: beside the file, at the repository root, or under docs/. */
export function resolveTarget(repo: Repo, from: string, target: string): string | null {
  if (target.startsWith('/')) return null;
  const known = new Set(repo.files);
  const candidates = [
    posix.normalize(posix.join(posix.dirname(from), target)),
    posix.normalize(target),
    posix.normalize(posix.join('docs', target)),
  ];
  return candidates.find((c) => !c.startsWith('..') && known.has(c)) ?? null;
}

export function checkDocRefs(repo: Repo, scanned: readonly string[]): DocRefProblem[] {
  const problems: DocRefProblem[] = [];
  const slugCache = new Map<string, Set<string>>();
  const slugsOf = (file: string) => {
    let slugs = slugCache.get(file);
    if (!slugs) slugCache.set(file, (slugs = headingSlugs(repo.read(file))));
    return slugs;
  };
  for (const file of scanned) {
    for (const ref of findReferences(file, repo.read(file))) {
      const resolved = resolveTarget(repo, file, ref.target);
      if (!resolved) {
        const where = ref.target.startsWith('/') ? 'outside the repository' : 'no such file';
        problems.push({ ...ref, reason: `${ref.target}: ${where}` });
        continue;
      }
      if (ref.anchor && !slugsOf(resolved).has(ref.anchor)) {
        problems.push({ ...ref, reason: `${resolved} has no heading #${ref.anchor}` });
      }
      if (ref.section && !slugsOf(resolved).has(slugify(ref.section))) {
        problems.push({ ...ref, reason: `${resolved} has no section "${ref.section}"` });
      }
      if (ref.rule !== undefined && !hasRule(repo.read(resolved), ref.rule)) {
        problems.push({ ...ref, reason: `${resolved} has no rule ${ref.rule}` });
      }
      if (ref.numbered && !hasNumberedHeading(repo.read(resolved), ref.numbered)) {
        problems.push({ ...ref, reason: `${resolved} has no heading §${ref.numbered}` });
      }
    }
  }
  return problems;
}

/** A numbered list item `N. ` at the start of a line. */
const hasNumberedHeading = (markdown: string, n: string) =>
  new RegExp(`^#{1,6}\\s+${n.replace(/\./g, '\\.')}(\\.|\\s)`, 'm').test(markdown);

const hasRule = (markdown: string, n: number) => new RegExp(`^${n}\\. `, 'm').test(markdown);
