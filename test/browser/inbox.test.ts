import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { registerBusiness, totpCode, type Signup } from '../helpers/auth';
import { connectChannel } from '../helpers/channels';
import { request } from '../helpers/http';
import type { SpawnedNode } from '../helpers/spawn-node';
import {
  startFakeMetaGraph,
  startFakePaystack,
  type FakeMetaGraph,
  type FakePaystack,
} from '../fakes';
import { expectHeading, launchChromium, requireChromium, startWebNode } from './browser';
import { postMetaText } from '../helpers/meta';

const SUITE = 'browser: the live inbox and analytics, end to end';
const executable = requireChromium(SUITE);
const SCREENSHOTS = fileURLToPath(new URL('../e2e/screenshots/', import.meta.url));

describe.skipIf(!executable)(SUITE, () => {
  let node: SpawnedNode;
  let browser: Browser;
  let graph: FakeMetaGraph;
  let paystack: FakePaystack;
  let owner: Signup;
  let totpSecret: string;
  const phoneId = String(100_000_000_000 + Math.floor(Math.random() * 1e9));
  const customer = `23480${Math.floor(10_000_000 + Math.random() * 89_999_999)}`;
  const secretKey = `sk_test_${randomBytes(12).toString('hex')}`;

  const api = (path: string, json?: unknown, method?: string) =>
    request(node.url, path, { token: owner.accessToken, json, method });

  async function customerSays(text: string) {
    const res = await postMetaText(node.url, {
      channel: 'whatsapp',
      pageOrPhoneId: phoneId,
      from: customer,
      text,
    });
    expect(res.status).toBe(200);
  }

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    [graph, paystack] = await Promise.all([startFakeMetaGraph(), startFakePaystack()]);
    [node, browser] = await Promise.all([
      startWebNode(inject('clientDist'), { ...graph.env, ...paystack.env }),
      launchChromium(executable as string),
    ]);
    owner = await registerBusiness(node.url, 'Lagos Mug House');
    // The shop: a WhatsApp number, Paystack, a catalog, the offline bot, and 2FA on.
    await connectChannel(node.url, graph, owner.accessToken, {
      channel: 'whatsapp',
      externalId: phoneId,
      name: 'Shop WhatsApp',
    });
    expect(
      (
        await api(
          '/api/payment-providers/paystack',
          { secretKey, enabled: true, password: owner.password },
          'PUT',
        )
      ).status,
    ).toBe(200);
    expect(
      (
        await api('/api/products', {
          sku: 'MUG',
          name: 'Blue mug',
          priceMinor: 250_000,
          currency: 'NGN',
          stock: 20,
        })
      ).status,
    ).toBe(201);
    expect((await api('/api/ai-settings', { providerOrder: ['offline'] }, 'PUT')).status).toBe(200);
    const setup = await api('/api/auth/2fa/setup', { password: owner.password });
    totpSecret = (setup.body as { secret: string }).secret;
    expect((await api('/api/auth/2fa/enable', { code: await totpCode(totpSecret) })).status).toBe(
      200,
    );
  });

  afterAll(async () => {
    await browser?.close();
    await node?.[Symbol.asyncDispose]();
    await Promise.allSettled([graph?.close(), paystack?.close()]);
  });

  async function signInWith2fa(page: Page) {
    await page.goto(`${node.url}/sign-in`);
    await page.getByLabel('Email').fill(owner.email);
    await page.getByLabel('Password', { exact: true }).fill(owner.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expectHeading(page, 'Two-factor check');
    // Enabling spent this period's code; one step of drift is accepted.
    await page.getByLabel('Authentication code').fill(await totpCode(totpSecret, 1));
    await page.getByRole('button', { name: 'Verify and sign in' }).click();
    await expectHeading(page, 'Inbox');
  }

  it('a customer message appears live, the agent claims and replies, a payment moves it to paid and revenue moves', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const inbox = await context.newPage();
    inbox.setDefaultTimeout(20_000);
    await signInWith2fa(inbox);
    // Marks this document: if the page reloaded, the mark would be gone.
    await inbox.evaluate(
      () => ((globalThis as unknown as { __noReload: boolean }).__noReload = true),
    );

    // 1. A simulated WhatsApp message shows up without a reload.
    await customerSays('Hello, do you have mugs?');
    const row = inbox.locator('[data-testid^="conversation-row-"]').first();
    await row.waitFor();
    // The row shows the latest message: the customer's, or already the bot's answer.
    await expect.poll(() => row.innerText()).toMatch(/Hello, do you have mugs\?|Blue mug/);
    const conversationId = ((await row.getAttribute('data-testid')) ?? '').replace(
      'conversation-row-',
      '',
    );
    // The bot answers (offline bot), and the row follows.
    await expect.poll(() => row.innerText(), { timeout: 20_000 }).toMatch(/Blue mug/);

    // 2. The customer asks for a person: the bot hands off, live.
    await customerSays('Can I talk to a human please?');
    const chip = inbox.getByTestId(`state-chip-${conversationId}`);
    await expect.poll(() => chip.innerText(), { timeout: 20_000 }).toBe('Needs a person');

    // 3. The agent claims and replies; the reply reaches the (fake) Graph API.
    await row.click();
    await inbox.getByTestId('conversation-view').waitFor();
    await inbox.getByTestId('claim-button').click();
    await expect
      .poll(() => inbox.getByTestId('conversation-state').innerText())
      .toMatch(/person|Assigned|handoff/i);
    const reply = `Hi! This is Ada from the shop ${randomBytes(2).toString('hex')}.`;
    await inbox.getByTestId('composer').fill(reply);
    await inbox.getByTestId('send-button').click();
    await expect
      .poll(() => graph.sentTo(customer).some((s) => JSON.stringify(s).includes(reply)), {
        timeout: 20_000,
      })
      .toBe(true);
    await inbox.getByTestId('message').filter({ hasText: reply }).waitFor();
    await inbox.screenshot({ path: join(SCREENSHOTS, 'conversation.png'), fullPage: true });

    // 4. Owners' analytics in a second tab; note the revenue before the payment.
    const analytics = await context.newPage();
    analytics.setDefaultTimeout(20_000);
    await analytics.goto(`${node.url}/analytics`);
    await expectHeading(analytics, 'Analytics');
    const revenue = analytics.getByTestId('revenue-total');
    await revenue.waitFor();
    const revenueBefore = await revenue.innerText();
    await analytics.evaluate(
      () => ((globalThis as unknown as { __noReload: boolean }).__noReload = true),
    );

    // 5. The agent sells a mug; the customer pays through Paystack; the webhook is verified.
    const order = await api('/api/orders', { conversationId, items: [{ sku: 'MUG', qty: 1 }] });
    expect(order.status).toBe(201);
    const init = paystack.requests.find((r) => r.path === '/transaction/initialize');
    const reference = String((init?.body as { reference?: string } | undefined)?.reference);
    await expect.poll(() => chip.innerText(), { timeout: 20_000 }).toBe('At checkout');
    const delivery = paystack.signedEvent(paystack.markPaid(reference), secretKey);
    const paid = await request(node.url, `/api/webhooks/paystack/${owner.business.id}`, {
      method: 'POST',
      body: delivery.body,
      headers: delivery.headers,
    });
    expect(paid.status).toBe(200);

    await expect.poll(() => chip.innerText(), { timeout: 20_000 }).toBe('Paid');
    // The open conversation's order panel follows too.
    await expect
      .poll(() => inbox.getByTestId('order-status').first().innerText(), { timeout: 20_000 })
      .toMatch(/paid/i);
    await expect.poll(() => revenue.innerText(), { timeout: 20_000 }).not.toBe(revenueBefore);
    expect(await revenue.innerText()).toMatch(/2,500/);
    expect(
      await inbox.evaluate(() => (globalThis as unknown as { __noReload?: boolean }).__noReload),
    ).toBe(true);
    expect(
      await analytics.evaluate(
        () => (globalThis as unknown as { __noReload?: boolean }).__noReload,
      ),
    ).toBe(true);

    await inbox.screenshot({ path: join(SCREENSHOTS, 'inbox.png'), fullPage: true });
    await analytics.screenshot({ path: join(SCREENSHOTS, 'analytics.png'), fullPage: true });
    await context.close();
  });
});
