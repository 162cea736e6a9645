import { describe, expect, it } from 'vitest';
import { ApiError, humanMessage, parseRetryAfter, toApiError } from './api-error';
import { HUMAN_ERROR_MESSAGES } from './error-messages';

const response = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(typeof body === 'string' ? body : JSON.stringify(body), {
    status,
    headers: {
      'content-type': typeof body === 'string' ? 'text/html' : 'application/json',
      ...headers,
    },
  });

describe('API errors', () => {
  it('shows the server’s specific message, which is written to be safe', async () => {
    const err = await toApiError(
      response(409, {
        error: { code: 'conflict', message: 'An account with this email already exists.' },
      }),
    );
    expect(err.code).toBe('conflict');
    expect(err.humanMessage).toBe('An account with this email already exists.');
  });

  it('replaces the generic default text with the human one for its code', async () => {
    const err = await toApiError(
      response(403, { error: { code: 'forbidden', message: 'You are not allowed to do this.' } }),
    );
    expect(err.humanMessage).toBe(HUMAN_ERROR_MESSAGES.forbidden);
  });

  it('never shows internal or availability details', async () => {
    const err = await toApiError(
      response(500, { error: { code: 'internal', message: 'Something went wrong on our side.' } }),
    );
    expect(err.humanMessage).toBe(HUMAN_ERROR_MESSAGES.internal);
  });

  it('says when to retry after a 429, from Retry-After', async () => {
    const err = await toApiError(
      response(
        429,
        { error: { code: 'rate_limited', message: 'Too many requests. Try again later.' } },
        { 'retry-after': '30' },
      ),
    );
    expect(err.retryAfterSeconds).toBe(30);
    expect(err.humanMessage).toBe('Too many requests in a short time. Try again in 30 seconds.');
    expect(humanMessage('rate_limited', '', [], 600)).toMatch(/Try again in 10 minutes\.$/);
    expect(humanMessage('rate_limited', '', [], null)).toBe(HUMAN_ERROR_MESSAGES.rate_limited);
  });

  it('maps field issues to their fields; one issue reads as itself, several point at the form', async () => {
    const one = await toApiError(
      response(400, {
        error: {
          code: 'bad_request',
          message: 'This password is too common. Choose another one.',
          issues: [
            { path: 'body.password', message: 'This password is too common. Choose another one.' },
          ],
        },
      }),
    );
    expect(one.humanMessage).toBe('This password is too common. Choose another one.');
    expect(one.fieldErrors()).toEqual({
      password: 'This password is too common. Choose another one.',
    });

    const many = new ApiError(
      'bad_request',
      400,
      'The body does not match what this endpoint expects.',
      [
        { path: 'body.email', message: 'Invalid email' },
        { path: 'body.name', message: 'Too long' },
      ],
    );
    expect(many.humanMessage).toBe(HUMAN_ERROR_MESSAGES.bad_request);
    expect(many.fieldErrors()).toEqual({ email: 'Invalid email', name: 'Too long' });
  });

  it('reads an edge page that is not JSON by its status', async () => {
    const err = await toApiError(response(502, '<html>Bad gateway</html>'));
    expect(err.code).toBe('unavailable');
    expect(err.humanMessage).toBe(HUMAN_ERROR_MESSAGES.unavailable);
  });

  it('parses Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-11-26T10:00:00Z');
    expect(parseRetryAfter('12', now)).toBe(12);
    expect(parseRetryAfter('Thu, 26 Nov 2026 10:01:00 GMT', now)).toBe(60);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
  });
});
