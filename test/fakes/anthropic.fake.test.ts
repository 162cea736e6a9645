import Anthropic from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import { anthropicError, startFakeAnthropic } from './anthropic.fake';

// An explicit timeout: without one the SDK derives it from max_tokens (wire-specs §7.1).
const client = (baseURL: string, apiKey = 'sk-ant-test') =>
  new Anthropic({ baseURL, apiKey, maxRetries: 0, timeout: 5_000 });

const ask = (anthropic: Anthropic, content = 'Hi') =>
  anthropic.messages.create({
    model: 'claude-haiku-4-5',
    max_tokens: 256,
    system: 'You sell mugs.',
    messages: [{ role: 'user', content }],
  });

describe('fake Anthropic', () => {
  it('answers messages.create with content blocks, stop_reason and usage', async () => {
    await using fake = await startFakeAnthropic({
      reply: { text: 'Two blue mugs, coming up.', inputTokens: 20, outputTokens: 7 },
    });
    const message = await ask(client(fake.url), 'Two blue mugs please');
    expect(message).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: 'claude-haiku-4-5',
      content: [{ type: 'text', text: 'Two blue mugs, coming up.' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 20, output_tokens: 7 },
    });
    expect(message.id).toMatch(/^msg_/);
    expect(fake.prompts[0]).toMatchObject({
      system: 'You sell mugs.',
      maxTokens: 256,
      messages: [{ role: 'user', content: 'Two blue mugs please' }],
    });
    expect(fake.requests[0]?.headers['anthropic-version']).toBeTruthy();
  });

  it('returns tool_use blocks', async () => {
    await using fake = await startFakeAnthropic({
      reply: {
        text: 'Creating your link.',
        toolCalls: [{ name: 'checkout', input: { sku: 'MUG-1' } }],
      },
    });
    const message = await ask(client(fake.url));
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content).toMatchObject([
      { type: 'text', text: 'Creating your link.' },
      { type: 'tool_use', name: 'checkout', input: { sku: 'MUG-1' } },
    ]);
  });

  it('streams events the SDK assembles into the final message', async () => {
    await using fake = await startFakeAnthropic({ reply: 'We ship to Lagos and Nairobi.' });
    const stream = client(fake.url).messages.stream({
      model: 'claude-haiku-4-5',
      max_tokens: 256,
      messages: [{ role: 'user', content: 'Do you ship?' }],
    });
    const final = await stream.finalMessage();
    expect(final.content).toEqual([{ type: 'text', text: 'We ship to Lagos and Nairobi.' }]);
    expect(final.stop_reason).toBe('end_turn');
    expect(final.usage.output_tokens).toBeGreaterThan(0);
  });

  it('raises OverloadedError on 529 and RateLimitError on 429, in Anthropic’s envelope', async () => {
    await using fake = await startFakeAnthropic();
    const anthropic = client(fake.url);
    fake.failNext(1, anthropicError(529));
    const overloaded = await ask(anthropic).catch((e: unknown) => e);
    expect(overloaded).toBeInstanceOf(Anthropic.InternalServerError);
    expect(overloaded).toMatchObject({ status: 529, type: 'overloaded_error' });
    expect((overloaded as Error).constructor.name).toBe('OverloadedError');

    fake.failNext(1, anthropicError(429, undefined, { 'retry-after': '1' }));
    const limited = await ask(anthropic).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(Anthropic.RateLimitError);
    expect(limited).toMatchObject({ requestID: expect.stringMatching(/^req_/) });

    fake.failNext(1);
    await expect(ask(anthropic)).rejects.toBeInstanceOf(Anthropic.InternalServerError);
    await expect(ask(anthropic)).resolves.toMatchObject({ type: 'message' });
  });

  it('checks the key and requires max_tokens', async () => {
    await using fake = await startFakeAnthropic({ apiKey: 'sk-ant-right' });
    await expect(ask(client(fake.url, 'sk-ant-wrong'))).rejects.toBeInstanceOf(
      Anthropic.AuthenticationError,
    );
    const error = await client(fake.url, 'sk-ant-right')
      .messages.create({
        model: 'm',
        messages: [],
      } as unknown as Anthropic.MessageCreateParamsNonStreaming)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
  });

  it('times out on a hung request and recovers after a delay', async () => {
    await using fake = await startFakeAnthropic();
    fake.hang();
    const anthropic = new Anthropic({
      baseURL: fake.url,
      apiKey: 'k',
      maxRetries: 0,
      timeout: 200,
    });
    await expect(ask(anthropic)).rejects.toBeInstanceOf(Anthropic.APIConnectionTimeoutError);
    fake.delayNext(50);
    const started = Date.now();
    await expect(ask(client(fake.url))).resolves.toMatchObject({ type: 'message' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
  });
});
