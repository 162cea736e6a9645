import { describe, expect, it } from 'vitest';
import { chooseModel, defaultModelOf, parseModelAllowList, priceOf } from './model-allow-list';
import { BUILT_IN_MODELS, FREE, type ModelAllowList } from './model-prices';

const NO_KEYS = { openai: false, anthropic: false, groq: false };

/** OpenAI without its usual default, Anthropic with it second, Groq with nothing. */
const LIST: ModelAllowList = {
  openai: [
    { model: 'gpt-4.1-nano', inputPerKTokens: 100, outputPerKTokens: 400 },
    { model: 'gpt-4.1', inputPerKTokens: 2000, outputPerKTokens: 8000 },
  ],
  anthropic: [
    { model: 'claude-sonnet-4-5', inputPerKTokens: 3000, outputPerKTokens: 15000 },
    { model: 'claude-haiku-4-5', inputPerKTokens: 1000, outputPerKTokens: 5000 },
  ],
  groq: [],
};

describe('model allow-list', () => {
  it('prices only listed models of their own provider; the offline bot is free', () => {
    expect(priceOf(LIST, 'openai', 'gpt-4.1')).toMatchObject({ outputPerKTokens: 8000 });
    expect(priceOf(LIST, 'openai', 'gpt-4o-mini')).toBeNull();
    expect(priceOf(LIST, 'anthropic', 'gpt-4.1')).toBeNull();
    expect(priceOf(LIST, 'offline', 'parley-rules-1')).toBe(FREE);
    expect(priceOf(LIST, 'offline', 'gpt-4.1')).toBeNull();
  });

  it('defaults to DEFAULT_MODELS when listed, else to the first listed, else to none', () => {
    expect(defaultModelOf(LIST, 'anthropic')).toBe('claude-haiku-4-5');
    expect(defaultModelOf(LIST, 'openai')).toBe('gpt-4.1-nano');
    expect(defaultModelOf(LIST, 'groq')).toBeNull();
    expect(defaultModelOf(LIST, 'offline')).toBe('parley-rules-1');
    expect(defaultModelOf(BUILT_IN_MODELS, 'openai')).toBe('gpt-4o-mini');
  });

  it("keeps the business's model while offered and replaces it once it is not", () => {
    expect(chooseModel(LIST, 'openai', 'gpt-4.1')).toEqual({ model: 'gpt-4.1', replaced: null });
    expect(chooseModel(LIST, 'openai', undefined)).toEqual({
      model: 'gpt-4.1-nano',
      replaced: null,
    });
    expect(chooseModel(LIST, 'openai', 'gpt-4o')).toEqual({
      model: 'gpt-4.1-nano',
      replaced: 'gpt-4o',
    });
    expect(chooseModel(LIST, 'groq', 'llama-3.1-8b-instant')).toEqual({
      model: null,
      replaced: 'llama-3.1-8b-instant',
    });
    expect(chooseModel(LIST, 'offline', undefined)).toEqual({
      model: 'parley-rules-1',
      replaced: null,
    });
  });

  it('parses model names with colons and slashes, in the order given', () => {
    const problems: string[] = [];
    const list = parseModelAllowList(
      'openai:ft:gpt-4o-mini:acme::9xY:300:1200, groq : meta-llama/llama-4-scout : 110 : 340',
      NO_KEYS,
      problems,
    );
    expect(problems).toEqual([]);
    expect(list).toEqual({
      openai: [{ model: 'ft:gpt-4o-mini:acme::9xY', inputPerKTokens: 300, outputPerKTokens: 1200 }],
      anthropic: [],
      groq: [{ model: 'meta-llama/llama-4-scout', inputPerKTokens: 110, outputPerKTokens: 340 }],
    });
  });
});
