import { createHmac } from 'node:crypto';
import { SignJWT, UnsecuredJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { createAccessTokens, keyIdOf } from './access-tokens';

const CURRENT = 'current-secret-that-is-long-enough-000000';
const OLD = 'previous-secret-that-is-long-enough-11111';
const claims = {
  userId: '00000000-0000-4000-8000-000000000001',
  businessId: '00000000-0000-4000-8000-000000000002',
  role: 'agent' as const,
  sessionId: '00000000-0000-4000-8000-000000000003',
};

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

describe('access tokens', () => {
  const tokens = createAccessTokens({ current: CURRENT, previous: [OLD] });

  it('round-trips the claims and names the signing key', async () => {
    const token = await tokens.sign(claims);
    const header = JSON.parse(Buffer.from(token.split('.')[0] as string, 'base64url').toString());
    expect(header).toMatchObject({ alg: 'HS256', kid: keyIdOf(CURRENT) });
    await expect(tokens.verify(token)).resolves.toEqual(claims);
  });

  it('still verifies tokens of a previous secret, and signs only with the current one', async () => {
    const before = createAccessTokens({ current: OLD });
    await expect(tokens.verify(await before.sign(claims))).resolves.toEqual(claims);
    const afterRetirement = createAccessTokens({ current: CURRENT });
    await expect(afterRetirement.verify(await before.sign(claims))).rejects.toMatchObject({
      code: 'unauthorized',
    });
  });

  it('refuses an expired token', async () => {
    const shortLived = createAccessTokens({ current: CURRENT, ttlSeconds: -1 });
    await expect(tokens.verify(await shortLived.sign(claims))).rejects.toMatchObject({
      code: 'unauthorized',
    });
  });

  it('refuses a tampered payload', async () => {
    const [h, , s] = (await tokens.sign(claims)).split('.');
    const forged = `${h}.${b64({ sub: claims.userId, bid: claims.businessId, sid: claims.sessionId, role: 'owner', iss: 'parley', aud: 'parley-api', iat: 1, exp: 4e9 })}.${s}`;
    await expect(tokens.verify(forged)).rejects.toMatchObject({ code: 'unauthorized' });
  });

  it('refuses alg none, even with a known kid', async () => {
    const unsecured = new UnsecuredJWT({
      bid: claims.businessId,
      sid: claims.sessionId,
      role: 'owner',
    })
      .setSubject(claims.userId)
      .setIssuer('parley')
      .setAudience('parley-api')
      .setIssuedAt()
      .setExpirationTime('1h')
      .encode();
    await expect(tokens.verify(unsecured)).rejects.toMatchObject({ code: 'unauthorized' });
    const [, payload] = unsecured.split('.');
    const withKid = `${b64({ alg: 'none', kid: keyIdOf(CURRENT) })}.${payload}.`;
    await expect(tokens.verify(withKid)).rejects.toMatchObject({ code: 'unauthorized' });
  });

  it('refuses a token signed with another key, whatever kid it claims', async () => {
    const other = new TextEncoder().encode('attacker-secret-that-is-long-enough-999');
    for (const kid of [keyIdOf(CURRENT), 'made-up']) {
      const token = await new SignJWT({
        bid: claims.businessId,
        sid: claims.sessionId,
        role: 'owner',
      })
        .setProtectedHeader({ alg: 'HS256', kid })
        .setSubject(claims.userId)
        .setIssuer('parley')
        .setAudience('parley-api')
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(other);
      await expect(tokens.verify(token)).rejects.toMatchObject({ code: 'unauthorized' });
    }
  });

  it('refuses HS512 and garbage', async () => {
    const h = b64({ alg: 'HS512', kid: keyIdOf(CURRENT) });
    const p = b64({
      sub: claims.userId,
      bid: claims.businessId,
      sid: claims.sessionId,
      role: 'owner',
      iss: 'parley',
      aud: 'parley-api',
      iat: 1,
      exp: 4e9,
    });
    const sig = createHmac('sha512', CURRENT).update(`${h}.${p}`).digest('base64url');
    await expect(tokens.verify(`${h}.${p}.${sig}`)).rejects.toMatchObject({ code: 'unauthorized' });
    await expect(tokens.verify('not-a-jwt')).rejects.toMatchObject({ code: 'unauthorized' });
  });
});
