import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseControlTags as parse } from './control-tags';

const reasons = (raw: string) => parse(raw).rejected.map((r) => r.reason);

describe('parseControlTags: well-formed tags', () => {
  it('splits text and a checkout exactly', () => {
    expect(parse('Great choice! [[CHECKOUT sku=MUG-BLUE qty=2]]')).toEqual({
      text: 'Great choice!',
      actions: [{ type: 'checkout', items: [{ sku: 'MUG-BLUE', qty: 2 }] }],
      rejected: [],
    });
  });

  it('takes several items in one tag; a missing qty is 1', () => {
    expect(parse('[[CHECKOUT sku=A qty=1 sku=B qty=3 sku="C 1"]]').actions).toEqual([
      {
        type: 'checkout',
        items: [
          { sku: 'A', qty: 1 },
          { sku: 'B', qty: 3 },
          { sku: 'C 1', qty: 1 },
        ],
      },
    ]);
  });

  it('reads every tag, in order, and tolerates blanks inside the brackets', () => {
    const parsed = parse(
      'Hi [[INVOICE]] there [[ ORDER_STATUS ]]! [[HANDOFF reason="needs a refund"]]',
    );
    expect(parsed.text).toBe('Hi there!');
    expect(parsed.actions).toEqual([
      { type: 'invoice' },
      { type: 'order_status' },
      { type: 'handoff', reason: 'needs a refund' },
    ]);
    expect(parsed.rejected).toEqual([]);
  });

  it('reads quoted values with escapes, brackets and equals signs inside', () => {
    expect(parse('[[HANDOFF reason="said \\"no\\" to [[bots]] = \\\\ok"]] Bye.')).toEqual({
      text: 'Bye.',
      actions: [{ type: 'handoff', reason: 'said "no" to [[bots]] = \\ok' }],
      rejected: [],
    });
  });

  it('accepts a handoff without a reason and caps a long one', () => {
    expect(parse('[[HANDOFF]]').actions).toEqual([{ type: 'handoff', reason: '' }]);
    const long = parse(`[[HANDOFF reason="${'x'.repeat(500)}"]]`).actions[0];
    expect(long).toEqual({ type: 'handoff', reason: 'x'.repeat(200) });
  });

  it('tidies the text around removed tags', () => {
    expect(parse('Great choice [[CHECKOUT sku=A qty=2]].').text).toBe('Great choice.');
    expect(parse('[[INVOICE]] Here it is.').text).toBe('Here it is.');
    expect(parse('One[[INVOICE]]two').text).toBe('One two');
    expect(parse('a  [[INVOICE]]  [[INVOICE]]  b').text).toBe('a b');
    expect(parse('line1\n\n\n\nline2 [[INVOICE]]\n[[INVOICE]]\nline3').text).toBe(
      'line1\n\nline2\n\nline3',
    );
    expect(parse('  \r\n Hi!\r\n').text).toBe('Hi!');
  });

  it('leaves ordinary brackets alone', () => {
    expect(parse('Sizes [S, M, L] and [a] list; arr[0] = 1').text).toBe(
      'Sizes [S, M, L] and [a] list; arr[0] = 1',
    );
  });
});

