import type { LlmProvider } from '../llm-provider';
import { offlineReply } from '../offline-bot';

/** The offline bot behind the provider interface: no network, no tokens, no cost. */
export function createOfflineProvider(): LlmProvider {
  return {
    name: 'offline',
    complete(prompt, { model }) {
      return Promise.resolve({
        text: offlineReply(prompt.facts),
        inputTokens: 0,
        outputTokens: 0,
        model,
      });
    },
  };
}
