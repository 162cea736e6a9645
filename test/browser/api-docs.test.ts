import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { SpawnedNode } from '../helpers/spawn-node';
import { launchChromium, requireChromium, startWebNode } from './browser';

const SUITE = 'browser: the API reference at /api/docs';
const executable = requireChromium(SUITE);

/** Where the test leaves its screenshot, for a person to look at. */
export const API_DOCS_SCREENSHOT = join(tmpdir(), 'parley-api-docs.png');

describe.skipIf(!executable)(SUITE, () => {
  let node: SpawnedNode;
  let browser: Browser;

  beforeAll(async () => {
    [node, browser] = await Promise.all([
      startWebNode(inject('clientDist')),
      launchChromium(executable as string),
    ]);
  });

  afterAll(async () => {
    await browser?.close();
    await node?.[Symbol.asyncDispose]();
  });

  it('renders every area of the API from the node alone, with no script refused', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    const requested: string[] = [];
    const problems: string[] = [];
    page.on('request', (r) => requested.push(r.url()));
    page.on('pageerror', (err) => problems.push(err.message));
    page.on('console', (m) => {
      // A CSP refusal is reported on the console as an error.
      if (m.type() === 'error') problems.push(m.text());
    });

    const res = await page.goto(`${node.url}/api/docs`);
    expect(res?.status()).toBe(200);
    await page.getByRole('heading', { name: /Parley API/ }).waitFor();
    for (const tag of ['auth', 'conversations', 'commerce', 'settings', 'docs']) {
      await page.locator(`#operations-tag-${tag}`).waitFor();
    }
    // One operation, opened: its schema is there, rendered from the document.
    await page.locator('#operations-commerce-getApiProducts').click();
    await page.getByText('ProductListResponse').or(page.getByText('items')).first().waitFor();
    await page.screenshot({ path: API_DOCS_SCREENSHOT, fullPage: false });

    const outside = requested.filter(
      (url) => !url.startsWith(node.url) && !url.startsWith('data:'),
    );
    expect(outside).toEqual([]);
    expect(requested).toContain(`${node.url}/api/openapi.json`);
    expect(problems).toEqual([]);
    await context.close();
  });
});
