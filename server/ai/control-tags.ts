import { parseTag } from './tag-grammar';

/**
 * The strict parser of the AI's control tags (docs/architecture.md, "AI control tags"). It splits a
 * model's reply into the text the customer sees and the actions the model asked for. It is pure and
 * total: any string in, and the text out never holds anything tag-like.
 *
 * Grammar (one tag, on one line):
 *
 *   tag    = "[[" ws* NAME (ws+ attr)* ws* "]]"
 *   NAME   = "HANDOFF" | "CHECKOUT" | "INVOICE" | "ORDER_STATUS"      (upper case only)
 *   attr   = key "=" value
 *   key    = [a-z][a-z_]*
 *   value  = bare | quoted
 *   bare   = [^\s"\[\]=]+
 *   quoted = '"' ( [^"\\\n] | "\\" any )* '"'
 *
 *   HANDOFF       reason? (at most once)
 *   CHECKOUT      (sku qty?)+   each qty belongs to the sku before it; a missing qty is 1
 *   INVOICE       no attributes
 *   ORDER_STATUS  no attributes
 *
 * Everything else that looks like a tag is removed from the text and reported as rejected:
 * unknown or lower-case names, bad attributes, tags split over lines, nested or unterminated
 * `[[` (an unterminated one takes the rest of the reply with it: a reply cut at `max_tokens`
 * must not show half a tag), stray `]]`, single-bracket look-alikes such as `[CHECKOUT …]`,
 * and a lone `[` at the very end.
 */

export type ParsedAction =
  | { type: 'handoff'; reason: string }
  | { type: 'checkout'; items: { sku: string; qty: number }[] }
  | { type: 'invoice' }
  | { type: 'order_status' };

export type TagRejection =
  | 'unknown_tag'
  | 'malformed'
  | 'split_across_lines'
  | 'nested'
  | 'unterminated'
  | 'stray_bracket'
  | 'single_bracket';

export interface RejectedTag {
  reason: TagRejection;
  /** The removed text, cut to 120 characters, for logs. */
  fragment: string;
  detail?: string;
}

export interface ParsedReply {
  text: string;
  actions: ParsedAction[];
  rejected: RejectedTag[];
}

/** Where a removed fragment was; replaced by a space or nothing when the text is tidied. */
const HOLE = '\uE000';
const MAX_FRAGMENT = 120;

/** `[checkout sku=…]`, `[ HANDOFF ]`, `[/invoice]`: what models write when they get it wrong. */
const SINGLE_BRACKET_TAG =
  /\[\s*\/?\s*(?:handoff|checkout|invoice|order[ _-]?status)\b[^[\]\n]*\]?/iy;

export function parseControlTags(raw: string): ParsedReply {
  const first = scan(clean(raw));
  const rejected = [...first.rejected];
  let text = tidy(first.out);
  // Tidying joins what was around a removed fragment ("[ " + "[[X]]" + "…" → "[ …"); scan
  // again until nothing tag-like is left. Each pass removes text, so this ends.
  while (TAG_LIKE.test(text)) {
    const again = scan(text);
    rejected.push(...again.rejected);
    for (const action of again.actions) {
      rejected.push({ reason: 'malformed', fragment: action.type, detail: 'formed by tidying' });
    }
    text = tidy(again.out);
  }
  return { text, actions: first.actions, rejected };
}

