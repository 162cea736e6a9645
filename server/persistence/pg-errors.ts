/** SQLSTATE of an error from postgres.js or PGlite, also when drizzle wrapped it as `cause`. */
export function sqlStateOf(err: unknown): string | undefined {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

export const isUniqueViolation = (err: unknown) => sqlStateOf(err) === '23505';

/** Connection codes of postgres.js and Node, for errors that carry no SQLSTATE. */
const CONNECTION_CODES = new Set([
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
]);

/**
 * The database, not the event, failed: a lost or terminated connection (class 08, 57P0x),
 * a serialization failure or deadlock (40001, 40P01). Worth retrying; never a poison event.
 */
export function isTransientDbError(err: unknown): boolean {
  const state = sqlStateOf(err);
  if (state)
    return (
      state.startsWith('08') || state.startsWith('57P') || state === '40001' || state === '40P01'
    );
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && CONNECTION_CODES.has(code)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}
