import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DEMO_ACCOUNTS } from '../../server/demo/demo-seed';
import { DEV_SECRETS_FILE } from '../../server/dev-secrets';
import { metaTextMessage } from '../fakes/meta-payloads';
import { signMetaDelivery } from '../fakes/signing';
import { request } from '../helpers/http';
import { spawnNode, type SpawnedNode } from '../helpers/spawn-node';
import { expectHeading, launchChromium, requireChromium, signIn } from './browser';

const SUITE = 'browser: the demo of `npm start` reaches paid';
const executable = requireChromium(SUITE);
const SCREENSHOTS = fileURLToPath(new URL('../e2e/screenshots/', import.meta.url));
const MINUTE = 60_000;

describe.skipIf(!executable)(SUITE, () => {
  let node: SpawnedNode;
  let browser: Browser;
  let context: BrowserContext;
  let inbox: Page;
  let login: { email: string; password: string };
  /** When the node reported its URL: the minute of the demo starts here. */
  let upAt = 0;
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-demo-browser-'));
  /** The pay page's console errors and failed loads: a CSP refusal shows up here. */
  const problems: string[] = [];

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    // As `npm start` runs: embedded PGlite in a fresh data folder, development defaults (the
    // demo on, DEMO_RATE 0.5, secrets generated into the folder), the built client.
    [node, browser] = await Promise.all([
      spawnNode(
        {
          HOST: '127.0.0.1',
          PORT: '0',
          DATA_DIR: dataDir,
          CLIENT_DIST_DIR: inject('clientDist'),
        },
        90_000,
      ).then((started) => {
        upAt = Date.now();
        return started;
      }),
      launchChromium(executable as string),
    ]);
    login = JSON.parse(readFileSync(join(dataDir, 'demo-login.json'), 'utf8')) as typeof login;
    context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    inbox = await context.newPage();
    inbox.setDefaultTimeout(20_000);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await node?.[Symbol.asyncDispose]();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints the demo login at start-up and signs in with it', async () => {
    await expect
      .poll(() => node.output.join('\n'), { timeout: 10_000 })
      .toContain(`Demo shop: sign in as ${login.email} / ${login.password}`);
    await signIn(inbox, node.url, login.email, login.password);
    await expectHeading(inbox, 'Inbox');
  });

  it(
    'shows, within a minute, a funnel that reaches paid and verified revenue by channel',
    async () => {
      const analytics = await context.newPage();
      await analytics.goto(`${node.url}/analytics`);
      await expectHeading(analytics, 'Analytics');
      // Live: the figures arrive by push while the page stays open, within a minute of start.
      const within = () => ({ timeout: Math.max(1000, upAt + MINUTE - Date.now()), interval: 500 });
      const funnel = analytics.locator('section[aria-labelledby="funnel-title"] p.muted');
      await expect.poll(() => funnel.innerText(), within()).toMatch(/Paid [1-9]/);
      const revenue = analytics.getByTestId('revenue-USD');
      // Each channel's first simulated buyer pays, so revenue shows on all three.
      for (const channel of ['WhatsApp', 'Messenger', 'Instagram']) {
        await expect
          .poll(() => revenue.innerText(), within())
          .toMatch(new RegExp(`${channel} \\d+\\.\\d\\d USD`));
      }
      expect(await analytics.getByTestId('checkout-conversion').innerText()).toMatch(/[1-9]\d*%/);
      await analytics.screenshot({ path: join(SCREENSHOTS, 'demo-analytics.png'), fullPage: true });
      await analytics.close();
    },
    2 * MINUTE,
  );

  it('lists paid conversations in the inbox; one opened shows its paid order', async () => {
    await inbox.goto(`${node.url}/`);
    await expectHeading(inbox, 'Inbox');
    await inbox.getByTestId('view-paid').click();
    const row = inbox.locator('[data-testid^="conversation-row-"][data-state="paid"]').first();
    await row.waitFor();
    await row.click();
    await inbox.getByTestId('conversation-view').waitFor();
    await expect.poll(() => inbox.getByTestId('conversation-state').innerText()).toBe('Paid');
    await expect.poll(() => inbox.getByTestId('order-status').first().innerText()).toMatch(/paid/i);
    await inbox.getByTestId('message').filter({ hasText: 'Payment received' }).first().waitFor();
    await inbox.screenshot({ path: join(SCREENSHOTS, 'demo-inbox-paid.png'), fullPage: true });
  });

  it('lets a person pay a link on the pay page, and the inbox follows live', async () => {
    const secrets = JSON.parse(readFileSync(join(dataDir, DEV_SECRETS_FILE), 'utf8')) as {
      META_APP_SECRET: string;
    };
    const from = `1555077${Math.floor(1000 + Math.random() * 8999)}`;
    const signed = signMetaDelivery(
      metaTextMessage({
        channel: 'whatsapp',
        pageOrPhoneId: DEMO_ACCOUNTS.whatsapp,
        from,
        text: 'I will take 1 black T-shirt',
        profileName: 'Margaret Hamilton',
      }),
      secrets.META_APP_SECRET,
    );
    const res = await request(node.url, '/api/webhooks/meta', {
      method: 'POST',
      body: signed.body,
      headers: signed.headers,
    });
    expect(res.status).toBe(200);

    await inbox.getByTestId('view-all').click();
    const row = inbox
      .locator('[data-testid^="conversation-row-"]')
      .filter({ hasText: 'Margaret Hamilton' });
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 20_000 }).toBe('checkout');
    await row.click();
    const linkMessage = inbox.getByTestId('message').filter({ hasText: '/demo/pay/' });
    await linkMessage.waitFor();
    const url = /https?:\/\/\S+\/demo\/pay\/[A-Za-z0-9.=%-]+/.exec(await linkMessage.innerText());
    expect(url).not.toBeNull();

    const pay = await context.newPage();
    pay.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    pay.on('pageerror', (e) => problems.push(e.message));
    const opened = await pay.goto(url![0]);
    expect(opened?.status()).toBe(200);
    await pay.getByRole('heading', { name: 'Parley Demo Shop' }).waitFor();
    expect(await pay.getByTestId('pay-amount').innerText()).toBe('24.00 USD');
    const payButton = pay.getByRole('button', { name: 'Pay 24.00 USD' });
    // Styled: the stylesheet loaded under the page's policy.
    const background = await payButton.evaluate(
      (b) =>
        (
          globalThis as unknown as {
            getComputedStyle(e: unknown): { backgroundColor: string };
          }
        ).getComputedStyle(b).backgroundColor,
    );
    expect(background).toBe('rgb(15, 122, 62)');
    await pay.getByRole('button', { name: 'Decline' }).waitFor();
    await pay.screenshot({ path: join(SCREENSHOTS, 'demo-pay-page.png'), fullPage: true });

    await payButton.click();
    await pay.getByRole('heading', { name: 'Payment successful' }).waitFor();
    expect(pay.url()).toBe(url![0]);
    await pay.screenshot({ path: join(SCREENSHOTS, 'demo-pay-result.png'), fullPage: true });

    await expect.poll(() => row.getAttribute('data-state'), { timeout: 20_000 }).toBe('paid');
    await expect.poll(() => inbox.getByTestId('order-status').first().innerText()).toMatch(/paid/i);
    await inbox.getByTestId('message').filter({ hasText: 'Payment received' }).first().waitFor();
    await inbox.screenshot({ path: join(SCREENSHOTS, 'demo-inbox-live-paid.png'), fullPage: true });
    expect(problems).toEqual([]);
    await pay.close();
  }, 90_000);
});
