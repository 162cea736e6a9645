/** The prompt an LLM fake received, normalised across OpenAI/Groq and Anthropic shapes. */
export interface LlmPrompt {
  readonly model: string;
  /** System prompt (OpenAI `system`/`developer` messages or Anthropic `system`), joined. */
  readonly system: string | undefined;
  /** Conversation turns, text parts joined; system messages are in `system` instead. */
  readonly messages: readonly { readonly role: string; readonly content: string }[];
  readonly maxTokens: number | undefined;
  readonly stream: boolean;
  /** Names of the tools offered. */
  readonly tools: readonly string[];
  /** The request body as sent. */
  readonly body: Readonly<Record<string, unknown>>;
}

export interface LlmToolCall {
  readonly id?: string;
  readonly name: string;
  readonly input: Record<string, unknown>;
}

/** A scripted answer. Omitted token counts are estimated (≈ 4 characters per token). */
export interface LlmReply {
  readonly text?: string;
  readonly toolCalls?: readonly LlmToolCall[];
  readonly inputTokens?: number;
  readonly outputTokens?: number;
}

export type LlmReplySource =
  string | LlmReply | ((prompt: LlmPrompt) => string | LlmReply | Promise<string | LlmReply>);

export interface ResolvedReply {
  readonly text: string;
  /** Calls without a scripted `id` get one in the provider's format. */
  readonly toolCalls: readonly LlmToolCall[];
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** `max_tokens` when the text was cut at the prompt's token limit. */
  readonly stop: 'end' | 'max_tokens' | 'tool_use';
}

/** The reply-scripting surface the OpenAI, Groq and Anthropic fakes share. */
export interface LlmScripting {
  /** Prompts of the chat requests the fake answered (scripted failures are not answered). */
  readonly prompts: readonly LlmPrompt[];
  /** The default answer from now on: fixed text, a reply, or a function of the prompt. */
  replyWith(source: LlmReplySource): void;
  /** One-shot answers, used in order before the default. */
  queueReplies(...replies: (string | LlmReply)[]): void;
}

export interface LlmScript extends LlmScripting {
  answer(prompt: LlmPrompt): Promise<ResolvedReply>;
}

/** Default answer: echoes the last user turn, so a test can see which prompt got which reply. */
export const ECHO_REPLY: LlmReplySource = (prompt) =>
  `You said: ${[...prompt.messages].reverse().find((m) => m.role === 'user')?.content ?? ''}`;

export function estimateTokens(text: string): number {
  return text.length === 0 ? 0 : Math.ceil(text.length / 4);
}

export function createLlmScript(initial: LlmReplySource = ECHO_REPLY): LlmScript {
  const prompts: LlmPrompt[] = [];
  const queue: (string | LlmReply)[] = [];
  let source = initial;

  return {
    prompts,
    replyWith(next) {
      source = next;
    },
    queueReplies(...replies) {
      queue.push(...replies);
    },
    async answer(prompt) {
      prompts.push(prompt);
      const picked = queue.length > 0 ? queue.shift() : source;
      const raw = typeof picked === 'function' ? await picked(prompt) : picked;
      return resolve(typeof raw === 'string' ? { text: raw } : (raw ?? {}), prompt);
    },
  };
}

function resolve(reply: LlmReply, prompt: LlmPrompt): ResolvedReply {
  let text = reply.text ?? '';
  let stop: ResolvedReply['stop'] = reply.toolCalls?.length ? 'tool_use' : 'end';
  // Like the real APIs, a reply longer than max_tokens is cut and says so.
  if (prompt.maxTokens !== undefined && estimateTokens(text) > prompt.maxTokens) {
    text = text.slice(0, prompt.maxTokens * 4);
    stop = 'max_tokens';
  }
  const promptText = [prompt.system ?? '', ...prompt.messages.map((m) => m.content)].join('\n');
  return {
    text,
    toolCalls: reply.toolCalls ?? [],
    inputTokens: reply.inputTokens ?? estimateTokens(promptText) + 3 * prompt.messages.length,
    outputTokens: reply.outputTokens ?? Math.max(1, estimateTokens(text)),
    stop,
  };
}

/** Text of a content field: a string, or an array of parts with `text`. */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part: unknown) =>
      typeof part === 'object' && part !== null && 'text' in part && typeof part.text === 'string'
        ? part.text
        : '',
    )
    .filter((t) => t !== '')
    .join('\n');
}

/** Splits text into a few streaming deltas on word boundaries. */
export function chunkText(text: string): string[] {
  const words = text.match(/\S+\s*|\s+/g) ?? [];
  const chunks: string[] = [];
  for (let i = 0; i < words.length; i += 3) chunks.push(words.slice(i, i + 3).join(''));
  return chunks;
}

/** One server-sent-events frame. */
export function sseFrame(data: unknown, event?: string): string {
  const payload = typeof data === 'string' ? data : JSON.stringify(data);
  return `${event ? `event: ${event}\n` : ''}data: ${payload}\n\n`;
}
