import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { registerBusiness } from '../helpers/auth';
import type { SpawnedNode } from '../helpers/spawn-node';
import { expectHeading, launchChromium, requireChromium, signIn, startWebNode } from './browser';

const SUITE = "browser: the AI models and budget the server's operator offers";
const executable = requireChromium(SUITE);

/** Issue 16, item 13: owners pick from the operator's models and see its monthly limit. */
describe.skipIf(!executable)(SUITE, () => {
  let node: SpawnedNode;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    [node, browser] = await Promise.all([
      startWebNode(inject('clientDist'), {
        AI_MODELS: 'openai:gpt-4o-mini:150:600,openai:gpt-4.1:2000:8000',
        AI_MONTHLY_BUDGET_CENTS: '2000',
      }),
      launchChromium(executable as string),
    ]);
  });

  afterAll(async () => {
    await Promise.allSettled(contexts.map((c) => c.close()));
    await browser?.close();
    await node?.[Symbol.asyncDispose]();
  });

  it('offers a select of priced models and keeps the choice after a reload', async () => {
    const owner = await registerBusiness(node.url, 'Model Shop');
    const context = await browser.newContext();
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await signIn(page, node.url, owner.email, owner.password);
    await expectHeading(page, 'Inbox');
    await page.goto(`${node.url}/settings/ai`);
    await expectHeading(page, 'AI assistant');

    const openai = page.getByLabel('OpenAI model');
    // The offer and the saved settings arrive after the heading: poll, do not read once.
    await expect
      .poll(() => openai.locator('option').allInnerTexts())
      .toEqual([
        'Server default (gpt-4o-mini · $0.15 in, $0.60 out)',
        'gpt-4o-mini · $0.15 in, $0.60 out',
        'gpt-4.1 · $2.00 in, $8.00 out',
      ]);
    expect(await page.getByLabel('Groq model').isDisabled()).toBe(true);
    await page.getByText('This server allows at most 20.00 USD per business').waitFor();

    await openai.selectOption('gpt-4.1');
    await page.getByLabel('Monthly budget (US dollars)').fill('30');
    await page.getByText("The server's limit of 20.00 USD applies.").waitFor();
    await page.getByRole('button', { name: 'Save AI settings' }).click();
    await page.getByText('AI settings saved.').waitFor();

    await page.reload();
    await expectHeading(page, 'AI assistant');
    await expect.poll(() => page.getByLabel('OpenAI model').inputValue()).toBe('gpt-4.1');
    await expect
      .poll(() => page.getByLabel('Monthly budget (US dollars)').inputValue())
      .toBe('30.00');
  });
});
