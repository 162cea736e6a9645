import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { errorBodySchema } from '../../shared/errors';
import type { RunningNode } from '../../server/main';
import { addMember, login, registerBusiness, type Signup } from '../helpers/auth';
import { request } from '../helpers/http';
import { connectSocket } from '../helpers/realtime';
import { waitUntil } from '../helpers/seed';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink';
import { describeModes } from '../helpers/modes';

const failure = (body: unknown) => errorBodySchema.parse(body).error;
const NEW_PASSWORD = 'a brand new passphrase 77';

/**
 * Security review L8 (issue 16, item 12): a stolen access token was enough to swap the payment
 * keys (any admin could), and a leaked password could not be changed nor every session ended.
 */
describeModes('account takeover paths', (cluster) => {
  let node: RunningNode;
  let smtp: SmtpSink;

  beforeAll(async () => {
    smtp = await startSmtpSink();
    node = await cluster.start({ SMTP_URL: smtp.url, EMAIL_RETRY_DELAY_SECONDS: '1' });
  });
  afterAll(async () => {
    await smtp?.[Symbol.asyncDispose]();
  });

  const mailTo = (who: Signup, subject: RegExp) =>
    waitUntil(
      () =>
        Promise.resolve(
          smtp.mails.find((m) => m.to.some((t) => t.includes(who.email)) && subject.test(m.data)),
        ),
      `a mail to ${who.email} about ${subject}`,
    );

  it('lets only the owner change payment keys, with the password, and tells the owner', async () => {
    const owner = await registerBusiness(node.url);
    const admin = await addMember(node.url, owner.accessToken, 'admin');
    const put = (who: Signup, json: object) =>
      request(node.url, '/api/payment-providers/stripe', {
        method: 'PUT',
        token: who.accessToken,
        json: { secretKey: `sk_test_${randomUUID()}`, enabled: true, ...json },
      });
    // An admin (or whoever holds an admin's token) cannot redirect the shop's money.
    expect((await put(admin, { password: admin.password })).status).toBe(403);
    expect((await put(owner, {})).status).toBe(400);
    const wrong = await put(owner, { password: 'not the password' });
    expect(wrong.status).toBe(403);
    expect(failure(wrong.body).message).toBe('The password is not correct.');
    const settings = () =>
      request<{ configured: boolean }>(node.url, '/api/payment-providers/stripe', {
        token: admin.accessToken,
      });
    expect((await settings()).body.configured).toBe(false);

    expect((await put(owner, { password: owner.password })).status).toBe(200);
    expect((await settings()).body.configured).toBe(true);
    const mail = await mailTo(owner, /Subject: Parley: your Stripe settings were changed/);
    expect(mail.data).toContain(`changed by ${owner.email}`);
    expect(mail.data).toMatch(/Changed: secretKey/);
    expect(mail.data).not.toContain('sk_test_');
  });

  it('changes the password and ends every other session, sockets included', async () => {
    const owner = await registerBusiness(node.url);
    const other = (await login(node.url, owner.email)).body;
    const socket = await connectSocket(node.url, other.accessToken);
    const closed = new Promise<string>((resolve) => socket.socket.once('disconnect', resolve));
    const change = (json: object) =>
      request(node.url, '/api/auth/password', { token: owner.accessToken, json });

    const wrong = await change({ currentPassword: 'not it', newPassword: NEW_PASSWORD });
    expect(wrong.status).toBe(403);
    expect(failure(wrong.body).issues?.[0]?.path).toBe('body.currentPassword');
    const weak = await change({ currentPassword: owner.password, newPassword: 'password123' });
    expect(weak.status).toBe(400);
    expect(failure(weak.body).issues?.[0]?.path).toBe('body.newPassword');
    const same = await change({ currentPassword: owner.password, newPassword: owner.password });
    expect(same.status).toBe(400);
    expect(socket.socket.connected).toBe(true);

    const ok = await change({ currentPassword: owner.password, newPassword: NEW_PASSWORD });
    expect(ok.status).toBe(204);
    expect(await closed).toBe('io server disconnect');
    // The other login is over; this one goes on.
    expect((await request(node.url, '/api/me', { token: other.accessToken })).status).toBe(401);
    const refreshOther = await request(node.url, '/api/auth/refresh', {
      json: { refreshToken: other.refreshToken },
    });
    expect(refreshOther.status).toBe(401);
    expect((await request(node.url, '/api/me', { token: owner.accessToken })).status).toBe(200);
    const refreshMine = await request(node.url, '/api/auth/refresh', {
      json: { refreshToken: owner.refreshToken },
    });
    expect(refreshMine.status).toBe(200);
    expect((await login(node.url, owner.email)).status).toBe(401);
    expect((await login(node.url, owner.email, NEW_PASSWORD)).status).toBe(200);
    await mailTo(owner, /Subject: Your Parley password was changed/);
    const audit = await request<{ items: { action: string }[] }>(node.url, '/api/audit-log', {
      token: owner.accessToken,
    });
    expect(audit.body.items.map((i) => i.action)).toContain('auth.password_changed');
  });

  it('signs out everywhere: every session and socket of the member ends', async () => {
    const owner = await registerBusiness(node.url);
    const second = (await login(node.url, owner.email)).body;
    const sockets = await Promise.all(
      [owner.accessToken, second.accessToken].map((t) => connectSocket(node.url, t)),
    );
    const closed = sockets.map(
      (s) => new Promise<string>((resolve) => s.socket.once('disconnect', resolve)),
    );
    const res = await request(node.url, '/api/auth/logout-all', {
      method: 'POST',
      token: second.accessToken,
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('set-cookie')).toMatch(/parley_rt=;.*Max-Age=0/);
    expect(await Promise.all(closed)).toEqual(['io server disconnect', 'io server disconnect']);
    for (const token of [owner.accessToken, second.accessToken]) {
      expect((await request(node.url, '/api/me', { token })).status).toBe(401);
    }
    for (const refreshToken of [owner.refreshToken, second.refreshToken]) {
      const refreshed = await request(node.url, '/api/auth/refresh', { json: { refreshToken } });
      expect(refreshed.status).toBe(401);
    }
    expect((await login(node.url, owner.email)).status).toBe(200);
  });
});
