import {
  DEFAULT_ERROR_MESSAGE,
  HTTP_STATUS,
  type Ack,
  type ErrorBody,
  type ErrorCode,
  type ErrorIssue,
} from '../shared/errors';

export interface AppErrorOptions {
  /** Safe, user-facing text; defaults to the code's generic message. Never a cause's message. */
  message?: string;
  cause?: unknown;
  issues?: ErrorIssue[];
  headers?: Record<string, string>;
}

/**
 * The one error type the server throws on purpose (docs/style.md rule 11). Its message is shown to
 * the client; its cause is only logged.
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly issues: ErrorIssue[] | undefined;
  readonly headers: Record<string, string>;

  constructor(code: ErrorCode, options: AppErrorOptions = {}) {
    super(options.message ?? DEFAULT_ERROR_MESSAGE[code], { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.issues = options.issues;
    this.headers = options.headers ?? {};
  }

  get status(): number {
    return HTTP_STATUS[this.code];
  }
}

/** Anything that is not an AppError becomes `internal`, with nothing of the cause kept. */
export function toAppError(err: unknown): AppError {
  return err instanceof AppError ? err : new AppError('internal', { cause: err });
}

export function toErrorBody(err: AppError): ErrorBody {
  return {
    error: {
      code: err.code,
      message: err.message,
      ...(err.issues && err.issues.length > 0 ? { issues: err.issues } : {}),
    },
  };
}

export function toAck<T>(err: unknown): Ack<T> {
  const app = toAppError(err);
  return { ok: false, error: { code: app.code, message: app.message } };
}
