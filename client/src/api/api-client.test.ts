import { describe, expect, it, vi } from 'vitest';
import type { SessionResponse } from '../../../shared/auth.schema';
import { defineContract } from '../../../shared/api/contract';
import { createApiClient, type ApiClientOptions } from './api-client';
import { ApiError } from './api-error';
import { z } from 'zod';

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });

const errorBody = (code: string, message = 'x') => ({ error: { code, message } });

const NOW = Date.parse('2026-11-26T10:00:00Z');

function session(token: string, expiresInMs = 60 * 60 * 1000): SessionResponse {
  return {
    accessToken: token,
    refreshToken: 'in-the-cookie',
    accessTokenExpiresAt: new Date(NOW + expiresInMs).toISOString(),
    user: { id: 'u1', email: 'a@example.com', name: 'A', twoFactorEnabled: false },
    business: { id: 'b1', name: 'Shop' },
    role: 'owner',
  };
}

const okSchema = z.object({ ok: z.literal(true), token: z.string() });

/**
 * A server in a few lines: `/api/auth/refresh` answers the next token of `tokens` (or 401
 * when they run out); any other path answers 200 for the current token and 401 otherwise.
 */
function fakeServer(options: { tokens?: string[]; refreshDelayMs?: number } = {}) {
  const tokens = [...(options.tokens ?? ['t2'])];
  let current: string | null = 't1';
  const calls: { path: string; auth: string | null; credentials?: RequestInit['credentials'] }[] =
    [];
  let refreshes = 0;
  const fetchFn = vi.fn(async (input: string | URL | Request, init?: RequestInit) => {
    const path = String(input);
    const auth = new Headers(init?.headers).get('authorization');
    calls.push({ path, auth, credentials: init?.credentials });
    if (path === '/api/auth/refresh') {
      refreshes++;
      if (options.refreshDelayMs) await new Promise((r) => setTimeout(r, options.refreshDelayMs));
      const next = tokens.shift();
      if (!next) return json(401, errorBody('unauthorized', 'The session has ended.'));
      current = next;
      return json(200, session(next));
    }
    if (auth === `Bearer ${current}`) return json(200, { ok: true, token: current });
    return json(401, errorBody('unauthorized', 'Authentication is required.'));
  });
  return {
    fetch: fetchFn as unknown as typeof fetch,
    calls,
    refreshes: () => refreshes,
    expire: () => {
      current = null;
    },
  };
}

function client(server: ReturnType<typeof fakeServer>, extra: Partial<ApiClientOptions> = {}) {
  return createApiClient({
    fetch: server.fetch,
    now: () => NOW,
    schedule: () => () => {},
    ...extra,
  });
}

