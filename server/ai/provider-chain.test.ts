import { pino } from 'pino';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createAiMetrics } from './ai.metrics';
import { createCircuitBreakers } from './circuit-breaker';
import { ProviderError, type Completion, type LlmPrompt, type LlmProvider } from './llm-provider';
import type { Metering, Usage } from './metering.pg';
import type { ModelAllowList } from './model-prices';
import { runChain, type ChainDeps, type ChainStep } from './provider-chain';
import type { AiProviderName } from './settings';

const PROMPT: LlmPrompt = {
  system: 'system',
  turns: [{ role: 'user', content: 'hi' }],
  maxOutputTokens: 100,
  facts: { businessName: 'Shop', catalog: [], customerText: 'hi' },
};

type Behaviour = string | ProviderError | 'hang';

/** The operator's list for these tests: one model each; `groq` also offers a free one. */
const MODELS: ModelAllowList = {
  openai: [{ model: 'openai-model', inputPerKTokens: 150, outputPerKTokens: 600 }],
  anthropic: [{ model: 'anthropic-model', inputPerKTokens: 1000, outputPerKTokens: 5000 }],
  groq: [
    { model: 'groq-model', inputPerKTokens: 50, outputPerKTokens: 80 },
    { model: 'groq-self-hosted', inputPerKTokens: 0, outputPerKTokens: 0 },
  ],
};

/** A provider that answers from a script; records the calls it gets. */
function scripted(name: AiProviderName, ...script: Behaviour[]) {
  const calls: string[] = [];
  const provider: LlmProvider = {
    name,
    complete(_prompt, { model, signal }) {
      calls.push(model);
      const next = script.shift() ?? `${name} ok`;
      if (next === 'hang') {
        return new Promise<Completion>((_, reject) =>
          signal.addEventListener('abort', () => reject(new Error('aborted'))),
        );
      }
      if (next instanceof ProviderError) return Promise.reject(next);
      return Promise.resolve({ text: next, inputTokens: 10, outputTokens: 5, model });
    },
  };
  return { provider, calls };
}

function deps(providers: Partial<Record<AiProviderName, LlmProvider>>, timeoutMs = 50) {
  let now = 0;
  const usage: Usage[] = [];
  const metering: Metering = {
    record: (u) => {
      usage.push(u);
      return Promise.resolve(1);
    },
    spentMicros: () => Promise.resolve(0),
  };
  const breakers = createCircuitBreakers({ failureThreshold: 1, cooldownMs: 1000, now: () => now });
  const d: ChainDeps = {
    providers,
    breakers,
    timeoutMs,
    metering,
    models: MODELS,
    metrics: createAiMetrics(new Registry(), () => breakers),
    log: pino({ level: 'silent' }),
    now: () => now,
  };
  return { d, usage, advance: (ms: number) => (now += ms) };
}

const steps = (...names: AiProviderName[]): ChainStep[] =>
  names.map((provider) => ({
    provider,
    model: provider === 'offline' ? 'parley-rules-1' : `${provider}-model`,
  }));
const request = (s: ChainStep[], over: { overBudget?: boolean; businessId?: string } = {}) => ({
  businessId: over.businessId ?? 'b1',
  steps: s,
  prompt: PROMPT,
  overBudget: over.overBudget ?? false,
  accept: (c: Completion) => Promise.resolve(c.text === '' ? null : c.text),
});
const failure = (p: AiProviderName) => new ProviderError(p, 'server_error', '500');

