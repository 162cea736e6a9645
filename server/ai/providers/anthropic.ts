import Anthropic from '@anthropic-ai/sdk';
import { z } from 'zod';
import { ProviderError, type LlmProvider, type SdkClientOptions } from '../llm-provider';
import { toProviderError } from './sdk-errors';

/** Parsed rather than trusted, like the chat completions (text blocks only; others ignored). */
const messageSchema = z.object({
  model: z.string().optional(),
  content: z.array(z.object({ type: z.string(), text: z.string().optional() })),
  usage: z
    .object({
      input_tokens: z.number().int().nonnegative().optional(),
      output_tokens: z.number().int().nonnegative().optional(),
    })
    .nullish(),
});

/**
 * An explicit `timeout` matters here: without one the SDK derives it from `max_tokens` and can
 * refuse a non-streaming call client-side (wire-specs §7.1).
 */
export function createAnthropicClient(options: SdkClientOptions): Anthropic {
  return new Anthropic({
    apiKey: options.apiKey,
    authToken: null,
    baseURL: options.baseUrl ?? 'https://api.anthropic.com',
    maxRetries: 0,
    timeout: options.timeoutMs,
  });
}

export function createAnthropicProvider(client: Anthropic): LlmProvider {
  return {
    name: 'anthropic',
    async complete(prompt, { model, timeoutMs, signal }) {
      try {
        const raw: unknown = await client.messages.create(
          {
            model,
            max_tokens: prompt.maxOutputTokens,
            system: prompt.system,
            messages: prompt.turns.map((t) => ({ role: t.role, content: t.content })),
          },
          { timeout: timeoutMs, signal, maxRetries: 0 },
        );
        const parsed = messageSchema.safeParse(raw);
        if (!parsed.success) {
          throw new ProviderError('anthropic', 'bad_response', 'not a message', {
            cause: parsed.error,
          });
        }
        const { content, usage } = parsed.data;
        return {
          text: content
            .filter((b) => b.type === 'text')
            .map((b) => b.text ?? '')
            .join(''),
          inputTokens: usage?.input_tokens ?? 0,
          outputTokens: usage?.output_tokens ?? 0,
          model: parsed.data.model ?? model,
        };
      } catch (err) {
        throw toProviderError('anthropic', err, Anthropic, signal);
      }
    },
  };
}
