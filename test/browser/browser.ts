import { chromium, type Browser, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { requireBinaries } from '../helpers/binaries';
import { TEST_SECRETS } from '../helpers/test-node';
import { spawnNode, type SpawnedNode } from '../helpers/spawn-node';

/** Debian's Chromium (`apt-get install chromium`); `npx playwright install` is not used. */
export function requireChromium(suite: string): string | null {
  return requireBinaries(suite, 'chromium')?.chromium ?? null;
}

export function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({
    executablePath,
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/**
 * A node process on the embedded default serving the built client, as `npm start` runs it.
 * Limits are raised: one browser and the test share 127.0.0.1.
 */
export function startWebNode(
  clientDist: string,
  env: Record<string, string> = {},
): Promise<SpawnedNode> {
  return spawnNode(
    {
      ...TEST_SECRETS,
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: '0',
      DEMO: '0',
      BCRYPT_COST: '4',
      PGLITE_DATA_DIR: 'memory://',
      CLIENT_DIST_DIR: clientDist,
      RATE_LIMIT_PER_MINUTE: '100000',
      LOGIN_ATTEMPTS_PER_ACCOUNT: '1000',
      LOGIN_ATTEMPTS_PER_IP: '1000',
      SIGNUPS_PER_IP_PER_HOUR: '1000',
      ...env,
    },
    // The browser suites start while other files still load the machine.
    60_000,
  );
}

/** Signs in through the form; resolves once the inbox shows. */
export async function signIn(page: Page, baseUrl: string, email: string, password: string) {
  await page.goto(`${baseUrl}/sign-in`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

export async function signOut(page: Page) {
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await expect.poll(() => page.getByRole('heading', { name: 'Sign in' }).isVisible()).toBe(true);
}

/** Waits until `heading` is the page's visible heading. */
export async function expectHeading(page: Page, name: string | RegExp) {
  await page.getByRole('heading', { name }).first().waitFor({ state: 'visible', timeout: 15_000 });
}