describe('runChain', () => {
  it('returns the first answer and meters it by the model asked for', async () => {
    const openai = scripted('openai', 'hello');
    const { d, usage } = deps({ openai: openai.provider });
    const result = await runChain(d, request(steps('openai', 'offline')));
    expect(result).toMatchObject({ ok: true, value: 'hello', provider: 'openai' });
    expect(usage).toEqual([
      expect.objectContaining({
        businessId: 'b1',
        provider: 'openai',
        model: 'openai-model',
        price: { model: 'openai-model', inputPerKTokens: 150, outputPerKTokens: 600 },
      }),
    ]);
  });

  it('never calls a model that is not on the operator list', async () => {
    const openai = scripted('openai');
    const offline = scripted('offline', 'offline answer');
    const { d, usage } = deps({ openai: openai.provider, offline: offline.provider });
    const result = await runChain(
      d,
      request([
        { provider: 'openai', model: 'gpt-5-pro' },
        { provider: 'offline', model: 'parley-rules-1' },
      ]),
    );
    expect(result).toMatchObject({ ok: true, provider: 'offline' });
    expect(result.attempts[0]).toMatchObject({ model: 'gpt-5-pro', outcome: 'not_offered' });
    expect(openai.calls).toEqual([]);
    expect(usage.map((u) => u.price)).toEqual([{ inputPerKTokens: 0, outputPerKTokens: 0 }]);
  });

  it('fails over on errors and deadlines, and reports every attempt', async () => {
    const openai = scripted('openai', failure('openai'));
    const anthropic = scripted('anthropic', 'hang');
    const groq = scripted('groq', 'from groq');
    const { d } = deps({
      openai: openai.provider,
      anthropic: anthropic.provider,
      groq: groq.provider,
    });
    const result = await runChain(d, request(steps('openai', 'anthropic', 'groq')));
    expect(result).toMatchObject({ ok: true, value: 'from groq', provider: 'groq' });
    expect(result.attempts.map((a) => [a.provider, a.outcome, a.error])).toEqual([
      ['openai', 'failed', 'server_error'],
      ['anthropic', 'failed', 'timeout'],
      ['groq', 'ok', undefined],
    ]);
  });

  it('skips providers without a client, and fails when nothing answers', async () => {
    const openai = scripted('openai', failure('openai'));
    const { d } = deps({ openai: openai.provider });
    const result = await runChain(d, request(steps('openai', 'groq')));
    expect(result.ok).toBe(false);
    expect(result.attempts.map((a) => a.outcome)).toEqual(['failed', 'not_configured']);
  });

  it('moves on from an unusable answer without blaming the provider', async () => {
    const openai = scripted('openai', '', 'second');
    const anthropic = scripted('anthropic', 'fine');
    const { d } = deps({ openai: openai.provider, anthropic: anthropic.provider });
    expect(await runChain(d, request(steps('openai', 'anthropic')))).toMatchObject({
      value: 'fine',
    });
    expect(d.breakers.state('openai:b1')).toBe('closed');
  });

  it('skips paid models over budget but not free ones', async () => {
    const openai = scripted('openai');
    const offline = scripted('offline', 'offline answer');
    const { d } = deps({ openai: openai.provider, offline: offline.provider });
    const result = await runChain(d, request(steps('openai', 'offline'), { overBudget: true }));
    expect(result).toMatchObject({ ok: true, provider: 'offline' });
    expect(result.attempts[0]?.outcome).toBe('over_budget');
    expect(openai.calls).toEqual([]);
  });

  it('calls a model the operator priced at nothing even over budget', async () => {
    const groq = scripted('groq', 'self-hosted answer');
    const { d } = deps({ groq: groq.provider });
    const result = await runChain(
      d,
      request([{ provider: 'groq', model: 'groq-self-hosted' }], { overBudget: true }),
    );
    expect(result).toMatchObject({ ok: true, value: 'self-hosted answer' });
    expect(groq.calls).toEqual(['groq-self-hosted']);
  });

  it('skips a provider whose breaker is open for this business, then probes it', async () => {
    const openai = scripted('openai', failure('openai'), 'for b2', 'recovered');
    const anthropic = scripted('anthropic');
    const { d, advance } = deps({ openai: openai.provider, anthropic: anthropic.provider });
    await runChain(d, request(steps('openai', 'anthropic')));
    const skipped = await runChain(d, request(steps('openai', 'anthropic')));
    expect(skipped.attempts[0]?.outcome).toBe('breaker_open');
    expect(openai.calls).toHaveLength(1);
    // Another business is not affected.
    expect(
      (await runChain(d, request(steps('openai'), { businessId: 'b2' }))).attempts[0]?.outcome,
    ).toBe('ok');
    advance(1000);
    expect(await runChain(d, request(steps('openai', 'anthropic')))).toMatchObject({
      value: 'recovered',
      provider: 'openai',
    });
  });
});