describe('the API client', () => {
  it('sends the in-memory access token and parses the answer with the schema', async () => {
    const server = fakeServer();
    const api = client(server);
    api.startSession(session('t1'));
    await expect(api.request('/api/thing', { schema: okSchema })).resolves.toEqual({
      ok: true,
      token: 't1',
    });
    expect(server.calls[0]).toMatchObject({ auth: 'Bearer t1', credentials: 'same-origin' });
  });

  it('refreshes once for many concurrent 401s and retries each call with the new token', async () => {
    const server = fakeServer({ tokens: ['t2', 't3'], refreshDelayMs: 10 });
    const api = client(server);
    api.startSession(session('t1'));
    server.expire();
    const answers = await Promise.all(
      [1, 2, 3, 4, 5].map(() => api.request('/api/thing', { schema: okSchema })),
    );
    expect(answers.map((a) => a.token)).toEqual(['t2', 't2', 't2', 't2', 't2']);
    expect(server.refreshes()).toBe(1);
    expect(api.accessToken).toBe('t2');
  });

  it('reuses a refresh that finished while its own call was in flight', async () => {
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    let refreshes = 0;
    const fetchFn = async (input: string | URL | Request, init?: RequestInit) => {
      const auth = new Headers(init?.headers).get('authorization');
      if (String(input) === '/api/auth/refresh') {
        refreshes++;
        return json(200, session('t2'));
      }
      if (auth === 'Bearer t1') {
        await gate; // answered only after the refresh below
        return json(401, errorBody('unauthorized'));
      }
      return json(200, { ok: true, token: 't2' });
    };
    const api = createApiClient({
      fetch: fetchFn as unknown as typeof fetch,
      schedule: () => () => {},
    });
    api.startSession(session('t1'));
    const slow = api.request('/api/thing', { schema: okSchema });
    await api.refresh(); // the expiry timer, say
    release();
    await expect(slow).resolves.toMatchObject({ token: 't2' });
    expect(refreshes).toBe(1);
  });

  it('posts the refresh with the cookie (same-origin) and an empty body, never a token', async () => {
    const server = fakeServer();
    const api = client(server);
    await api.refresh();
    const call = server.calls.find((c) => c.path === '/api/auth/refresh');
    expect(call).toMatchObject({ auth: null, credentials: 'same-origin' });
  });

  it('serialises refreshes through the cross-tab lock', async () => {
    const server = fakeServer();
    let locked = 0;
    const api = client(server, {
      withRefreshLock: <T>(fn: () => Promise<T>) => {
        locked++;
        return fn();
      },
    });
    await api.refresh();
    expect(locked).toBe(1);
  });

  it('gets a token from the cookie first when a call is made without one (a reload)', async () => {
    const server = fakeServer({ tokens: ['t1'] });
    const api = client(server);
    await expect(api.request('/api/thing', { schema: okSchema })).resolves.toMatchObject({
      token: 't1',
    });
    expect(server.calls.map((c) => c.path)).toEqual(['/api/auth/refresh', '/api/thing']);
  });

  it('ends the session when the refresh is refused, telling the listeners', async () => {
    const server = fakeServer({ tokens: [] });
    const api = client(server);
    const seen: (SessionResponse | null)[] = [];
    api.subscribe((s) => seen.push(s));
    api.startSession(session('t1'));
    server.expire();
    const failure = await api.request('/api/thing', { schema: okSchema }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ApiError);
    expect((failure as ApiError).code).toBe('unauthorized');
    expect(seen.map((s) => s?.accessToken ?? null)).toEqual(['t1', null]);
    expect(api.accessToken).toBeNull();
  });

  it('does not refresh on totp_required: that 401 is an answer, not an expiry', async () => {
    const fetchFn = vi.fn(async () =>
      json(401, errorBody('totp_required', 'The two-factor code is not valid.')),
    );
    const api = createApiClient({
      fetch: fetchFn as unknown as typeof fetch,
      schedule: () => () => {},
    });
    api.startSession(session('t1'));
    const failure = await api
      .request('/api/account', { method: 'DELETE', body: { password: 'x' } })
      .catch((e: unknown) => e);
    expect((failure as ApiError).code).toBe('totp_required');
    expect((failure as ApiError).humanMessage).toBe('The two-factor code is not valid.');
    expect(fetchFn).toHaveBeenCalledTimes(1);
    expect(api.accessToken).toBe('t1');
  });

  it('sends sign-in calls without a token and treats their 401 as the answer', async () => {
    const fetchFn = vi.fn(async () =>
      json(401, errorBody('unauthorized', 'The email or password is not correct.')),
    );
    const api = createApiClient({
      fetch: fetchFn as unknown as typeof fetch,
      schedule: () => () => {},
    });
    const failure = await api
      .request('/api/auth/login', { body: { email: 'a@b.c', password: 'p' }, auth: false })
      .catch((e: unknown) => e);
    expect((failure as ApiError).humanMessage).toBe('The email or password is not correct.');
    expect(fetchFn).toHaveBeenCalledTimes(1);
  });

  it('refreshes shortly before the access token expires', async () => {
    const server = fakeServer({ tokens: ['t2'] });
    const timers: { fn: () => void; ms: number }[] = [];
    const api = client(server, {
      schedule: (fn, ms) => {
        timers.push({ fn, ms });
        return () => {};
      },
    });
    api.startSession(session('t1', 60 * 60 * 1000));
    expect(timers[0]?.ms).toBe(59 * 60 * 1000);
    timers[0]?.fn();
    await vi.waitFor(() => expect(api.accessToken).toBe('t2'));
    expect(server.refreshes()).toBe(1);
  });

  it('turns a network failure and an unexpected body into human errors', async () => {
    const offline = createApiClient({
      fetch: (async () => {
        throw new TypeError('Failed to fetch');
      }) as unknown as typeof fetch,
      schedule: () => () => {},
    });
    offline.startSession(session('t1'));
    const down = (await offline.request('/api/thing').catch((e: unknown) => e)) as ApiError;
    expect(down.code).toBe('network');
    expect(down.humanMessage).toMatch(/cannot be reached/);

    const server = fakeServer();
    const api = client(server);
    api.startSession(session('t1'));
    const odd = (await api
      .request('/api/thing', { schema: z.object({ other: z.string() }) })
      .catch((e: unknown) => e)) as ApiError;
    expect(odd.code).toBe('invalid_response');
  });

  it('signs out through logout with the cookie and forgets the token even when offline', async () => {
    const server = fakeServer();
    const api = client(server);
    api.startSession(session('t1'));
    await api.signOut();
    expect(server.calls.at(-1)).toMatchObject({ path: '/api/auth/logout', auth: null });
    expect(api.accessToken).toBeNull();

    const offline = createApiClient({
      fetch: (async () => {
        throw new TypeError('offline');
      }) as unknown as typeof fetch,
      schedule: () => () => {},
    });
    offline.startSession(session('t1'));
    await offline.signOut();
    expect(offline.accessToken).toBeNull();
  });

  it('adds query parameters, leaving out empty ones', async () => {
    const server = fakeServer();
    const api = client(server);
    api.startSession(session('t1'));
    await api.request('/api/thing', {
      query: { state: 'handoff', channel: undefined, cursor: '' },
    });
    expect(server.calls.at(-1)?.path).toBe('/api/thing?state=handoff');
  });
});

