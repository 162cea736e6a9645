import { beforeAll, expect, it } from 'vitest';
import { auditLogResponseSchema } from '../../shared/audit.schema';
import {
  meResponseSchema,
  twoFactorEnableResponseSchema,
  twoFactorSetupResponseSchema,
} from '../../shared/auth.schema';
import { errorBodySchema } from '../../shared/errors';
import type { RunningNode } from '../../server/main';
import { login, registerBusiness, totpCode, type Signup } from '../helpers/auth';
import { request } from '../helpers/http';
import { describeModes } from '../helpers/modes';

const codeOf = (body: unknown) => errorBodySchema.parse(body).error.code;

/**
 * Codes of the previous, current and next 30 s step are valid. Starting a sequence in the last
 * seconds of a step could see it slide out mid-test, so wait for a fresh step instead.
 */
async function awaitFreshStep() {
  const left = 30 - ((Date.now() / 1000) % 30);
  if (left < 10) await new Promise((r) => setTimeout(r, left * 1000 + 100));
}

describeModes('two-factor authentication', (cluster) => {
  let node: RunningNode;

  beforeAll(async () => {
    node = await cluster.start();
  });

  async function enable(owner: Signup) {
    const setup = await request(node.url, '/api/auth/2fa/setup', {
      token: owner.accessToken,
      json: { password: owner.password },
    });
    expect(setup.status).toBe(200);
    const { secret, otpauthUrl, qrSvg } = twoFactorSetupResponseSchema.parse(setup.body);
    expect(otpauthUrl).toBe(
      `otpauth://totp/Parley:${encodeURIComponent(owner.email)}?secret=${secret}&issuer=Parley`,
    );
    expect(qrSvg).toMatch(/^<svg[\s\S]*<\/svg>/);

    const enabled = await request(node.url, '/api/auth/2fa/enable', {
      token: owner.accessToken,
      json: { code: await totpCode(secret, -1) },
    });
    expect(enabled.status).toBe(200);
    const { recoveryCodes } = twoFactorEnableResponseSchema.parse(enabled.body);
    return { secret, recoveryCodes };
  }

  it('enables with a valid code only, then demands a code at login; a code works once', async () => {
    await awaitFreshStep();
    const owner = await registerBusiness(node.url);
    const setup = await request(node.url, '/api/auth/2fa/setup', {
      token: owner.accessToken,
      json: { password: owner.password },
    });
    const pending = twoFactorSetupResponseSchema.parse(setup.body).secret;
    const refused = await request(node.url, '/api/auth/2fa/enable', {
      token: owner.accessToken,
      json: { code: '000000' === (await totpCode(pending)) ? '111111' : '000000' },
    });
    expect(refused.status).toBe(400);
    expect((await login(node.url, owner.email)).status).toBe(200);

    // A second setup replaces the pending secret; enabling uses the new one.
    const { secret, recoveryCodes } = await enable(owner);
    expect(new Set(recoveryCodes).size).toBe(10);
    const me = await request(node.url, '/api/me', { token: owner.accessToken });
    expect(meResponseSchema.parse(me.body).user.twoFactorEnabled).toBe(true);

    const noCode = await login(node.url, owner.email);
    expect(noCode.status).toBe(401);
    expect(codeOf(noCode.body)).toBe('totp_required');
    const wrongCode = await login(node.url, owner.email, owner.password, '123456');
    expect(codeOf(wrongCode.body)).toBe('totp_required');
    // The password still has to be right; a code does not replace it.
    const wrongPassword = await login(
      node.url,
      owner.email,
      'not the password',
      await totpCode(secret),
    );
    expect(codeOf(wrongPassword.body)).toBe('unauthorized');

    const code = await totpCode(secret);
    expect((await login(node.url, owner.email, owner.password, code)).status).toBe(200);
    const replay = await login(node.url, owner.email, owner.password, code);
    expect(replay.status).toBe(401);
    expect(codeOf(replay.body)).toBe('totp_required');
    // The code used at enable time (previous step) is older still: refused too.
    expect(
      (await login(node.url, owner.email, owner.password, await totpCode(secret, -1))).status,
    ).toBe(401);
    expect(
      (await login(node.url, owner.email, owner.password, await totpCode(secret, 1))).status,
    ).toBe(200);
  });

  it('accepts each recovery code once, in place of a code', async () => {
    const owner = await registerBusiness(node.url);
    const { recoveryCodes } = await enable(owner);
    const [first, second] = recoveryCodes as [string, string];
    expect((await login(node.url, owner.email, owner.password, first)).status).toBe(200);
    const again = await login(node.url, owner.email, owner.password, first);
    expect(codeOf(again.body)).toBe('totp_required');
    // Typed loosely (upper case, spaces instead of dashes) it still counts.
    const loose = second.toUpperCase().replace(/-/g, ' ');
    expect((await login(node.url, owner.email, owner.password, loose)).status).toBe(200);

    const audit = await request(node.url, '/api/audit-log', { token: owner.accessToken });
    const actions = auditLogResponseSchema.parse(audit.body).items.map((i) => i.action);
    expect(actions.filter((a) => a === 'two_factor.recovery_code_used')).toHaveLength(2);
    expect(actions).toContain('two_factor.enabled');
  });

  it('disables only with a valid code, after which no code is asked', async () => {
    await awaitFreshStep();
    const owner = await registerBusiness(node.url);
    const { secret } = await enable(owner);
    const disable = (code: string) =>
      request(node.url, '/api/auth/2fa/disable', {
        token: owner.accessToken,
        json: { code, password: owner.password },
      });

    expect((await disable('999999')).status).toBe(400);
    expect(
      (await request(node.url, '/api/auth/2fa/disable', { token: owner.accessToken, json: {} }))
        .status,
    ).toBe(400);
    expect(codeOf((await login(node.url, owner.email)).body)).toBe('totp_required');

    expect((await disable(await totpCode(secret))).status).toBe(204);
    expect((await login(node.url, owner.email)).status).toBe(200);
    const twice = await disable(await totpCode(secret, 1));
    expect(twice.status).toBe(409);
    const audit = await request(node.url, '/api/audit-log', { token: owner.accessToken });
    expect(auditLogResponseSchema.parse(audit.body).items.map((i) => i.action)).toContain(
      'two_factor.disabled',
    );
  });

  // Security review L8: with a stolen access token alone, 2FA could be put on (the thief's
  // authenticator, the thief's recovery codes) or taken off.
  it('asks for the current password to set up and to turn off two-factor', async () => {
    const owner = await registerBusiness(node.url);
    const setup = (json: unknown) =>
      request(node.url, '/api/auth/2fa/setup', { token: owner.accessToken, json });
    expect((await setup({})).status).toBe(400);
    const wrong = await setup({ password: 'not the password' });
    expect(wrong.status).toBe(403);
    expect(errorBodySchema.parse(wrong.body).error.issues).toEqual([
      { path: 'body.password', message: 'The password is not correct.' },
    ]);
    const [row] = await node.app.database.sql.query<{ enc: string | null }>(
      `select totp_secret_enc as enc from users where id = $1`,
      [owner.user.id],
    );
    expect(row?.enc).toBeNull();

    const { secret } = await enable(owner);
    const disable = await request(node.url, '/api/auth/2fa/disable', {
      token: owner.accessToken,
      json: { code: await totpCode(secret), password: 'not the password' },
    });
    expect(disable.status).toBe(403);
    expect(codeOf((await login(node.url, owner.email)).body)).toBe('totp_required');
  });

  it('refuses setup while 2FA is on and enable before setup', async () => {
    const owner = await registerBusiness(node.url);
    const early = await request(node.url, '/api/auth/2fa/enable', {
      token: owner.accessToken,
      json: { code: '123456' },
    });
    expect(early.status).toBe(409);
    await enable(owner);
    const again = await request(node.url, '/api/auth/2fa/setup', {
      token: owner.accessToken,
      json: { password: owner.password },
    });
    expect(again.status).toBe(409);
    const anonymous = await request(node.url, '/api/auth/2fa/setup', { method: 'POST' });
    expect(anonymous.status).toBe(401);
  });
});
