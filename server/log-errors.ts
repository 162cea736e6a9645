import { pino } from 'pino';

/**
 * The `err` serializer of every log line. Database errors carry the query's parameters (drizzle's
 * `DrizzleQueryError` even writes them into its message and stack; postgres.js and PGlite errors
 * keep them as fields): an e-mail address and a bcrypt hash reached the log that way (security
 * review L3). Parameters are data, never logged; the SQL text (code, with `$n` placeholders),
 * the SQLSTATE and the stack frames stay, so the failure can still be found.
 */
const DATA_FIELDS = ['params', 'parameters', 'args', 'values'] as const;
const FAILED_QUERY = /^Failed query: ([\s\S]*?)\nparams: [\s\S]*$/;

type Serialized = Record<string, unknown> & { message?: unknown; stack?: unknown; cause?: unknown };

function scrub(value: unknown, depth: number): unknown {
  if (!value || typeof value !== 'object' || depth > 5) return value;
  const e = value as Serialized;
  for (const field of DATA_FIELDS) delete e[field];
  if (typeof e.message === 'string') {
    const failed = FAILED_QUERY.exec(e.message);
    if (failed) {
      const withheld = `Failed query: ${failed[1]} (parameters withheld)`;
      if (typeof e.stack === 'string') {
        const frames = e.stack.slice(e.stack.indexOf('\n    at '));
        e.stack = `${String(e.type ?? 'Error')}: ${withheld}${frames.startsWith('\n') ? frames : ''}`;
      }
      e.message = withheld;
    }
  }
  e.cause = scrub(e.cause, depth + 1);
  return e;
}

export function serializeError(err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  return scrub(pino.stdSerializers.errWithCause(err), 0);
}
