import OpenAI from 'openai';
import type { LlmProvider, SdkClientOptions } from '../llm-provider';
import { chatMessages, parseChatCompletion } from './chat-completions';
import { toProviderError } from './sdk-errors';

/**
 * Our own failover replaces the SDK's retries (wire-specs §7.2: a retried timeout multiplies
 * the wait). Every option is explicit so the SDK never falls back to reading `process.env`.
 */
export function createOpenAiClient(options: SdkClientOptions): OpenAI {
  return new OpenAI({
    apiKey: options.apiKey,
    baseURL: options.baseUrl ?? 'https://api.openai.com/v1',
    organization: null,
    project: null,
    maxRetries: 0,
    timeout: options.timeoutMs,
  });
}

export function createOpenAiProvider(client: OpenAI): LlmProvider {
  return {
    name: 'openai',
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
        return parseChatCompletion('openai', raw, model);
      } catch (err) {
        throw toProviderError('openai', err, OpenAI, signal);
      }
    },
  };
}