/** Anything the scan would remove. */
const TAG_LIKE = /\[\[|\]\]|\[\s*$|\[\s*\/?\s*(?:handoff|checkout|invoice|order[ _-]?status)\b/i;

interface Scanned {
  out: string;
  actions: ParsedAction[];
  rejected: RejectedTag[];
}

function scan(input: string): Scanned {
  const actions: ParsedAction[] = [];
  const rejected: RejectedTag[] = [];
  const reject = (reason: TagRejection, fragment: string, detail?: string) =>
    rejected.push({
      reason,
      fragment: fragment.slice(0, MAX_FRAGMENT),
      ...(detail ? { detail } : {}),
    });

  let out = '';
  let i = 0;
  while (i < input.length) {
    if (input.startsWith('[[', i)) {
      const span = scanSpan(input, i);
      const fragment = input.slice(i, span.end);
      if (span.unterminated) reject('unterminated', fragment);
      else if (span.multiline) reject('split_across_lines', fragment);
      else if (span.nested) reject('nested', fragment);
      else {
        const parsed = parseTag(fragment);
        if ('action' in parsed) actions.push(parsed.action);
        else reject(parsed.reason, fragment, parsed.detail);
      }
      out += HOLE;
      i = span.end;
      continue;
    }
    if (input.startsWith(']]', i)) {
      const end = skipWhile(input, i, ']');
      reject('stray_bracket', input.slice(i, end));
      out += HOLE;
      i = end;
      continue;
    }
    if (input[i] === '[') {
      SINGLE_BRACKET_TAG.lastIndex = i;
      const match = SINGLE_BRACKET_TAG.exec(input);
      if (match) {
        reject('single_bracket', match[0]);
        out += HOLE;
        i += match[0].length;
        continue;
      }
      // A lone `[` at the very end is the first half of a `[[` that was cut off.
      if (/^\s*$/.test(input.slice(i + 1))) {
        reject('unterminated', input.slice(i));
        out += HOLE;
        break;
      }
    }
    out += input[i];
    i += 1;
  }
  return { out, actions, rejected };
}

/** Drops control characters (keeping newlines and tabs) and normalises line ends. */
function clean(raw: string): string {
  return raw
    .replace(/\r\n?/g, '\n')
    .replace(/\p{Cc}/gu, (c) => (c === '\n' || c === '\t' ? c : ''))
    .replaceAll(HOLE, '');
}

function skipWhile(s: string, from: number, ch: string): number {
  let i = from;
  while (s[i] === ch) i += 1;
  return i;
}

interface Span {
  end: number;
  unterminated: boolean;
  multiline: boolean;
  nested: boolean;
}

/**
 * From a `[[` to its matching `]]`, counting nested pairs and ignoring brackets inside quoted
 * values. Extra `]` right after the end belong to the fragment (`[[INVOICE]]]`).
 */
function scanSpan(s: string, start: number): Span {
  let i = start + 2;
  let depth = 1;
  let inQuote = false;
  let multiline = false;
  let nested = false;
  while (i < s.length) {
    const c = s[i];
    if (c === '\n') multiline = true;
    if (inQuote) {
      if (c === '\\') {
        if (s[i + 1] === '\n') multiline = true;
        i += 1;
      } else if (c === '"' || c === '\n') inQuote = false;
      i += 1;
      continue;
    }
    if (c === '"') inQuote = true;
    else if (s.startsWith('[[', i)) {
      depth += 1;
      nested = true;
      i += 2;
      continue;
    } else if (s.startsWith(']]', i)) {
      depth -= 1;
      i += 2;
      if (depth === 0) {
        const end = skipWhile(s, i, ']');
        return { end, unterminated: false, multiline, nested: nested || end > i };
      }
      continue;
    }
    i += 1;
  }
  return { end: s.length, unterminated: true, multiline, nested };
}

/**
 * Where a fragment was removed: nothing before punctuation or a line end, one space between
 * words. Then runs of blanks shrink, lines lose trailing blanks and blank lines collapse.
 */
function tidy(text: string): string {
  return text
    .replace(/[ \t]*\uE000(?:[ \t]*\uE000)*[ \t]*(?=[.,!?;:)]|\n|$)/g, '')
    .replace(/(^|\n)[ \t]*\uE000(?:[ \t]*\uE000)*[ \t]*/g, '$1')
    .replace(/[ \t]*\uE000(?:[ \t]*\uE000)*[ \t]*/g, ' ')
    .replace(/[ \t]{2,}/g, ' ')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
