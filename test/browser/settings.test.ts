import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { addMember, login, registerBusiness, totpCode, type Signup } from '../helpers/auth';
import { request } from '../helpers/http';
import type { SpawnedNode } from '../helpers/spawn-node';
import { expectHeading, launchChromium, requireChromium, signIn, startWebNode } from './browser';

const SCREENSHOTS = fileURLToPath(new URL('../e2e/screenshots/', import.meta.url));
const DESKTOP = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };
const NEW_PASSWORD = 'a brand new passphrase 77';

/**
 * The field's error once it shows, read the way a screen reader reaches it: through the input's
 * aria-describedby.
 */
async function fieldError(field: Locator): Promise<string> {
  await expect.poll(() => field.getAttribute('aria-invalid')).toBe('true');
  const ids = ((await field.getAttribute('aria-describedby')) ?? '').split(' ');
  const errorId = ids.find((id) => id.endsWith('-error')) ?? '';
  expect(errorId).not.toBe('');
  return field.page().locator(`[id="${errorId}"]`).innerText();
}

/** The desktop and the phone view of the page as it is now. */
async function screenshots(page: Page, name: string) {
  await page.setViewportSize(DESKTOP);
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
  await page.setViewportSize(PHONE);
  await page.screenshot({ path: join(SCREENSHOTS, `${name}-phone.png`), fullPage: true });
  await page.setViewportSize(DESKTOP);
}

const SUITE = 'browser: payments, AI, catalog, account security, privacy and the connection banner';
const executable = requireChromium(SUITE);

