import { z } from 'zod';

/**
 * Every error a client can see. One table maps each code to its HTTP status; `server/` throws
 * `AppError(code)` and a single handler turns it into `{"error": {code, message}}`.
 */
export const ERROR_CODES = [
  'bad_request',
  'unauthorized',
  'totp_required',
  'forbidden',
  'not_found',
  'method_not_allowed',
  'conflict',
  'payload_too_large',
  'unprocessable',
  'unsupported_media_type',
  'rate_limited',
  'internal',
  'unavailable',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export const HTTP_STATUS = {
  bad_request: 400,
  unauthorized: 401,
  totp_required: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unprocessable: 422,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
} as const satisfies Record<ErrorCode, number>;

/** The text sent when the thrower gave none; never derived from a cause. */
export const DEFAULT_ERROR_MESSAGE = {
  bad_request: 'The request is not valid.',
  unauthorized: 'Authentication is required.',
  totp_required: 'A two-factor code is required.',
  forbidden: 'You are not allowed to do this.',
  not_found: 'Not found.',
  method_not_allowed: 'This method is not allowed here.',
  conflict: 'The request conflicts with the current state.',
  payload_too_large: 'The request body is too large.',
  unprocessable: 'The request is well formed, but it cannot be carried out.',
  unsupported_media_type: 'This content type is not supported here.',
  rate_limited: 'Too many requests. Try again later.',
  internal: 'Something went wrong on our side.',
  unavailable: 'The service is not available right now.',
} as const satisfies Record<ErrorCode, string>;

export const errorIssueSchema = z.object({ path: z.string(), message: z.string() });
export type ErrorIssue = z.infer<typeof errorIssueSchema>;

export const errorBodySchema = z.object({
  error: z.object({
    code: z.enum(ERROR_CODES),
    message: z.string(),
    /** Field-level problems of a rejected body or query (validation errors only). */
    issues: z.array(errorIssueSchema).optional(),
  }),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;

/** Socket acks never throw: they are one of these two shapes (docs/style.md rule 12). */
export type Ack<T> =
  { ok: true; data: T } | { ok: false; error: { code: ErrorCode; message: string } };
