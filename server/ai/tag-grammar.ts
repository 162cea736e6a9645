import type { ParsedAction, TagRejection } from './control-tags';

/**
 * The inside of one `[[…]]` tag (grammar in control-tags.ts): its name, its attributes and the
 * action they make. Only called on a complete, single-line, un-nested fragment.
 */

const TAG_NAMES = ['HANDOFF', 'CHECKOUT', 'INVOICE', 'ORDER_STATUS'] as const;
type TagName = (typeof TAG_NAMES)[number];

const MAX_REASON = 200;
const MAX_SKU = 64;

export type TagResult = { action: ParsedAction } | { reason: TagRejection; detail: string };

const malformed = (detail: string): TagResult => ({ reason: 'malformed', detail });

export function parseTag(fragment: string): TagResult {
  const lexed = lex(fragment.slice(2, -2));
  if ('error' in lexed) return malformed(lexed.error);
  const { name, attrs } = lexed;
  if (!(TAG_NAMES as readonly string[]).includes(name)) {
    const wrongCase = (TAG_NAMES as readonly string[]).includes(name.toUpperCase());
    return { reason: 'unknown_tag', detail: wrongCase ? 'tag names are upper case' : name };
  }
  return buildAction(name as TagName, attrs);
}

type Attr = { key: string; value: string };

/** Splits the inside of a tag into its name and attributes, or says what is wrong. */
function lex(inner: string): { name: string; attrs: Attr[] } | { error: string } {
  let i = 0;
  const spaces = () => {
    const from = i;
    while (inner[i] === ' ' || inner[i] === '\t') i += 1;
    return i - from;
  };
  spaces();
  const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(inner.slice(i))?.[0];
  if (!name) return { error: 'missing tag name' };
  i += name.length;
  const attrs: Attr[] = [];
  for (;;) {
    const gap = spaces();
    if (i >= inner.length) return { name, attrs };
    if (gap === 0) return { error: `unexpected "${inner[i]}"` };
    const key = /^[a-z][a-z_]*/.exec(inner.slice(i))?.[0];
    if (!key || inner[i + key.length] !== '=') return { error: 'expected key=value' };
    i += key.length + 1;
    const value = readValue(inner, i);
    if ('error' in value) return value;
    attrs.push({ key, value: value.value });
    i = value.end;
  }
}

function readValue(s: string, from: number): { value: string; end: number } | { error: string } {
  if (s[from] !== '"') {
    const bare = /^[^\s"[\]=]+/.exec(s.slice(from))?.[0];
    return bare ? { value: bare, end: from + bare.length } : { error: 'empty value' };
  }
  let value = '';
  for (let i = from + 1; i < s.length; i += 1) {
    const c = s[i] as string;
    if (c === '"') return { value, end: i + 1 };
    if (c === '\\') {
      if (i + 1 >= s.length) break;
      i += 1;
      value += s[i];
    } else value += c;
  }
  return { error: 'unterminated quoted value' };
}

function buildAction(name: TagName, attrs: Attr[]): TagResult {
  switch (name) {
    case 'HANDOFF': {
      if (attrs.some((a) => a.key !== 'reason')) return malformed('HANDOFF takes only reason');
      if (attrs.length > 1) return malformed('reason given twice');
      const reason = (attrs[0]?.value ?? '').replace(/\s+/g, ' ').trim().slice(0, MAX_REASON);
      return { action: { type: 'handoff', reason } };
    }
    case 'CHECKOUT':
      return checkoutItems(attrs);
    case 'INVOICE':
    case 'ORDER_STATUS':
      if (attrs.length > 0) return malformed(`${name} takes no attributes`);
      return { action: { type: name === 'INVOICE' ? 'invoice' : 'order_status' } };
  }
}

/** `sku=A qty=2 sku=B`: each qty belongs to the sku just before it; a missing qty means 1. */
function checkoutItems(attrs: Attr[]): TagResult {
  const items: { sku: string; qty: number | null }[] = [];
  for (const { key, value } of attrs) {
    if (key === 'sku') {
      const sku = value.trim();
      if (!sku || sku.length > MAX_SKU) return malformed('bad sku');
      items.push({ sku, qty: null });
    } else if (key === 'qty') {
      const last = items.at(-1);
      if (!last || last.qty !== null) return malformed('qty without its sku');
      if (!/^\d{1,6}$/.test(value)) return malformed('qty must be a whole number');
      last.qty = Number(value);
    } else return malformed(`CHECKOUT does not take ${key}`);
  }
  if (items.length === 0) return malformed('CHECKOUT needs a sku');
  return {
    action: { type: 'checkout', items: items.map((x) => ({ sku: x.sku, qty: x.qty ?? 1 })) },
  };
}
