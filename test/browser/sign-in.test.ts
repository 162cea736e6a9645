import { randomBytes } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { PASSWORD, registerBusiness, totpCode, uniqueEmail } from '../helpers/auth';
import type { SpawnedNode } from '../helpers/spawn-node';
import { startFakeMetaGraph, type FakeMetaGraph } from '../fakes';
import {
  expectHeading,
  launchChromium,
  requireChromium,
  signIn,
  signOut,
  startWebNode,
} from './browser';

const SUITE = 'browser: sign-in, 2FA, settings and team';
const executable = requireChromium(SUITE);

describe.skipIf(!executable)(SUITE, () => {
  let node: SpawnedNode;
  let graph: FakeMetaGraph;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  /** A fresh browser profile: its own cookie jar, like another person or another machine. */
  async function freshPage(): Promise<Page> {
    const context = await browser.newContext();
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    return page;
  }

  beforeAll(async () => {
    graph = await startFakeMetaGraph();
    [node, browser] = await Promise.all([
      startWebNode(inject('clientDist'), graph.env),
      launchChromium(executable as string),
    ]);
  });

  afterAll(async () => {
    await Promise.allSettled(contexts.map((c) => c.close()));
    await browser?.close();
    await node?.[Symbol.asyncDispose]();
    await graph?.close();
  });

  it('registers a business, keeps the login across a reload, signs out and back in', async () => {
    const page = await freshPage();
    const email = uniqueEmail('browser');
    await page.goto(`${node.url}/settings/team`);
    // Signed out: sent to sign in, with the way back remembered.
    await expectHeading(page, 'Sign in');
    expect(new URL(page.url()).searchParams.get('next')).toBe('/settings/team');

    await page.getByRole('link', { name: 'Create a business account' }).click();
    await expectHeading(page, 'Create your business account');
    await page.getByLabel('Business name').fill('Blue Mug Shop');
    await page.getByLabel('Your name').fill('Ada Owner');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password', { exact: true }).fill('short');
    await page.getByRole('button', { name: 'Create account' }).click();
    // The server's rules are shown before the server is asked.
    await page.getByText('This password does not meet the rules below yet.').waitFor();
    await page.getByLabel('Password', { exact: true }).fill('password123');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByText('This password is too common. Choose another one.').first().waitFor();
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();

    await expectHeading(page, 'Inbox');
    await expect.poll(() => page.getByTestId('signed-in-as').innerText()).toContain('Ada Owner');
    // A new business has no conversations yet; the inbox says where they will come from.
    await page.getByText('Nothing here').waitFor();

    // A reload forgets the in-memory token; the HttpOnly cookie signs the page back in.
    await page.reload();
    await expectHeading(page, 'Inbox');
    const cookies = await page.context().cookies();
    expect(cookies.find((c) => c.name === 'parley_rt')).toMatchObject({
      httpOnly: true,
      path: '/api/auth',
      sameSite: 'Strict',
    });
    expect(await page.evaluate('document.cookie')).not.toContain('parley_rt');

    await signOut(page);
    await page.getByText('You have signed out.').waitFor();
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password', { exact: true }).fill('not the password at all');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('The email or password is not correct.').waitFor();
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expectHeading(page, 'Inbox');

    // After signing out, a reload stays signed out: the cookie's login was ended on the server.
    await signOut(page);
    await page.goto(`${node.url}/inbox`);
    await expectHeading(page, 'Sign in');
  });

  it('turns on 2FA from the QR step, then signs in with a TOTP code and with a recovery code', async () => {
    const owner = await registerBusiness(node.url, 'Two Factor Shop');
    const page = await freshPage();
    await signIn(page, node.url, owner.email, owner.password);
    await expectHeading(page, 'Inbox');

    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('link', { name: 'Security' }).click();
    await expectHeading(page, 'Security');
    await page.getByLabel('Your password').fill(owner.password);
    await page.getByRole('button', { name: 'Set up two-factor authentication' }).click();
    const qr = page.getByRole('img', { name: /QR code/ });
    await qr.waitFor();
    expect(await qr.getAttribute('src')).toMatch(/^data:image\/svg\+xml;base64,/);
    const secret = (await page.getByTestId('totp-secret').getAttribute('data-secret')) ?? '';
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    // The key shown for typing by hand is the same secret.
    expect((await page.getByTestId('totp-secret').innerText()).replace(/\s/g, '')).toBe(secret);

    await page.getByLabel('Enter the 6-digit code the app shows').fill('000000');
    await page.getByRole('button', { name: 'Turn on two-factor authentication' }).click();
    await page.getByText('The code is not valid.').waitFor();
    const enabledStep = Math.floor(Date.now() / 30_000);
    await page.getByLabel('Enter the 6-digit code the app shows').fill(await totpCode(secret));
    await page.getByRole('button', { name: 'Turn on two-factor authentication' }).click();

    const codes = page.getByTestId('recovery-codes').locator('code');
    await codes.first().waitFor();
    const recovery = await codes.allInnerTexts();
    expect(recovery).toHaveLength(10);
    await page.getByLabel('I have saved my recovery codes').check();
    await page.getByRole('button', { name: 'Done' }).click();
    await page.getByText('Sign-ins to your account need a code').waitFor();

    // Sign in again: the password alone leads to the second step.
    await signOut(page);
    await page.getByLabel('Email').fill(owner.email);
    await page.getByLabel('Password', { exact: true }).fill(owner.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expectHeading(page, 'Two-factor check');
    await page.getByLabel('Authentication code').fill('123456');
    await page.getByRole('button', { name: 'Verify and sign in' }).click();
    await page.getByText('The two-factor code is not valid.').waitFor();
    // A code works once: enabling spent its period's, so use a later period (one step of drift
    // is accepted) if the clock has not moved on by itself.
    const later = Math.floor(Date.now() / 30_000) > enabledStep ? 0 : 1;
    await page.getByLabel('Authentication code').fill(await totpCode(secret, later));
    await page.getByRole('button', { name: 'Verify and sign in' }).click();
    await expectHeading(page, 'Inbox');

    await signOut(page);
    await page.getByLabel('Email').fill(owner.email);
    await page.getByLabel('Password', { exact: true }).fill(owner.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expectHeading(page, 'Two-factor check');
    await page.getByRole('button', { name: 'Use a recovery code instead' }).click();
    await page.getByLabel('Recovery code').fill(recovery[3] ?? '');
    await page.getByRole('button', { name: 'Verify and sign in' }).click();
    await expectHeading(page, 'Inbox');

    // The audit log (owners) shows the recovery code being used.
    await page.goto(`${node.url}/settings/audit-log`);
    await expectHeading(page, 'Audit log');
    await page.getByRole('cell', { name: 'Recovery code used' }).first().waitFor();
  });

  it('connects a channel and shows only its masked token; shows the webhook URL to paste', async () => {
    const owner = await registerBusiness(node.url, 'Channel Shop');
    const page = await freshPage();
    await signIn(page, node.url, owner.email, owner.password);
    await expectHeading(page, 'Inbox');
    await page.goto(`${node.url}/settings/channels`);
    await expectHeading(page, 'Channels');

    const token = `EAAG${randomBytes(24).toString('hex')}9f2c`;
    const phoneNumberId = String(100_000_000_000 + Math.floor(Math.random() * 1e9));
    const businessAccountId = String(200_000_000_000 + Math.floor(Math.random() * 1e9));
    // Meta confirms the token controls that number and its WhatsApp Business Account.
    graph.grant(token, { kind: 'whatsapp', phoneNumberId, businessAccountId });
    await page.getByLabel('Channel', { exact: true }).selectOption('whatsapp');
    await page.getByLabel('Account ID', { exact: true }).fill(phoneNumberId);
    await page.getByLabel('WhatsApp Business Account ID').fill(businessAccountId);
    await page.getByLabel('Access token').fill(token);
    await page.getByLabel('Display name').fill('Main store WhatsApp');
    await page.getByRole('button', { name: 'Connect channel' }).click();

    await page.getByRole('cell', { name: 'Main store WhatsApp', exact: true }).waitFor();
    expect(await page.getByTestId('masked-token').first().innerText()).toBe('EAAG…9f2c');
    expect(await page.content()).not.toContain(token);
    await page.reload();
    await page.getByRole('cell', { name: phoneNumberId, exact: true }).waitFor();
    expect(await page.content()).not.toContain(token);

    // Connecting the same account twice is refused in words.
    await page.getByLabel('Account ID', { exact: true }).fill(phoneNumberId);
    await page.getByLabel('WhatsApp Business Account ID').fill(businessAccountId);
    await page.getByLabel('Access token').fill(token);
    await page.getByRole('button', { name: 'Connect channel' }).click();
    await page.getByText('This account is already connected.').waitFor();

    await page.getByRole('link', { name: 'Payments' }).click();
    await expectHeading(page, 'Payments');
    const webhook = page.getByTestId('webhook-url-stripe');
    await webhook.waitFor();
    expect(await webhook.innerText()).toBe(`${node.url}/api/webhooks/stripe/${owner.business.id}`);
  });

  it('invites an agent, who accepts in another browser and sees only what an agent may', async () => {
    const owner = await registerBusiness(node.url, 'Team Shop');
    const page = await freshPage();
    await signIn(page, node.url, owner.email, owner.password);
    await expectHeading(page, 'Inbox');
    await page.goto(`${node.url}/settings/team`);
    await expectHeading(page, 'Team');

    const agentEmail = uniqueEmail('agent');
    await page.getByLabel('Email').fill(agentEmail);
    await page.getByLabel('Role').selectOption('agent');
    await page.getByRole('button', { name: 'Create invitation' }).click();
    const link = await page.getByTestId('invitation-link').innerText();
    expect(link).toMatch(new RegExp(`^${node.url}/accept-invitation\\?token=`));
    await page.getByText(agentEmail).first().waitFor();

    const agent = await freshPage();
    await agent.goto(link);
    await expectHeading(agent, 'Join your team on Parley');
    await agent.getByLabel('Your name').fill('Grace Agent');
    await agent.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await agent.getByRole('button', { name: 'Accept invitation' }).click();
    await expectHeading(agent, 'Inbox');
    await expect.poll(() => agent.getByTestId('signed-in-as').innerText()).toContain('Agent');

    const nav = agent.getByRole('navigation', { name: 'Main' });
    expect(await nav.getByRole('link').allInnerTexts()).toEqual(['Inbox', 'Settings']);
    await agent.goto(`${node.url}/analytics`);
    await expectHeading(agent, 'Not available for your role');
    await agent.goto(`${node.url}/settings`);
    await expectHeading(agent, 'Team');
    const settingsNav = agent.getByRole('navigation', { name: 'Settings' });
    expect(await settingsNav.getByRole('link').allInnerTexts()).toEqual(['Team', 'Security']);
    await agent.goto(`${node.url}/settings/channels`);
    await agent.getByText('Nothing here for your role').waitFor();

    // The same link works once.
    const again = await freshPage();
    await again.goto(link);
    await again.getByLabel('Your name').fill('Someone Else');
    await again.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await again.getByRole('button', { name: 'Accept invitation' }).click();
    await again.getByText('This invitation is not valid or has expired.').waitFor();

    // The owner sees the new member and can change the role.
    await page.reload();
    await page.getByText('Grace Agent').waitFor();
    await page.getByLabel('Role of Grace Agent').selectOption('admin');
    await expect.poll(() => page.getByLabel('Role of Grace Agent').inputValue()).toBe('admin');
  });

  it('serves the SPA for client-side routes and caches the hashed assets', async () => {
    const index = await fetch(`${node.url}/settings/ai`);
    expect(index.status).toBe(200);
    expect(index.headers.get('cache-control')).toBe('no-cache');
    expect(index.headers.get('content-security-policy')).toContain("default-src 'self'");
    const html = await index.text();
    const script = /<script type="module" crossorigin src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    expect(html).not.toMatch(/<script(?![^>]*src=)[^>]*>/); // no inline script for the CSP
    const asset = await fetch(`${node.url}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const missing = await fetch(`${node.url}/assets/index-00000000.js`);
    expect(missing.status).toBe(404);

    // The page runs under that policy without a single violation.
    const page = await freshPage();
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
    });
    await page.goto(`${node.url}/register`);
    await expectHeading(page, 'Create your business account');
    expect(violations).toEqual([]);
  });
});
