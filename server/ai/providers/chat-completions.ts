import { z } from 'zod';
import { ProviderError, type Completion, type LlmPrompt } from '../llm-provider';
import type { AiProviderName } from '../settings';

/**
 * OpenAI and Groq speak the same chat-completions dialect. The SDK's types are a promise, not a
 * check: a proxy or a new API version can send anything, so the answer is parsed here.
 */
const chatCompletionSchema = z.object({
  model: z.string().optional(),
  choices: z
    .array(
      z.object({
        message: z.object({ content: z.string().nullish() }),
        finish_reason: z.string().nullish(),
      }),
    )
    .min(1),
  usage: z
    .object({
      prompt_tokens: z.number().int().nonnegative().optional(),
      completion_tokens: z.number().int().nonnegative().optional(),
    })
    .nullish(),
});

export function chatMessages(prompt: LlmPrompt) {
  return [
    { role: 'system' as const, content: prompt.system },
    ...prompt.turns.map((t) => ({ role: t.role, content: t.content })),
  ];
}

export function parseChatCompletion(
  provider: AiProviderName,
  raw: unknown,
  requestedModel: string,
): Completion {
  const parsed = chatCompletionSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ProviderError(provider, 'bad_response', 'not a chat completion', {
      cause: parsed.error,
    });
  }
  const { choices, usage, model } = parsed.data;
  return {
    text: choices[0]?.message.content ?? '',
    inputTokens: usage?.prompt_tokens ?? 0,
    outputTokens: usage?.completion_tokens ?? 0,
    model: model ?? requestedModel,
  };
}
