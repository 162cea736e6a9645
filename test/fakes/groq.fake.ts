import { chatCompletionsHandler, type ChatFlavour } from './chat-completions';
import { startHttpFake, type FakeResponse, type HttpFake } from './http-fake';
import { randomAlphanumeric } from './ids';
import { createLlmScript, type LlmReplySource, type LlmScripting } from './llm-script';
import { bearerToken, type RecordedRequest } from './request-matching';

export interface FakeGroqOptions {
  /** When set, only this key is accepted; otherwise any non-empty bearer token is. */
  readonly apiKey?: string;
  readonly reply?: LlmReplySource;
  readonly latencyMs?: number;
}

export interface FakeGroq extends HttpFake, LlmScripting {
  /** Groq's SDK appends `/openai/v1/…` itself, so `GROQ_BASE_URL` is the bare origin. */
  readonly env: { readonly GROQ_BASE_URL: string; readonly GROQ_API_KEY: string };
}

const DEFAULTS: Record<number, { message: string; type: string; code?: string }> = {
  400: { message: 'Invalid request.', type: 'invalid_request_error' },
  401: { message: 'Invalid API Key', type: 'invalid_request_error', code: 'invalid_api_key' },
  404: {
    message: 'The model does not exist or you do not have access to it.',
    type: 'invalid_request_error',
    code: 'model_not_found',
  },
  429: {
    message: 'Rate limit reached on tokens per minute (TPM). Please try again in 1s.',
    type: 'tokens',
    code: 'rate_limit_exceeded',
  },
  500: { message: 'Internal Server Error', type: 'internal_server_error' },
  503: {
    message: 'Service Unavailable',
    type: 'internal_server_error',
    code: 'service_unavailable',
  },
};

/**
 * Groq's error envelope: `{"error": {message, type, code?}}`. Unlike OpenAI's SDK, Groq's keeps
 * the whole body as `err.error` (wire-specs §7.3).
 */
export function groqError(
  status: number,
  message?: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): FakeResponse {
  const d = DEFAULTS[status] ?? DEFAULTS[status >= 500 ? 500 : 400]!;
  const { message: _m, ...rest } = d;
  return { status, headers, body: { error: { message: message ?? d.message, ...rest, ...extra } } };
}

const GROQ: ChatFlavour = {
  error: (status, message, extra) => groqError(status, message, extra),
  extras: () => ({ x_groq: { id: `req_${randomAlphanumeric(26).toLowerCase()}` } }),
  usageExtras: () => ({
    queue_time: 0.01,
    prompt_time: 0.002,
    completion_time: 0.02,
    total_time: 0.022,
  }),
};

/** Fake Groq API: the OpenAI-compatible `POST /openai/v1/chat/completions`. */
export async function startFakeGroq(options: FakeGroqOptions = {}): Promise<FakeGroq> {
  const script = createLlmScript(options.reply);
  const authenticate = (request: RecordedRequest) => {
    const key = bearerToken(request);
    if (!key || (options.apiKey !== undefined && key !== options.apiKey)) return groqError(401);
    return undefined;
  };
  const http = await startHttpFake({
    routes: [
      {
        method: 'POST',
        path: '/openai/v1/chat/completions',
        handle: chatCompletionsHandler(GROQ, script, authenticate),
      },
    ],
    defaultFailure: groqError(500),
    notFound: () => groqError(404, 'Unknown request URL', { code: 'unknown_url' }),
    headers: () => ({ 'x-request-id': `req_${randomAlphanumeric(26).toLowerCase()}` }),
    latencyMs: options.latencyMs,
  });
  return Object.assign(http, {
    env: { GROQ_BASE_URL: http.url, GROQ_API_KEY: options.apiKey ?? 'gsk_test_fake' },
    prompts: script.prompts,
    replyWith: script.replyWith,
    queueReplies: script.queueReplies,
  });
}
