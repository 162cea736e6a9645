import { DEFAULT_ERROR_MESSAGE, errorBodySchema } from '../../../shared/errors';
import type { ErrorCode, ErrorIssue } from '../../../shared/errors';
import { CLIENT_ERROR_MESSAGES, HUMAN_ERROR_MESSAGES } from './error-messages';

export type ClientErrorCode = ErrorCode | keyof typeof CLIENT_ERROR_MESSAGES;

/** Codes whose own server text is for integrators; the person sees the human text instead. */
const ALWAYS_HUMAN = new Set<ClientErrorCode>([
  'internal',
  'unavailable',
  'method_not_allowed',
  'payload_too_large',
  'unsupported_media_type',
]);

const STATUS_CODES: Readonly<Record<number, ErrorCode>> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  502: 'unavailable',
  503: 'unavailable',
  504: 'unavailable',
};

/** Seconds from a `Retry-After` header (delta-seconds or an HTTP date), or null. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - now) / 1000));
}

/**
 * What to tell the person. The server's specific messages ("An account with this email already
 * exists.") are safe and more useful than a generic line, so they win unless the code is one
 * whose details mean nothing at the keyboard, or the problem is listed field by field.
 */
export function humanMessage(
  code: ClientErrorCode,
  serverMessage: string,
  issues: readonly ErrorIssue[],
  retryAfterSeconds: number | null,
): string {
  if (code === 'network' || code === 'invalid_response') return CLIENT_ERROR_MESSAGES[code];
  if (code === 'rate_limited') {
    const base = HUMAN_ERROR_MESSAGES.rate_limited;
    if (retryAfterSeconds === null) return base;
    const wait =
      retryAfterSeconds <= 1
        ? 'a second'
        : retryAfterSeconds < 120
          ? `${retryAfterSeconds} seconds`
          : `${Math.ceil(retryAfterSeconds / 60)} minutes`;
    return `${base.replace(/ Wait a moment and try again\.$/, '')} Try again in ${wait}.`;
  }
  if (ALWAYS_HUMAN.has(code)) return HUMAN_ERROR_MESSAGES[code];
  // A single field problem reads best as itself; several are shown next to their fields.
  if (issues.length > 1) return HUMAN_ERROR_MESSAGES.bad_request;
  const only = issues[0];
  if (only) return only.message;
  if (serverMessage && serverMessage !== DEFAULT_ERROR_MESSAGE[code]) return serverMessage;
  return HUMAN_ERROR_MESSAGES[code];
}

/** A failed API call, with what to show the person and, per field, what to fix. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly humanMessage: string;

  constructor(
    readonly code: ClientErrorCode,
    readonly status: number,
    readonly serverMessage: string,
    readonly issues: readonly ErrorIssue[] = [],
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(serverMessage || code);
    this.humanMessage = humanMessage(code, serverMessage, issues, retryAfterSeconds);
  }

  /** Field problems keyed by the body field (`body.email` → `email`). */
  fieldErrors(): Record<string, string> {
    const fields: Record<string, string> = {};
    for (const issue of this.issues) {
      const key = issue.path.replace(/^(body|query)\./, '');
      fields[key] ??= issue.message;
    }
    return fields;
  }
}

/** Turns a non-2xx response into an ApiError, whatever its body (nginx pages included). */
export async function toApiError(res: Response): Promise<ApiError> {
  const retryAfter = parseRetryAfter(res.headers.get('retry-after'));
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    // Not JSON: an edge page or an empty body. The status alone decides.
  }
  const parsed = errorBodySchema.safeParse(body);
  if (parsed.success) {
    const { code, message, issues } = parsed.data.error;
    return new ApiError(code, res.status, message, issues ?? [], retryAfter);
  }
  const code = STATUS_CODES[res.status] ?? (res.status >= 500 ? 'internal' : 'bad_request');
  return new ApiError(code, res.status, '', [], retryAfter);
}

export const networkError = () => new ApiError('network', 0, '');
export const invalidResponse = (status: number) => new ApiError('invalid_response', status, '');

/** The human text of anything a call may throw. */
export function describeError(err: unknown): string {
  if (err instanceof ApiError) return err.humanMessage;
  return HUMAN_ERROR_MESSAGES.internal;
}