describe('parseControlTags: everything tag-like is removed, bad ones rejected', () => {
  it.each([
    ['lower-case name', 'Hi [[handoff]] there', 'unknown_tag', 'Hi there'],
    ['unknown name', 'Hi [[REFUND amount=5]] there', 'unknown_tag', 'Hi there'],
    ['split across lines', 'Hi [[CHECKOUT sku=A\nqty=2]] there', 'split_across_lines', 'Hi there'],
    ['nested', 'Hi [[CHECKOUT [[INVOICE]] sku=A]] there', 'nested', 'Hi there'],
    ['extra closing bracket', 'Hi [[INVOICE]]] there', 'nested', 'Hi there'],
    [
      'unterminated, takes the rest',
      'Sure, here [[CHECKOUT sku=A and more',
      'unterminated',
      'Sure, here',
    ],
    ['[[ at the very end', 'Sure [[', 'unterminated', 'Sure'],
    ['a lone [ at the very end', 'Sure [', 'unterminated', 'Sure'],
    ['stray closing brackets', 'a ]] b ]]]', 'stray_bracket', 'a b'],
    ['single brackets', 'Buy now [checkout sku=A qty=1] ok', 'single_bracket', 'Buy now ok'],
    ['single bracket, half written', 'Buy now [HANDOFF reason=', 'single_bracket', 'Buy now'],
    ['unterminated quote', '[[HANDOFF reason="oops]] rest', 'unterminated', ''],
    ['attribute on INVOICE', 'x [[INVOICE id=3]] y', 'malformed', 'x y'],
    ['unknown attribute', 'x [[CHECKOUT sku=A colour=red]] y', 'malformed', 'x y'],
    ['qty before sku', 'x [[CHECKOUT qty=1 sku=A]] y', 'malformed', 'x y'],
    ['two qty for one sku', 'x [[CHECKOUT sku=A qty=1 qty=2]] y', 'malformed', 'x y'],
    ['negative qty', 'x [[CHECKOUT sku=A qty=-1]] y', 'malformed', 'x y'],
    ['fractional qty', 'x [[CHECKOUT sku=A qty=1.5]] y', 'malformed', 'x y'],
    ['no sku', 'x [[CHECKOUT]] y', 'malformed', 'x y'],
    ['empty value', 'x [[CHECKOUT sku= qty=1]] y', 'malformed', 'x y'],
    ['no space between attributes', 'x [[CHECKOUT sku=A"qty=1"]] y', 'malformed', 'x y'],
    ['two reasons', 'x [[HANDOFF reason=a reason=b]] y', 'malformed', 'x y'],
    ['empty tag', 'x [[]] y', 'malformed', 'x y'],
    ['over-long sku', `x [[CHECKOUT sku=${'A'.repeat(65)}]] y`, 'malformed', 'x y'],
  ])('%s', (_, raw, reason, text) => {
    const parsed = parse(raw);
    expect(parsed.actions).toEqual([]);
    expect(parsed.rejected.map((r) => r.reason)).toContain(reason);
    expect(parsed.text).toBe(text);
  });

  it('keeps the good tags of a reply that also has bad ones', () => {
    const parsed = parse('Ok [[checkout sku=A]] [[CHECKOUT sku=B qty=2]] [[NOPE]]');
    expect(parsed.actions).toEqual([{ type: 'checkout', items: [{ sku: 'B', qty: 2 }] }]);
    expect(reasons('Ok [[checkout sku=A]] [[CHECKOUT sku=B qty=2]] [[NOPE]]')).toEqual([
      'unknown_tag',
      'unknown_tag',
    ]);
    expect(parsed.text).toBe('Ok');
  });

  it('cuts long fragments in what it reports', () => {
    const [rejected] = parse(`[[NOPE ${'x'.repeat(1000)}]]`).rejected;
    expect(rejected?.fragment.length).toBe(120);
  });

  it('drops control characters', () => {
    expect(parse('a\u0000b\u0007c\u001b[31m\tz').text).toBe('abc[31m\tz');
  });

  it('never forms a new tag out of the text around a removed one', () => {
    const parsed = parse('x [ [[INVOICE]]');
    expect(parsed.text).toBe('x');
    expect(parsed.actions).toEqual([{ type: 'invoice' }]);
  });
});

/** Pieces that make tag-like text likely, so the fuzzer spends its time near the grammar. */
const piece = fc.constantFrom(
  '[',
  '[[',
  ']',
  ']]',
  '"',
  '\\',
  '=',
  ' ',
  '\n',
  '\t',
  '.',
  'HANDOFF',
  'CHECKOUT',
  'INVOICE',
  'ORDER_STATUS',
  'checkout',
  'sku=',
  'qty=2',
  'reason=',
  'A-1',
  'hello',
  '\u0000',
  '\uE000',
);
const noisy = fc.array(fc.oneof(piece, fc.string({ maxLength: 4 })), { maxLength: 40 });

const TAG_LIKE = /\[\[|\]\]|\[\s*\/?\s*(?:handoff|checkout|invoice|order[ _-]?status)\b/i;

describe('parseControlTags: properties', () => {
  it('never lets anything tag-like through, whatever the input', () => {
    fc.assert(
      fc.property(noisy, (parts) => {
        const { text } = parse(parts.join(''));
        expect(text).not.toMatch(TAG_LIKE);
        expect(text.endsWith('[')).toBe(false);
        expect(text).not.toContain('\uE000');
        expect(text).toBe(text.trim());
      }),
      { numRuns: 3000 },
    );
  });

  it('is idempotent: its own output parses to itself with nothing found', () => {
    fc.assert(
      fc.property(noisy, (parts) => {
        const once = parse(parts.join('')).text;
        expect(parse(once)).toEqual({ text: once, actions: [], rejected: [] });
      }),
      { numRuns: 2000 },
    );
  });

  it('finds a valid tag anywhere in plain text', () => {
    const plain = fc.string({ maxLength: 30 }).map((s) => s.replace(/[[\]\n\r]/g, ''));
    const sku = fc.stringMatching(/^[A-Z0-9][A-Z0-9-]{0,9}$/);
    fc.assert(
      fc.property(plain, sku, fc.integer({ min: 1, max: 999 }), plain, (before, s, qty, after) => {
        const parsed = parse(`${before} [[CHECKOUT sku=${s} qty=${qty}]] ${after}`);
        expect(parsed.actions).toEqual([{ type: 'checkout', items: [{ sku: s, qty }] }]);
        expect(parsed.text).not.toMatch(TAG_LIKE);
      }),
      { numRuns: 1000 },
    );
  });
});
