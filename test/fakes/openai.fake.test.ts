import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { openAIError, startFakeOpenAI } from './openai.fake';

const client = (baseURL: string, options: { timeout?: number; maxRetries?: number } = {}) =>
  new OpenAI({ baseURL, apiKey: 'sk-test-fake', maxRetries: 0, ...options });

describe('fake OpenAI', () => {
  it('answers chat.completions.create with a scripted reply, usage and the prompt recorded', async () => {
    await using fake = await startFakeOpenAI();
    fake.replyWith((prompt) => ({
      text: `Hi ${prompt.messages.length}`,
      inputTokens: 12,
      outputTokens: 3,
    }));
    const completion = await client(fake.baseURL).chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'You sell shirts.' },
        { role: 'user', content: 'Is the linen shirt in stock?' },
      ],
    });
    expect(completion).toMatchObject({
      object: 'chat.completion',
      model: 'gpt-4o-mini',
      choices: [
        { index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'Hi 1' } },
      ],
      usage: { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 },
    });
    expect(completion.id).toMatch(/^chatcmpl-/);
    expect(fake.prompts[0]).toMatchObject({
      model: 'gpt-4o-mini',
      system: 'You sell shirts.',
      messages: [{ role: 'user', content: 'Is the linen shirt in stock?' }],
    });
    expect(fake.requests[0]?.headers.authorization).toBe('Bearer sk-test-fake');
    expect(fake.env.OPENAI_BASE_URL).toBe(`${fake.url}/v1`);
  });

  it('serves queued replies first, then the default; echoes the last user turn by default', async () => {
    await using fake = await startFakeOpenAI();
    fake.queueReplies('first', { text: 'second' });
    const ask = async (content: string) =>
      (
        await client(fake.baseURL).chat.completions.create({
          model: 'gpt-4o-mini',
          messages: [{ role: 'user', content }],
        })
      ).choices[0]?.message.content;
    expect([await ask('a'), await ask('b'), await ask('c')]).toEqual([
      'first',
      'second',
      'You said: c',
    ]);
  });

  it('returns tool calls with finish_reason tool_calls', async () => {
    await using fake = await startFakeOpenAI({
      reply: { toolCalls: [{ name: 'create_checkout', input: { sku: 'MUG-1', qty: 2 } }] },
    });
    const completion = await client(fake.baseURL).chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Buy two mugs' }],
      tools: [{ type: 'function', function: { name: 'create_checkout', parameters: {} } }],
    });
    const choice = completion.choices[0];
    expect(choice?.finish_reason).toBe('tool_calls');
    expect(choice?.message.content).toBeNull();
    const call = choice?.message.tool_calls?.[0];
    expect(call?.type === 'function' && JSON.parse(call.function.arguments)).toEqual({
      sku: 'MUG-1',
      qty: 2,
    });
    expect(fake.prompts[0]?.tools).toEqual(['create_checkout']);
  });

  it('cuts a reply at max_tokens with finish_reason length', async () => {
    await using fake = await startFakeOpenAI({ reply: 'x'.repeat(100) });
    const completion = await client(fake.baseURL).chat.completions.create({
      model: 'gpt-4o-mini',
      max_completion_tokens: 5,
      messages: [{ role: 'user', content: 'long please' }],
    });
    expect(completion.choices[0]?.finish_reason).toBe('length');
    expect(completion.choices[0]?.message.content).toHaveLength(20);
  });

  it('streams chunks the SDK reassembles, with usage when asked', async () => {
    await using fake = await startFakeOpenAI({ reply: 'The linen shirt is in stock today.' });
    const stream = await client(fake.baseURL).chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'stock?' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let finish: string | null | undefined;
    let total: number | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish ??= chunk.choices[0]?.finish_reason;
      total = chunk.usage?.total_tokens ?? total;
    }
    expect(text).toBe('The linen shirt is in stock today.');
    expect(finish).toBe('stop');
    expect(total).toBeGreaterThan(0);
  });

  it('raises the typed SDK errors for scripted failures', async () => {
    await using fake = await startFakeOpenAI();
    const openai = client(fake.baseURL);
    const ask = () =>
      openai.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'hi' }],
      });

    fake.failNext(1, openAIError(429));
    const limited = await ask().catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(OpenAI.RateLimitError);
    expect(limited).toMatchObject({ status: 429, code: 'rate_limit_exceeded' });

    fake.failNext(1);
    await expect(ask()).rejects.toBeInstanceOf(OpenAI.InternalServerError);
    expect(fake.prompts).toHaveLength(0);
    await expect(ask()).resolves.toMatchObject({ object: 'chat.completion' });
  });

  it('rejects a wrong key with AuthenticationError when a key is configured', async () => {
    await using fake = await startFakeOpenAI({ apiKey: 'sk-right' });
    const openai = new OpenAI({ baseURL: fake.baseURL, apiKey: 'sk-wrong', maxRetries: 0 });
    const error = await openai.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(error).toMatchObject({ code: 'invalid_api_key' });
  });

  it('retries 5xx the way the SDK does, so a test can assert failover counts', async () => {
    await using fake = await startFakeOpenAI();
    fake.failNext(1, openAIError(503, undefined, {}, { 'retry-after-ms': '10' }));
    const completion = await client(fake.baseURL, { maxRetries: 1 }).chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(completion.choices[0]?.message.content).toBe('You said: hi');
    expect(fake.requests).toHaveLength(2);
  });

  it('times out against a hung request with APIConnectionTimeoutError', async () => {
    await using fake = await startFakeOpenAI();
    fake.hang();
    const error = await client(fake.baseURL, { timeout: 200 })
      .chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'hi' }],
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
  });

  it('answers a 400 in the OpenAI envelope when messages are missing', async () => {
    await using fake = await startFakeOpenAI();
    const error = await client(fake.baseURL)
      .chat.completions.create({ model: 'gpt-4o-mini', messages: [] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error).toMatchObject({ param: 'messages' });
  });
});