describe('calls by contract', () => {
  const contract = defineContract({
    method: 'PATCH',
    path: '/api/things/:id',
    access: 'member',
    tag: 'ops',
    summary: 'a thing',
    body: { kind: 'json', schema: z.object({ name: z.string() }) },
    responses: {
      200: { description: 'changed', json: okSchema },
      202: { description: 'queued' },
    },
  });

  it('fills the path, sends the body and parses the answer of the status that came back', async () => {
    const seen: { url: string; method?: string; body?: unknown }[] = [];
    let status = 200;
    const api = createApiClient({
      fetch: (async (input: string | URL | Request, init?: RequestInit) => {
        seen.push({ url: String(input), method: init?.method, body: init?.body });
        return status === 200
          ? json(200, { ok: true, token: 't' })
          : new Response(null, { status });
      }) as typeof fetch,
      now: () => NOW,
      schedule: () => () => {},
    });
    api.startSession(session('t1'));
    await expect(
      api.call(contract, { params: { id: 'a/b' }, body: { name: 'mug' } }),
    ).resolves.toEqual({ ok: true, token: 't' });
    expect(seen[0]).toEqual({ url: '/api/things/a%2Fb', method: 'PATCH', body: '{"name":"mug"}' });
    status = 202;
    await expect(api.call(contract, { params: { id: 'x' }, body: { name: 'mug' } })).resolves.toBe(
      undefined,
    );
    // A success the contract does not declare is not taken at its word.
    status = 201;
    const undeclared = await api
      .call(contract, { params: { id: 'x' }, body: { name: 'mug' } })
      .catch((e: unknown) => e);
    expect(undeclared).toBeInstanceOf(ApiError);
  });

  it('calls public routes without the token, and their 401 is an answer', async () => {
    const server = fakeServer();
    const api = client(server);
    api.startSession(session('t1'));
    const login = defineContract({
      method: 'POST',
      path: '/api/auth/login',
      access: 'public',
      tag: 'auth',
      summary: 'sign in',
      body: { kind: 'json', schema: z.object({ email: z.string() }) },
      responses: { 200: { description: 'ok', json: okSchema } },
    });
    const refused = await api.call(login, { body: { email: 'a@b.c' } }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ApiError);
    expect((refused as ApiError).status).toBe(401);
    expect(server.calls).toEqual([
      { path: '/api/auth/login', auth: null, credentials: 'same-origin' },
    ]);
    expect(server.refreshes()).toBe(0);
  });
});
