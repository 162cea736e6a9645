import { chatCompletionsHandler, type ChatFlavour } from './chat-completions';
import { startHttpFake, type FakeResponse, type HttpFake } from './http-fake';
import { randomAlphanumeric } from './ids';
import { createLlmScript, type LlmReplySource, type LlmScripting } from './llm-script';
import { bearerToken, type RecordedRequest } from './request-matching';

export interface FakeOpenAIOptions {
  /** When set, only this key is accepted; otherwise any non-empty bearer token is. */
  readonly apiKey?: string;
  /** Default answer (see `replyWith`). */
  readonly reply?: LlmReplySource;
  readonly latencyMs?: number;
}

export interface FakeOpenAI extends HttpFake, LlmScripting {
  /** `url + '/v1'`: what `OPENAI_BASE_URL` and the SDK's `baseURL` take. */
  readonly baseURL: string;
  readonly env: { readonly OPENAI_BASE_URL: string; readonly OPENAI_API_KEY: string };
}

const DEFAULTS: Record<number, { message: string; type: string; code: string | null }> = {
  400: { message: 'Invalid request.', type: 'invalid_request_error', code: null },
  401: {
    message:
      'Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.',
    type: 'invalid_request_error',
    code: 'invalid_api_key',
  },
  403: {
    message: 'Country, region, or territory not supported',
    type: 'request_forbidden',
    code: 'unsupported_country_region_territory',
  },
  404: {
    message: 'The model does not exist or you do not have access to it.',
    type: 'invalid_request_error',
    code: 'model_not_found',
  },
  // Real 429s say `type: "requests"` or `"tokens"`; callers should branch on `code`.
  429: {
    message: 'Rate limit reached for requests. Please try again in 1s.',
    type: 'requests',
    code: 'rate_limit_exceeded',
  },
  500: {
    message: 'The server had an error while processing your request. Sorry about that!',
    type: 'server_error',
    code: null,
  },
  503: {
    message: 'The engine is currently overloaded, please try again later.',
    type: 'server_error',
    code: null,
  },
};

/**
 * OpenAI's error envelope: `{"error": {message, type, param, code}}`. The SDK reads `body.error`.
 * @example fake.failNext(1, openAIError(429, undefined, { code: 'insufficient_quota', type: 'insufficient_quota' }))
 */
export function openAIError(
  status: number,
  message?: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): FakeResponse {
  const d = DEFAULTS[status] ?? DEFAULTS[status >= 500 ? 500 : 400]!;
  return {
    status,
    headers,
    body: {
      error: { message: message ?? d.message, type: d.type, param: null, code: d.code, ...extra },
    },
  };
}

const OPENAI: ChatFlavour = {
  error: (status, message, extra) => openAIError(status, message, extra),
  extras: () => ({ service_tier: 'default' }),
  usageExtras: () => ({
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  }),
};

/** Fake OpenAI API: `POST /v1/chat/completions` (JSON or `stream: true`). */
export async function startFakeOpenAI(options: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  const script = createLlmScript(options.reply);
  const authenticate = (request: RecordedRequest) => {
    const key = bearerToken(request);
    if (!key) {
      return openAIError(
        401,
        "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
        { code: null },
      );
    }
    if (options.apiKey !== undefined && key !== options.apiKey) return openAIError(401);
    return undefined;
  };
  const http = await startHttpFake({
    routes: [
      {
        method: 'POST',
        path: '/v1/chat/completions',
        handle: chatCompletionsHandler(OPENAI, script, authenticate),
      },
    ],
    defaultFailure: openAIError(500),
    notFound: (r) => openAIError(404, `Invalid URL (${r.method} ${r.path})`, { code: null }),
    headers: () => ({ 'x-request-id': `req_${randomAlphanumeric(32).toLowerCase()}` }),
    latencyMs: options.latencyMs,
  });
  const baseURL = `${http.url}/v1`;
  return Object.assign(http, {
    baseURL,
    env: { OPENAI_BASE_URL: baseURL, OPENAI_API_KEY: options.apiKey ?? 'sk-test-fake' },
    prompts: script.prompts,
    replyWith: script.replyWith,
    queueReplies: script.queueReplies,
  });
}