describe.skipIf(!executable)(SUITE, () => {
  let node: SpawnedNode;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  async function signedIn(member: Signup): Promise<Page> {
    const context = await browser.newContext({ acceptDownloads: true, viewport: DESKTOP });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await signIn(page, node.url, member.email, member.password);
    await expectHeading(page, 'Inbox');
    return page;
  }

  async function signedInOwner(
    name: string,
  ): Promise<{ page: Page; owner: Signup; email: string; password: string }> {
    const owner = await registerBusiness(node.url, name);
    const page = await signedIn(owner);
    return { page, owner, email: owner.email, password: owner.password };
  }

  const refreshWith = (refreshToken: string) =>
    request(node.url, '/api/auth/refresh', { json: { refreshToken } });

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

  it("saves Stripe keys write-only with the owner's password: masks come back, the secret never does", async () => {
    const { page, email, password } = await signedInOwner('Payments Shop');
    await page.goto(`${node.url}/settings/payments`);
    await expectHeading(page, 'Payments');
    const stripe = page
      .getByRole('article')
      .filter({ has: page.getByRole('heading', { name: 'Stripe' }) });
    await stripe.getByText('Not connected').waitFor();
    expect(await page.getByText('Only the owner can change payment keys').count()).toBe(0);
    const secretKey = 'sk_test_51AbCdEfGhIjKlMnOpQrStUv';
    await stripe.getByLabel('Secret key').fill(secretKey);
    await stripe.getByLabel('Webhook signing secret').fill('whsec_0123456789abcdefghij');
    const confirm = stripe.getByLabel('Your password');

    // A wrong password is told next to its field, and nothing is saved.
    await confirm.fill('not my password');
    await stripe.getByRole('button', { name: 'Connect Stripe' }).click();
    expect(await fieldError(confirm)).toBe('The password is not correct.');
    await stripe.getByText('Not connected').waitFor();

    await confirm.fill(password);
    await stripe.getByRole('button', { name: 'Connect Stripe' }).click();
    await stripe
      .getByText(`Stripe settings saved. A confirmation e-mail is on its way to ${email}.`)
      .waitFor();
    await stripe.getByText('Enabled', { exact: true }).waitFor();
    await stripe.getByText('Stored: sk_t…StUv. Leave empty to keep it.').waitFor();
    expect(await page.content()).not.toContain(secretKey);
    // Not kept for the next change: each one asks again.
    expect(await confirm.inputValue()).toBe('');
    await screenshots(page, 'settings-payments-owner');

    // Disabling keeps the stored key without sending it again.
    await stripe.getByLabel('Offer Stripe payment links to customers').uncheck();
    await confirm.fill(password);
    await stripe.getByRole('button', { name: 'Save changes' }).click();
    await stripe.getByText('Disabled', { exact: true }).waitFor();
    await stripe.getByText('Stored: sk_t…StUv. Leave empty to keep it.').waitFor();
  });

  it('shows an admin the payment keys masked and read-only, and why', async () => {
    const owner = await registerBusiness(node.url, 'Admin View Shop');
    const saved = await request(node.url, '/api/payment-providers/stripe', {
      method: 'PUT',
      token: owner.accessToken,
      json: {
        secretKey: 'sk_test_51ZyXwVuTsRqPoNmLkJiHgFe',
        publicKey: 'pk_test_51ZyXwVuTsRqPoNmLkJ',
        enabled: true,
        password: owner.password,
      },
    });
    expect(saved.status).toBe(200);
    const admin = await addMember(node.url, owner.accessToken, 'admin');
    const page = await signedIn(admin);
    await page.goto(`${node.url}/settings/payments`);
    await expectHeading(page, 'Payments');
    await page
      .getByText(
        "Only the owner can change payment keys: whoever holds them receives the shop's money.",
      )
      .waitFor();
    const stripe = page
      .getByRole('article')
      .filter({ has: page.getByRole('heading', { name: 'Stripe' }) });
    await stripe.getByText('Enabled', { exact: true }).waitFor();
    await stripe.getByText('sk_t…HgFe', { exact: true }).waitFor();
    await stripe.getByText('Offered to customers').waitFor();
    await page
      .getByRole('article')
      .filter({ has: page.getByRole('heading', { name: 'Paystack' }) })
      .getByText('Not connected')
      .waitFor();
    // Nothing to type into or submit: the server would refuse an admin anyway.
    expect(await page.getByRole('main').locator('input, select, textarea').count()).toBe(0);
    expect(await page.getByRole('button', { name: /Save changes|Connect/ }).count()).toBe(0);
    // The webhook URL stays at hand, for an admin who sets up the provider's side.
    await stripe.getByRole('button', { name: 'Copy URL' }).waitFor();
    await screenshots(page, 'settings-payments-admin');
  });

  it('reorders the AI providers with the keyboard buttons and keeps them after a reload', async () => {
    const { page } = await signedInOwner('AI Shop');
    await page.goto(`${node.url}/settings/ai`);
    await expectHeading(page, 'AI assistant');
    const order = page.getByRole('list', { name: 'Provider order' });
    await order.getByRole('listitem').first().waitFor();
    // Nothing saved and no AI key on this server: the page shows what the engine asks, the
    // offline bot alone, and says why the others would be skipped.
    expect(await order.locator('strong').allInnerTexts()).toEqual([
      'Offline bot',
      'OpenAI',
      'Anthropic',
      'Groq',
    ]);
    expect(await page.getByRole('checkbox', { name: /Offline bot/ }).isChecked()).toBe(true);
    expect(await page.getByRole('checkbox', { name: /OpenAI/ }).isChecked()).toBe(false);
    await order.getByText(/Needs OPENAI_API_KEY on the server\. Not set here/).waitFor();
    await page.getByRole('checkbox', { name: /Groq/ }).check();
    await page.getByRole('button', { name: 'Move Groq up' }).click();
    await page.getByRole('button', { name: 'Move Groq up' }).click();
    await page.getByRole('button', { name: 'Move Groq up' }).click();
    await page.getByRole('checkbox', { name: /OpenAI/ }).check();
    await page.getByLabel('Instructions for the assistant').fill('Be brief and kind.');
    await page.getByLabel('Monthly budget (US dollars)').fill('25.50');
    await page.getByRole('button', { name: 'Save AI settings' }).click();
    await page.getByText('AI settings saved.').waitFor();

    await page.reload();
    await order.getByRole('listitem').first().waitFor();
    const names = await order.locator('strong').allInnerTexts();
    expect(names).toEqual(['Groq', 'Offline bot', 'OpenAI', 'Anthropic']);
    expect(await page.getByRole('checkbox', { name: /OpenAI/ }).isChecked()).toBe(true);
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
    await page.getByLabel('Your password').fill(password);
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

  it('changes the password in Security: other sessions end, this one stays signed in', async () => {
    const { page, email, password } = await signedInOwner('Password Shop');
    const elsewhere = (await login(node.url, email, password)).body;
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('link', { name: 'Security' }).click();
    await expectHeading(page, 'Security');
    await page.getByRole('heading', { name: 'Change password' }).waitFor();
    await screenshots(page, 'settings-security');

    const current = page.getByLabel('Current password');
    const next = page.getByLabel('New password');
    const submit = page.getByRole('button', { name: 'Change password' });
    // The rules are checked as it is typed; the server's own refusals land on their fields.
    await current.fill(password);
    await next.fill('short');
    await submit.click();
    expect(await fieldError(next)).toBe('This password does not meet the rules below yet.');
    await next.fill(NEW_PASSWORD);
    await current.fill('not my password');
    await submit.click();
    expect(await fieldError(current)).toBe('The password is not correct.');
    await current.fill(password);
    await next.fill('password1234');
    await submit.click();
    expect(await fieldError(next)).toMatch(/common|guess/i);

    await next.fill(NEW_PASSWORD);
    await submit.click();
    await page
      .getByTestId('toasts')
      .getByText(
        'Your password has been changed. Every other device was signed out; this one stays signed in.',
      )
      .waitFor();
    expect(await current.inputValue()).toBe('');
    expect(await next.inputValue()).toBe('');
    expect((await refreshWith(elsewhere.refreshToken)).status).toBe(401);

    // This browser is still signed in, across a reload too.
    await page.reload();
    await expectHeading(page, 'Security');
    expect((await login(node.url, email, password)).status).toBe(401);
    // Exact: "Sign out everywhere" is on this page too.
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await expectHeading(page, 'Sign in');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password', { exact: true }).fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expectHeading(page, 'Inbox');
  });

  it('asks for the password to set up two-factor and, with a code, to turn it off', async () => {
    const { page, email, password } = await signedInOwner('Two Factor Off Shop');
    await page.goto(`${node.url}/settings/security`);
    await expectHeading(page, 'Security');
    const confirm = page.getByLabel('Your password');
    await confirm.fill('not my password');
    await page.getByRole('button', { name: 'Set up two-factor authentication' }).click();
    expect(await fieldError(confirm)).toBe('The password is not correct.');
    await confirm.fill(password);
    await page.getByRole('button', { name: 'Set up two-factor authentication' }).click();
    const secret = (await page.getByTestId('totp-secret').getAttribute('data-secret')) ?? '';
    await page.getByLabel('Enter the 6-digit code the app shows').fill(await totpCode(secret));
    await page.getByRole('button', { name: 'Turn on two-factor authentication' }).click();
    const recovery = await page.getByTestId('recovery-codes').locator('code').first().innerText();
    await page.getByLabel('I have saved my recovery codes').check();
    await page.getByRole('button', { name: 'Done' }).click();

    // The code alone is not enough: whoever holds the session must also know the password.
    await page.getByLabel('Code from your app, or a recovery code').fill(recovery);
    const off = page.getByRole('button', { name: 'Turn off two-factor authentication' });
    await confirm.fill('not my password');
    await off.click();
    expect(await fieldError(confirm)).toBe('The password is not correct.');
    await confirm.fill(password);
    await off.click();
    await page.getByRole('button', { name: 'Set up two-factor authentication' }).waitFor();
    expect((await login(node.url, email, password)).status).toBe(200);
  });

  it('signs out everywhere: this page lands on sign-in and no session can refresh', async () => {
    const { page, email, password } = await signedInOwner('Everywhere Shop');
    const elsewhere = (await login(node.url, email, password)).body;
    await page.goto(`${node.url}/settings/security`);
    await expectHeading(page, 'Security');
    const cookie = async () =>
      (await page.context().cookies()).find((c) => c.name === 'parley_rt')?.value;
    const mine = await cookie();
    expect(mine).toBeTruthy();

    const card = page.getByRole('group', { name: 'Sign out everywhere' });
    await card.getByRole('button', { name: 'Sign out everywhere, this device included' }).click();
    // Two steps: the first press only asks.
    await card.getByRole('button', { name: 'Cancel' }).click();
    await card.getByRole('button', { name: 'Sign out everywhere, this device included' }).click();
    await card.getByRole('button', { name: 'Yes, sign out everywhere' }).click();

    await expectHeading(page, 'Sign in');
    await page.getByText('You have signed out on every device.').waitFor();
    expect(await cookie()).toBeUndefined();
    expect((await refreshWith(mine ?? '')).status).toBe(401);
    expect((await refreshWith(elsewhere.refreshToken)).status).toBe(401);
    await page.goto(`${node.url}/settings/security`);
    await expectHeading(page, 'Sign in');
  });
});
