import type { FakeResponse, RouteHandler } from './http-fake';
import { randomAlphanumeric, unixSeconds } from './ids';
import {
  chunkText,
  contentText,
  sseFrame,
  type LlmPrompt,
  type LlmScript,
  type ResolvedReply,
} from './llm-script';
import type { RecordedRequest } from './request-matching';

/**
 * `POST …/chat/completions` as OpenAI and Groq (OpenAI-compatible) answer it. What differs
 * between the two, the error envelope and extra fields, comes from the flavour.
 */
export interface ChatFlavour {
  /** The provider's error envelope for `status`. */
  error(status: number, message?: string, extra?: Record<string, unknown>): FakeResponse;
  /** Provider-specific fields of a completion or a chunk (e.g. Groq's `x_groq`). */
  extras(): Record<string, unknown>;
  /** Provider-specific fields of `usage`. */
  usageExtras(): Record<string, unknown>;
}

const FINISH_REASON = { end: 'stop', max_tokens: 'length', tool_use: 'tool_calls' } as const;

export function chatCompletionsHandler(
  flavour: ChatFlavour,
  script: LlmScript,
  authenticate: (request: RecordedRequest) => FakeResponse | undefined,
): RouteHandler {
  return async (request) => {
    const denied = authenticate(request);
    if (denied) return denied;
    const body = request.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      return flavour.error(400, 'We could not parse the JSON body of your request.');
    }
    const fields = body as Record<string, unknown>;
    if (typeof fields.model !== 'string') {
      return flavour.error(400, 'you must provide a model parameter', { param: 'model' });
    }
    if (!Array.isArray(fields.messages) || fields.messages.length === 0) {
      return flavour.error(400, "Missing required parameter: 'messages'.", {
        param: 'messages',
        code: 'missing_required_parameter',
      });
    }
    const prompt = toPrompt(fields);
    const reply = await script.answer(prompt);
    const base = {
      id: `chatcmpl-${randomAlphanumeric(29)}`,
      created: unixSeconds(),
      model: prompt.model,
      system_fingerprint: `fp_${randomAlphanumeric(10).toLowerCase()}`,
      ...flavour.extras(),
    };
    const usage = {
      prompt_tokens: reply.inputTokens,
      completion_tokens: reply.outputTokens,
      total_tokens: reply.inputTokens + reply.outputTokens,
      ...flavour.usageExtras(),
    };
    if (prompt.stream) return streamed(base, reply, usage, fields.stream_options);
    return {
      status: 200,
      body: {
        ...base,
        object: 'chat.completion',
        choices: [
          {
            index: 0,
            message: {
              role: 'assistant',
              content: reply.text === '' && reply.toolCalls.length > 0 ? null : reply.text,
              refusal: null,
              ...(reply.toolCalls.length > 0 ? { tool_calls: toolCalls(reply) } : {}),
            },
            logprobs: null,
            finish_reason: FINISH_REASON[reply.stop],
          },
        ],
        usage,
      },
    };
  };
}

function toPrompt(body: Record<string, unknown>): LlmPrompt {
  const turns = (body.messages as { role?: unknown; content?: unknown }[]).map((m) => ({
    role: String(m.role),
    content: contentText(m.content),
  }));
  const system = turns.filter((t) => t.role === 'system' || t.role === 'developer');
  const maxTokens = body.max_completion_tokens ?? body.max_tokens;
  return {
    model: body.model as string,
    system: system.length > 0 ? system.map((t) => t.content).join('\n') : undefined,
    messages: turns.filter((t) => !system.includes(t)),
    maxTokens: typeof maxTokens === 'number' ? maxTokens : undefined,
    stream: body.stream === true,
    tools: Array.isArray(body.tools)
      ? body.tools.map((t: { function?: { name?: unknown } }) => String(t.function?.name))
      : [],
    body,
  };
}

function toolCalls(reply: ResolvedReply) {
  return reply.toolCalls.map((call) => ({
    id: call.id ?? `call_${randomAlphanumeric(24)}`,
    type: 'function',
    function: { name: call.name, arguments: JSON.stringify(call.input) },
  }));
}

/** The same answer as server-sent `chat.completion.chunk`s, ending with `[DONE]`. */
function streamed(
  base: Record<string, unknown>,
  reply: ResolvedReply,
  usage: Record<string, unknown>,
  streamOptions: unknown,
): FakeResponse {
  const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
    sseFrame({
      ...base,
      object: 'chat.completion.chunk',
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    });
  const frames = [chunk({ role: 'assistant', content: '', refusal: null })];
  for (const text of chunkText(reply.text)) frames.push(chunk({ content: text }));
  toolCalls(reply).forEach((call, index) => {
    const { name, arguments: args } = call.function;
    frames.push(chunk({ tool_calls: [{ index, ...call, function: { name, arguments: '' } }] }));
    frames.push(chunk({ tool_calls: [{ index, function: { arguments: args } }] }));
  });
  frames.push(chunk({}, FINISH_REASON[reply.stop]));
  const wantsUsage =
    typeof streamOptions === 'object' &&
    streamOptions !== null &&
    (streamOptions as { include_usage?: unknown }).include_usage === true;
  if (wantsUsage) {
    frames.push(sseFrame({ ...base, object: 'chat.completion.chunk', choices: [], usage }));
  }
  frames.push(sseFrame('[DONE]'));
  return {
    status: 200,
    raw: frames.join(''),
    headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' },
  };
}
