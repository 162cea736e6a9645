import Groq from 'groq-sdk';
import type { LlmProvider, SdkClientOptions } from '../llm-provider';
import { chatMessages, parseChatCompletion } from './chat-completions';
import { toProviderError } from './sdk-errors';

/** Groq's SDK appends `/openai/v1/…` itself, so its base URL is the bare origin. */
export function createGroqClient(options: SdkClientOptions): Groq {
  return new Groq({
    apiKey: options.apiKey,
    baseURL: options.baseUrl ?? 'https://api.groq.com',
    maxRetries: 0,
    timeout: options.timeoutMs,
  });
}

export function createGroqProvider(client: Groq): LlmProvider {
  return {
    name: 'groq',
    async complete(prompt, { model, timeoutMs, signal }) {
      try {
        const raw: unknown = await client.chat.completions.create(
          {
            model,
            messages: chatMessages(prompt),
            max_completion_tokens: prompt.maxOutputTokens,
          },
          { timeout: timeoutMs, signal, maxRetries: 0 },
        );
        return parseChatCompletion('groq', raw, model);
      } catch (err) {
        throw toProviderError('groq', err, Groq, signal);
      }
    },
  };
}
