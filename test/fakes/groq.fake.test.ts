import Groq from 'groq-sdk';
import { describe, expect, it } from 'vitest';
import { groqError, startFakeGroq } from './groq.fake';

describe('fake Groq', () => {
  it('answers the OpenAI-compatible chat completions route under /openai/v1', async () => {
    await using fake = await startFakeGroq({ reply: { text: 'Karibu!', outputTokens: 4 } });
    const groq = new Groq({ baseURL: fake.env.GROQ_BASE_URL, apiKey: 'gsk_test', maxRetries: 0 });
    const completion = await groq.chat.completions.create({
      model: 'llama-3.3-70b-versatile',
      messages: [{ role: 'user', content: 'Habari' }],
    });
    expect(completion).toMatchObject({
      object: 'chat.completion',
      choices: [{ message: { role: 'assistant', content: 'Karibu!' }, finish_reason: 'stop' }],
      usage: { completion_tokens: 4 },
    });
    expect(completion.x_groq?.id).toMatch(/^req_/);
    expect(fake.requests[0]?.path).toBe('/openai/v1/chat/completions');
    expect(fake.prompts[0]?.messages).toEqual([{ role: 'user', content: 'Habari' }]);
  });

  it('streams', async () => {
    await using fake = await startFakeGroq({ reply: 'one two three four five' });
    const groq = new Groq({ baseURL: fake.url, apiKey: 'gsk_test', maxRetries: 0 });
    const stream = await groq.chat.completions.create({
      model: 'llama-3.3-70b-versatile',
      messages: [{ role: 'user', content: 'count' }],
      stream: true,
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('one two three four five');
  });

  it('raises RateLimitError with the whole body kept as error', async () => {
    await using fake = await startFakeGroq();
    fake.failNext(1, groqError(429));
    const groq = new Groq({ baseURL: fake.url, apiKey: 'gsk_test', maxRetries: 0 });
    const error = await groq.chat.completions
      .create({ model: 'llama-3.3-70b-versatile', messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Groq.RateLimitError);
    expect((error as InstanceType<typeof Groq.APIError>).error).toMatchObject({
      error: { code: 'rate_limit_exceeded' },
    });
  });

  it('rejects a missing or wrong key', async () => {
    await using fake = await startFakeGroq({ apiKey: 'gsk_right' });
    const groq = new Groq({ baseURL: fake.url, apiKey: 'gsk_wrong', maxRetries: 0 });
    await expect(
      groq.chat.completions.create({
        model: 'llama-3.3-70b-versatile',
        messages: [{ role: 'user', content: 'hi' }],
      }),
    ).rejects.toBeInstanceOf(Groq.AuthenticationError);
  });
});
