/** The demo pay page's links (`demo-paystack.routes.ts`), wherever the node is reached. */
const PAY_LINK = /https?:\/\/[^\s"'<>]+\/demo\/pay\/[A-Za-z0-9.=%-]+/;

export const payLinkIn = (text: string): string | null => PAY_LINK.exec(text)?.[0] ?? null;

/**
 * Does what a person in a browser does with the link: opens the page, then presses Pay or
 * Decline, which posts the page's form (and follows its redirect to the result). True when the
 * page took the choice.
 */
export async function answerPayLink(url: string, outcome: 'pay' | 'decline'): Promise<boolean> {
  const page = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  const html = await page.text();
  if (page.status !== 200 || !html.includes('<form method="post"')) return false;
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ outcome }).toString(),
    signal: AbortSignal.timeout(30_000),
  });
  await res.arrayBuffer();
  return res.ok;
}
