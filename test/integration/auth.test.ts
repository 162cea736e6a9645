import { decodeJwt, SignJWT, UnsecuredJWT } from 'jose';
import { beforeAll, expect, it } from 'vitest';
import { auditLogResponseSchema } from '../../shared/audit.schema';
import {
  meResponseSchema,
  sessionResponseSchema,
  type SessionResponse,
} from '../../shared/auth.schema';
import { errorBodySchema } from '../../shared/errors';
import { createAccessTokens, keyIdOf } from '../../server/auth/access-tokens';
import type { RunningNode } from '../../server/main';
import {
  addMember,
  apiSession,
  login,
  PASSWORD,
  registerBusiness,
  uniqueEmail,
} from '../helpers/auth';
import { request } from '../helpers/http';
import { TEST_SECRETS } from '../helpers/test-node';
import { describeModes } from '../helpers/modes';

const codeOf = (body: unknown) => errorBodySchema.parse(body).error.code;

async function auditActions(url: string, ownerToken: string) {
  const res = await request(url, '/api/audit-log?limit=200', { token: ownerToken });
  expect(res.status).toBe(200);
  return auditLogResponseSchema.parse(res.body).items.map((i) => i.action);
}

describeModes('auth', (cluster) => {
  let node: RunningNode;

  beforeAll(async () => {
    node = await cluster.start();
  });

  it('registers a business and its owner, with the refresh cookie', async () => {
    const email = uniqueEmail();
    const res = await request(node.url, '/api/auth/register', {
      json: { businessName: 'Ada Shoes', email: email.toUpperCase(), password: PASSWORD },
    });
    expect(res.status).toBe(201);
    const session = sessionResponseSchema.parse(res.body);
    expect(session).toMatchObject({ role: 'owner', business: { name: 'Ada Shoes' } });
    expect(session.user.email).toBe(email);
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toContain(`parley_rt=${session.refreshToken}`);
    for (const attr of ['Path=/api/auth', 'HttpOnly', 'Secure', 'SameSite=Strict']) {
      expect(cookie).toContain(attr);
    }
    const me = await request(node.url, '/api/me', { token: session.accessToken });
    expect(meResponseSchema.parse(me.body)).toMatchObject({ role: 'owner', user: { email } });

    const again = await request(node.url, '/api/auth/register', {
      json: { businessName: 'Copy', email, password: PASSWORD },
    });
    expect(again.status).toBe(409);
  });

  it('refuses bad registrations with a 400 and creates nothing', async () => {
    const email = uniqueEmail();
    const bad = [
      { businessName: 'X', email, password: 'password123!' },
      { businessName: 'X', email, password: 'short' },
      { businessName: 'X', email, password: '1234567890' },
      { businessName: '', email, password: PASSWORD },
      { businessName: 'X', email: 'not-an-email', password: PASSWORD },
      { businessName: 'X', email, password: 'é'.repeat(40) },
    ];
    for (const json of bad) {
      const res = await request(node.url, '/api/auth/register', { json });
      expect(res.status, JSON.stringify(json)).toBe(400);
      expect(codeOf(res.body)).toBe('bad_request');
    }
    expect((await login(node.url, email)).status).toBe(401);
    const common = await request(node.url, '/api/auth/register', {
      json: { businessName: 'X', email, password: 'Sunshine2024!' },
    });
    expect(errorBodySchema.parse(common.body).error.issues?.[0]?.path).toBe('body.password');
  });

  it('answers an unknown email exactly like a wrong password, and audits both', async () => {
    const owner = await registerBusiness(node.url);
    const wrong = await login(node.url, owner.email, 'not the password at all');
    const unknown = await login(node.url, uniqueEmail('nobody'), 'not the password at all');
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(codeOf(wrong.body)).toBe('unauthorized');

    const ok = await login(node.url, owner.email.toUpperCase());
    expect(ok.status).toBe(200);
    const actions = await auditActions(node.url, ok.body.accessToken);
    expect(actions).toEqual(
      expect.arrayContaining(['account.registered', 'auth.login_failed', 'auth.login_succeeded']),
    );
  });

  // Security review L6: a script in the page could read a refresh token from a JSON body.
  it('gives a browser the refresh token as the HttpOnly cookie only', async () => {
    const owner = await registerBusiness(node.url);
    const cookieOf = (res: { headers: Headers }) =>
      /parley_rt=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1];
    const browserLogin = await request<Record<string, unknown>>(node.url, '/api/auth/login', {
      json: { email: owner.email, password: owner.password },
      headers: { origin: node.url, 'sec-fetch-site': 'same-origin' },
    });
    expect(browserLogin.status).toBe(200);
    expect(browserLogin.body.accessToken).toEqual(expect.any(String));
    expect(browserLogin.body).not.toHaveProperty('refreshToken');
    const cookie = cookieOf(browserLogin);
    expect(cookie).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(browserLogin.headers.get('set-cookie')).toMatch(/HttpOnly/);

    // A fetch from the page (the cookie goes along) gets a fresh cookie, and still no body token.
    const refreshed = await request<Record<string, unknown>>(node.url, '/api/auth/refresh', {
      method: 'POST',
      headers: { cookie: `parley_rt=${cookie}`, 'sec-fetch-site': 'same-origin' },
    });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body).not.toHaveProperty('refreshToken');
    expect(cookieOf(refreshed)).toBeDefined();
    // A client that is not a browser still gets it in the body.
    expect(apiSession((await login(node.url, owner.email)).body).refreshToken).toBeTruthy();
  });

  it('rotates refresh tokens; reusing an old one kills the whole login', async () => {
    const owner = await registerBusiness(node.url);
    const first = (await login(node.url, owner.email)).body;
    const refresh = (refreshToken: string) =>
      request<SessionResponse>(node.url, '/api/auth/refresh', { json: { refreshToken } });

    const second = await refresh(first.refreshToken);
    expect(second.status).toBe(200);
    const rotated = apiSession(second.body);
    expect(rotated.refreshToken).not.toBe(first.refreshToken);
    expect((await request(node.url, '/api/me', { token: rotated.accessToken })).status).toBe(200);

    const reuse = await refresh(first.refreshToken);
    expect(reuse.status).toBe(401);
    expect(reuse.headers.get('set-cookie')).toContain('Max-Age=0');
    // The thief's copy and the owner's newer token die together, access tokens included.
    expect((await refresh(rotated.refreshToken)).status).toBe(401);
    expect((await request(node.url, '/api/me', { token: rotated.accessToken })).status).toBe(401);
    expect((await request(node.url, '/api/me', { token: first.accessToken })).status).toBe(401);

    // Another login of the same user is untouched.
    const other = await login(node.url, owner.email);
    expect((await request(node.url, '/api/me', { token: other.body.accessToken })).status).toBe(
      200,
    );
    expect(await auditActions(node.url, other.body.accessToken)).toContain('auth.refresh_reused');
  });

  it('takes the refresh token from the cookie, and logout ends the login', async () => {
    const owner = await registerBusiness(node.url);
    const cookie = `parley_rt=${owner.refreshToken}`;
    const refreshed = await request<SessionResponse>(node.url, '/api/auth/refresh', {
      method: 'POST',
      headers: { cookie },
    });
    expect(refreshed.status).toBe(200);
    const next = refreshed.body;
    expect(refreshed.headers.get('set-cookie')).toContain(`parley_rt=${next.refreshToken}`);

    const out = await request(node.url, '/api/auth/logout', {
      method: 'POST',
      headers: { cookie: `parley_rt=${next.refreshToken}` },
    });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/^parley_rt=; Max-Age=0; Path=\/api\/auth/);
    const after = await request(node.url, '/api/auth/refresh', {
      json: { refreshToken: next.refreshToken },
    });
    expect(after.status).toBe(401);
    expect((await request(node.url, '/api/me', { token: next.accessToken })).status).toBe(401);
    // Logout is idempotent and says nothing about unknown tokens.
    expect(
      (await request(node.url, '/api/auth/logout', { json: { refreshToken: 'x'.repeat(43) } }))
        .status,
    ).toBe(204);
    expect((await request(node.url, '/api/auth/refresh', { method: 'POST' })).status).toBe(401);
  });

  it('refuses missing, expired, tampered, unsigned and foreign-key access tokens', async () => {
    const owner = await registerBusiness(node.url);
    const claims = decodeJwt(owner.accessToken);
    const me = (token?: string, headers: Record<string, string> = {}) =>
      request(node.url, '/api/me', { ...(token ? { token } : {}), headers });
    const expectRefused = async (res: Promise<{ status: number; body: unknown }>) => {
      const r = await res;
      expect(r.status).toBe(401);
      expect(codeOf(r.body)).toBe('unauthorized');
    };

    await expectRefused(me());
    // Authentication comes before the body: an anonymous caller learns nothing from validation.
    await expectRefused(
      request(node.url, '/api/integrations', {
        body: '{"channel":',
        headers: { 'content-type': 'application/json' },
      }),
    );
    await expectRefused(me(undefined, { authorization: `Basic ${owner.accessToken}` }));
    const expired = createAccessTokens({ current: TEST_SECRETS.JWT_SECRET, ttlSeconds: -5 });
    await expectRefused(
      me(
        await expired.sign({
          userId: String(claims.sub),
          businessId: String(claims.bid),
          role: 'owner',
          sessionId: String(claims.sid),
        }),
      ),
    );
    const [h, p, s] = owner.accessToken.split('.') as [string, string, string];
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
    const forged = Buffer.from(
      JSON.stringify({ ...payload, role: 'admin', exp: payload.exp + 3600 }),
    ).toString('base64url');
    await expectRefused(me(`${h}.${forged}.${s}`));
    await expectRefused(me(`${h}.${p}.${s.slice(0, -3)}abc`));

    const unsigned = new UnsecuredJWT({ ...payload }).encode();
    await expectRefused(me(unsigned));
    const noneWithKid = `${Buffer.from(JSON.stringify({ alg: 'none', kid: keyIdOf(TEST_SECRETS.JWT_SECRET) })).toString('base64url')}.${p}.`;
    await expectRefused(me(noneWithKid));

    const foreign = await new SignJWT({ ...payload })
      .setProtectedHeader({ alg: 'HS256', kid: keyIdOf(TEST_SECRETS.JWT_SECRET) })
      .sign(new TextEncoder().encode('some-other-secret-of-sufficient-length-42'));
    await expectRefused(me(foreign));
    expect((await me(owner.accessToken)).status).toBe(200);
  });

  // Security review L1: ten anonymous failures locked the real user out for 15 minutes.
  it('refuses an account from one IP over its budget, but only slows it down elsewhere', async () => {
    const limited = await cluster.start({
      LOGIN_ATTEMPTS_PER_ACCOUNT: '3',
      LOGIN_ATTEMPTS_PER_IP: '8',
      TRUSTED_PROXIES: '127.0.0.1',
      REDIS_PREFIX: `${cluster.redisPrefix}throttle:`,
    });
    const from = (ip: string) => ({ 'x-forwarded-for': ip });
    const attempt = (email: string, password: string, ip: string) =>
      request(limited.url, '/api/auth/login', { json: { email, password }, headers: from(ip) });
    const owner = await registerBusiness(limited.url);
    const attacker = '203.0.113.66';
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++)
      statuses.push((await attempt(owner.email, 'wrong password 123', attacker)).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
    const blocked = await attempt(owner.email, owner.password, attacker);
    expect(blocked.status).toBe(429);
    expect(codeOf(blocked.body)).toBe('rate_limited');
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);

    // The owner, elsewhere, with the right password: let in, after a pause for the failures.
    const started = performance.now();
    const owners = await attempt(owner.email, owner.password, '198.51.100.7');
    expect(owners.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(250);
    // Signing in forgave the failures: no pause any more.
    const again = await attempt(owner.email, owner.password, '198.51.100.7');
    expect(again.status).toBe(200);

    // Unknown e-mails are counted exactly like known ones.
    const ghost = uniqueEmail('ghost');
    const ghostStatuses: number[] = [];
    for (let i = 0; i < 4; i++)
      ghostStatuses.push((await attempt(ghost, 'wrong password 123', '192.0.2.5')).status);
    expect(ghostStatuses).toEqual([401, 401, 401, 429]);

    // Eight attempts from the attacker's IP so far: the ninth is refused whatever the account.
    const fresh = await registerBusiness(limited.url);
    for (let i = 0; i < 3; i++) await attempt(`x${i}${ghost}`, 'nope nope nope', attacker);
    expect((await attempt(fresh.email, fresh.password, attacker)).status).toBe(429);
    expect((await attempt(fresh.email, fresh.password, '198.51.100.8')).status).toBe(200);
    await limited.shutdown();
  });

  // Security review L2: registration had no limiter of its own and each cost a bcrypt.
  it('throttles registration and invitation acceptance per IP', async () => {
    const limited = await cluster.start({
      SIGNUPS_PER_IP_PER_HOUR: '2',
      TRUSTED_PROXIES: '127.0.0.1',
      REDIS_PREFIX: `${cluster.redisPrefix}signup:`,
    });
    const register = (ip: string) =>
      request(limited.url, '/api/auth/register', {
        json: {
          businessName: 'Spam',
          email: uniqueEmail('spam'),
          password: 'Xq7!long-enough-pw',
        },
        headers: { 'x-forwarded-for': ip },
      });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await register('203.0.113.90')).status);
    expect(statuses).toEqual([201, 201, 429]);
    expect((await register('203.0.113.91')).status).toBe(201);
    const accept = await request(limited.url, '/api/auth/accept-invitation', {
      json: { token: 'x'.repeat(43), name: 'Spam', password: 'Xq7!long-enough-pw' },
      headers: { 'x-forwarded-for': '203.0.113.90' },
    });
    expect(accept.status).toBe(429);
    await limited.shutdown();
  });

  it.runIf(cluster.mode === 'full')(
    'keeps tokens of a previous JWT secret valid after rotation',
    async () => {
      const owner = await registerBusiness(node.url);
      const newSecret = 'rotated-jwt-secret-that-is-long-enough-xyz';
      const rotated = await cluster.start({
        JWT_SECRET: newSecret,
        JWT_PREVIOUS_SECRETS: TEST_SECRETS.JWT_SECRET,
      });
      expect((await request(rotated.url, '/api/me', { token: owner.accessToken })).status).toBe(
        200,
      );
      const fresh = await login(rotated.url, owner.email);
      expect(decodeJwt(fresh.body.accessToken)).toBeTruthy();
      const retired = await cluster.start({ JWT_SECRET: newSecret });
      expect((await request(retired.url, '/api/me', { token: owner.accessToken })).status).toBe(
        401,
      );
      expect(
        (await request(retired.url, '/api/me', { token: fresh.body.accessToken })).status,
      ).toBe(200);
      await Promise.all([rotated.shutdown(), retired.shutdown()]);
    },
  );

  it('lets only owners read the audit log', async () => {
    const owner = await registerBusiness(node.url);
    await login(node.url, owner.email);
    const res = await request(node.url, '/api/audit-log?limit=1', { token: owner.accessToken });
    const page = auditLogResponseSchema.parse(res.body);
    expect(page.items.map((i) => i.action)).toEqual(['auth.login_succeeded']);
    const rest = await request(node.url, `/api/audit-log?cursor=${page.nextCursor}`, {
      token: owner.accessToken,
    });
    expect(auditLogResponseSchema.parse(rest.body)).toMatchObject({
      items: [{ action: 'account.registered', actorUserId: owner.user.id }],
      nextCursor: null,
    });
    const admin = await addMember(node.url, owner.accessToken, 'admin');
    const refused = await request(node.url, '/api/audit-log', { token: admin.accessToken });
    expect(refused.status).toBe(403);
    expect(codeOf(refused.body)).toBe('forbidden');
    const bad = await request(node.url, '/api/audit-log?limit=0', { token: owner.accessToken });
    expect(bad.status).toBe(400);
  });
});
