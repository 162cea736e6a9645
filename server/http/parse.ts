import type { z } from 'zod';
import { AppError } from '../errors';
import type { BodySpec } from './route';
import { findUnsafeText } from './unsafe-text';

const UNSAFE_MESSAGE =
  'Contains a character that cannot be stored (a NUL or a broken Unicode surrogate).';

/** Refuses NUL and lone surrogates anywhere in a JSON body or query, before any schema. */
function refuseUnsafeText(value: unknown, prefix: 'body' | 'query'): void {
  const path = findUnsafeText(value);
  if (!path) return;
  throw new AppError('bad_request', {
    message: UNSAFE_MESSAGE,
    issues: [{ path: [prefix, ...path].join('.'), message: UNSAFE_MESSAGE }],
  });
}

export function issuesOf(error: z.ZodError, prefix: string) {
  return error.issues.slice(0, 20).map((i) => ({
    path: [prefix, ...i.path.map(String)].filter(Boolean).join('.'),
    message: i.message,
  }));
}

export function parseBody(spec: BodySpec, raw: Buffer): unknown {
  if (spec.kind === 'raw') return raw;
  let value: unknown;
  if (raw.length === 0) {
    value = undefined;
  } else {
    try {
      value = JSON.parse(raw.toString('utf8'));
    } catch {
      throw new AppError('bad_request', { message: 'The body is not valid JSON.' });
    }
    refuseUnsafeText(value, 'body');
  }
  const parsed = spec.schema.safeParse(value);
  if (!parsed.success) {
    throw new AppError('bad_request', {
      message: 'The body does not match what this endpoint expects.',
      issues: issuesOf(parsed.error, 'body'),
    });
  }
  return parsed.data;
}

/** Without a schema the query is a plain record of its first values. */
export function parseQuery(schema: z.ZodType | undefined, raw: string): unknown {
  const record: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(raw)) if (!(k in record)) record[k] = v;
  refuseUnsafeText(record, 'query');
  if (!schema) return record;
  const parsed = schema.safeParse(record);
  if (!parsed.success) {
    throw new AppError('bad_request', {
      message: 'The query string is not valid.',
      issues: issuesOf(parsed.error, 'query'),
    });
  }
  return parsed.data;
}
