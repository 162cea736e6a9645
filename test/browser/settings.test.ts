import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { login, registerBusiness, totpCode } from '../helpers/auth';
import { request } from '../helpers/http';
import type { SpawnedNode } from '../helpers/spawn-node';
import { expectHeading, launchChromium, requireChromium, signIn, startWebNode } from './browser';

const SUITE = 'browser: payments, AI, catalog, privacy and the connection banner';
const executable = requireChromium(SUITE);

describe.skipIf(!executable)(SUITE, () => {
  let node: SpawnedNode;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  async function signedInOwner(
    name: string,
  ): Promise<{ page: Page; email: string; password: string }> {
    const owner = await registerBusiness(node.url, name);
    const context = await browser.newContext({ acceptDownloads: true });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await signIn(page, node.url, owner.email, owner.password);
    await expectHeading(page, 'Inbox');
    return { page, email: owner.email, password: owner.password };
  }

  beforeAll(async () => {
    [node, browser] = await Promise.all([
      startWebNode(inject('clientDist')),
      launchChromium(executable as string),
    ]);
  });

  afterAll(async () => {
    await Promise.allSettled(contexts.map((c) => c.close()));
    await browser?.close();
    await node?.[Symbol.asyncDispose]();
  });

  it('saves Stripe keys write-only: masks come back, the secret never does', async () => {
    const { page } = await signedInOwner('Payments Shop');
    await page.goto(`${node.url}/settings/payments`);
    await expectHeading(page, 'Payments');
    const stripe = page
      .getByRole('article')
      .filter({ has: page.getByRole('heading', { name: 'Stripe' }) });
    await stripe.getByText('Not connected').waitFor();
    const secretKey = 'sk_test_51AbCdEfGhIjKlMnOpQrStUv';
    await stripe.getByLabel('Secret key').fill(secretKey);
    await stripe.getByLabel('Webhook signing secret').fill('whsec_0123456789abcdefghij');
    await stripe.getByRole('button', { name: 'Connect Stripe' }).click();
    await stripe.getByText('Stripe settings saved.').waitFor();
    await stripe.getByText('Enabled', { exact: true }).waitFor();
    await stripe.getByText('Stored: sk_t…StUv. Leave empty to keep it.').waitFor();
    expect(await page.content()).not.toContain(secretKey);

    // Disabling keeps the stored key without sending it again.
    await stripe.getByLabel('Offer Stripe payment links to customers').uncheck();
    await stripe.getByRole('button', { name: 'Save changes' }).click();
    await stripe.getByText('Disabled', { exact: true }).waitFor();
    await stripe.getByText('Stored: sk_t…StUv. Leave empty to keep it.').waitFor();
  });

  it('reorders the AI providers with the keyboard buttons and keeps them after a reload', async () => {
    const { page } = await signedInOwner('AI Shop');
    await page.goto(`${node.url}/settings/ai`);
    await expectHeading(page, 'AI assistant');
    const order = page.getByRole('list', { name: 'Provider order' });
    await order.getByRole('listitem').first().waitFor();
    await page.getByRole('button', { name: 'Move Offline bot up' }).click();
    await page.getByRole('button', { name: 'Move Offline bot up' }).click();
    await page.getByRole('button', { name: 'Move Offline bot up' }).click();
    await page.getByRole('checkbox', { name: /Anthropic/ }).uncheck();
    await page.getByLabel('Instructions for the assistant').fill('Be brief and kind.');
    await page.getByLabel('Monthly budget (US dollars)').fill('25.50');
    await page.getByRole('button', { name: 'Save AI settings' }).click();
    await page.getByText('AI settings saved.').waitFor();

    await page.reload();
    await order.getByRole('listitem').first().waitFor();
    const names = await order.locator('strong').allInnerTexts();
    expect(names).toEqual(['Offline bot', 'OpenAI', 'Groq', 'Anthropic']);
    expect(await page.getByRole('checkbox', { name: /Anthropic/ }).isChecked()).toBe(false);
    expect(await page.getByLabel('Monthly budget (US dollars)').inputValue()).toBe('25.50');
    expect(await page.getByLabel('Instructions for the assistant').inputValue()).toBe(
      'Be brief and kind.',
    );
  });

  it('explains a catalog the server does not have yet instead of failing', async () => {
    const { page } = await signedInOwner('Catalog Shop');
    await page.goto(`${node.url}/settings/catalog`);
    await expectHeading(page, 'Catalog');
    const products = await request(node.url, '/api/products');
    if (products.status === 404) {
      await page.getByText('The catalog is being connected on this server').waitFor();
    } else {
      // The commerce routes are there: the empty catalog invites the first product.
      await page.getByText('No products yet').waitFor();
    }
  });

  it('shows a banner while offline and says when it is back', async () => {
    const { page } = await signedInOwner('Offline Shop');
    await page.context().setOffline(true);
    await page
      .getByText('You are offline. Parley will catch up when your connection is back.')
      .waitFor();
    await page.context().setOffline(false);
    await page.getByText('Back online. Everything is up to date.').waitFor();
  });

  it('downloads the export, then deletes the business with password and 2FA', async () => {
    const { page, email, password } = await signedInOwner('Erased Shop');
    await page.goto(`${node.url}/settings/privacy`);
    await expectHeading(page, 'Privacy and data');
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download export' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^parley-export-\d{4}-\d{2}-\d{2}\.json$/);
    const bundle = JSON.parse(readFileSync((await file.path()) ?? '', 'utf8')) as {
      format: string;
    };
    expect(bundle.format).toBe('parley-export/1');

    // Two-factor on first, so erasing needs the code too.
    await page.goto(`${node.url}/settings/security`);
    await page.getByRole('button', { name: 'Set up two-factor authentication' }).click();
    const secret = (await page.getByTestId('totp-secret').getAttribute('data-secret')) ?? '';
    const enabledStep = Math.floor(Date.now() / 30_000);
    await page.getByLabel('Enter the 6-digit code the app shows').fill(await totpCode(secret));
    await page.getByRole('button', { name: 'Turn on two-factor authentication' }).click();
    await page.getByTestId('recovery-codes').waitFor();
    const recovery = await page.getByTestId('recovery-codes').locator('code').first().innerText();

    await page.getByRole('link', { name: 'Privacy and data' }).click();
    await expectHeading(page, 'Privacy and data');
    const erase = page.getByRole('button', { name: 'Delete business and all data' });
    await page.getByLabel('Your password').fill(password);
    await page.getByLabel('Type “Erased Shop” to confirm').fill('Erased Shop');
    await page.getByLabel('Two-factor code or recovery code').fill('000000');
    await erase.click();
    await page.getByText('The two-factor code is not valid.').waitFor();
    const later = Math.floor(Date.now() / 30_000) > enabledStep ? 0 : 1;
    await page.getByLabel('Two-factor code or recovery code').fill(await totpCode(secret, later));
    await erase.click();

    await expectHeading(page, 'Sign in');
    await page.getByText('Erased Shop and all of its data have been erased.').waitFor();
    expect((await login(node.url, email, password, recovery)).status).toBe(401);
  });
});
