import type { AiProviderName } from './settings';

/** One catalog line as the prompt and the offline bot see it. */
export interface CatalogItem {
  sku: string;
  name: string;
  description: string | null;
  priceMinor: number;
  currency: string;
  /** null = not tracked (unlimited). */
  stock: number | null;
}

export interface ChatTurn {
  role: 'user' | 'assistant';
  content: string;
}

/**
 * What every provider receives: the rendered system prompt and turns for the LLMs, and the facts
 * behind them for the offline bot, which answers from data instead of text.
 */
export interface LlmPrompt {
  system: string;
  /** Starts with a user turn; roles alternate. */
  turns: ChatTurn[];
  maxOutputTokens: number;
  facts: {
    businessName: string;
    catalog: CatalogItem[];
    /** The message being answered. */
    customerText: string;
  };
}

export interface CompleteOptions {
  model: string;
  timeoutMs: number;
  /** Aborted at the deadline; providers pass it to their SDK. */
  signal: AbortSignal;
}

export interface Completion {
  text: string;
  inputTokens: number;
  outputTokens: number;
  /** The model that answered, as the provider reports it. */
  model: string;
}

/** How the composition root builds an SDK client: key, base URL and per-call timeout. */
export interface SdkClientOptions {
  apiKey: string;
  baseUrl: string | undefined;
  timeoutMs: number;
}

export interface LlmProvider {
  readonly name: AiProviderName;
  complete(prompt: LlmPrompt, options: CompleteOptions): Promise<Completion>;
}

/** Why a provider call failed, for failover decisions, logs and metrics. */
export type ProviderErrorKind =
  | 'timeout'
  | 'connection'
  | 'rate_limited'
  | 'server_error'
  | 'auth'
  | 'bad_request'
  | 'bad_response'
  | 'unknown';

export class ProviderError extends Error {
  constructor(
    readonly provider: AiProviderName,
    readonly kind: ProviderErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${provider}: ${kind}: ${message}`, options);
    this.name = 'ProviderError';
  }
}
