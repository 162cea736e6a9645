import { anthropicMessage, anthropicStream, toAnthropicPrompt } from './anthropic-messages';
import { startHttpFake, type FakeResponse, type HttpFake, type RouteHandler } from './http-fake';
import { randomAlphanumeric } from './ids';
import {
  createLlmScript,
  estimateTokens,
  type LlmReplySource,
  type LlmScript,
  type LlmScripting,
} from './llm-script';
import { bearerToken, type RecordedRequest } from './request-matching';

export interface FakeAnthropicOptions {
  /** When set, only this key is accepted; otherwise any non-empty key is. */
  readonly apiKey?: string;
  readonly reply?: LlmReplySource;
  readonly latencyMs?: number;
}

export interface FakeAnthropic extends HttpFake, LlmScripting {
  /** The SDK appends `/v1/messages` itself, so `ANTHROPIC_BASE_URL` is the bare origin. */
  readonly env: { readonly ANTHROPIC_BASE_URL: string; readonly ANTHROPIC_API_KEY: string };
}

export type AnthropicErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'billing_error'
  | 'permission_error'
  | 'not_found_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'api_error'
  | 'timeout_error'
  | 'overloaded_error';

const BY_STATUS: Record<number, [AnthropicErrorType, string]> = {
  400: ['invalid_request_error', 'Invalid request.'],
  401: ['authentication_error', 'invalid x-api-key'],
  402: ['billing_error', 'Your credit balance is too low to access the Anthropic API.'],
  403: ['permission_error', 'Your API key does not have permission to use the specified resource.'],
  404: ['not_found_error', 'Not found'],
  413: ['request_too_large', 'Request exceeds the maximum allowed number of bytes.'],
  429: ['rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit.'],
  500: ['api_error', 'Internal server error'],
  504: ['timeout_error', 'Request timed out'],
  529: ['overloaded_error', 'Overloaded'],
};

/**
 * Anthropic's error envelope, `{"type":"error","error":{type,message},"request_id"}`, with the
 * matching `request-id` header. 529 is `overloaded_error` (the SDK throws `OverloadedError`).
 */
export function anthropicError(
  status: number,
  message?: string,
  headers: Record<string, string> = {},
): FakeResponse {
  const [type, text] = BY_STATUS[status] ?? BY_STATUS[status >= 500 ? 500 : 400]!;
  const requestId = `req_011C${randomAlphanumeric(20)}`;
  return {
    status,
    headers: { 'request-id': requestId, ...headers },
    body: { type: 'error', error: { type, message: message ?? text }, request_id: requestId },
  };
}

/**
 * Anthropic's SDK sends `X-Api-Key` (older majors) or `Authorization: Bearer` (1.x, the one
 * installed), always with `anthropic-version`; the API rejects a request without it.
 */
function authenticate(request: RecordedRequest, apiKey: string | undefined) {
  const header = request.headers['x-api-key'];
  const key = (Array.isArray(header) ? header[0] : header) ?? bearerToken(request);
  if (!key) return anthropicError(401, 'x-api-key header is required');
  if (apiKey !== undefined && key !== apiKey) return anthropicError(401);
  if (!request.headers['anthropic-version']) {
    return anthropicError(400, 'anthropic-version: header is required');
  }
  return undefined;
}

type Checked = { readonly error: FakeResponse } | { readonly fields: Record<string, unknown> };

function check(request: RecordedRequest, apiKey: string | undefined): Checked {
  const denied = authenticate(request, apiKey);
  if (denied) return { error: denied };
  const body = request.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { error: anthropicError(400, 'There was an error parsing the body of your request.') };
  }
  const fields = body as Record<string, unknown>;
  if (typeof fields.model !== 'string')
    return { error: anthropicError(400, 'model: Field required') };
  if (!Array.isArray(fields.messages)) {
    return { error: anthropicError(400, 'messages: Field required') };
  }
  return { fields };
}

function messagesHandler(script: LlmScript, apiKey: string | undefined): RouteHandler {
  return async (request) => {
    const checked = check(request, apiKey);
    if ('error' in checked) return checked.error;
    if (typeof checked.fields.max_tokens !== 'number') {
      return anthropicError(400, 'max_tokens: Field required');
    }
    const prompt = toAnthropicPrompt(checked.fields);
    const reply = await script.answer(prompt);
    return prompt.stream
      ? anthropicStream(prompt.model, reply)
      : anthropicMessage(prompt.model, reply);
  };
}

function countTokensHandler(apiKey: string | undefined): RouteHandler {
  return (request) => {
    const checked = check(request, apiKey);
    if ('error' in checked) return checked.error;
    const prompt = toAnthropicPrompt(checked.fields);
    const text = [prompt.system ?? '', ...prompt.messages.map((m) => m.content)].join('\n');
    return {
      status: 200,
      body: { input_tokens: estimateTokens(text) + 3 * prompt.messages.length },
    };
  };
}

/** Fake Anthropic API: `POST /v1/messages` (JSON or `stream: true`), `/v1/messages/count_tokens`. */
export async function startFakeAnthropic(
  options: FakeAnthropicOptions = {},
): Promise<FakeAnthropic> {
  const script = createLlmScript(options.reply);
  const http = await startHttpFake({
    routes: [
      { method: 'POST', path: '/v1/messages', handle: messagesHandler(script, options.apiKey) },
      {
        method: 'POST',
        path: '/v1/messages/count_tokens',
        handle: countTokensHandler(options.apiKey),
      },
    ],
    defaultFailure: anthropicError(500),
    notFound: () => anthropicError(404),
    latencyMs: options.latencyMs,
  });
  return Object.assign(http, {
    env: { ANTHROPIC_BASE_URL: http.url, ANTHROPIC_API_KEY: options.apiKey ?? 'sk-ant-test-fake' },
    prompts: script.prompts,
    replyWith: script.replyWith,
    queueReplies: script.queueReplies,
  });
}
