import { formatMoney } from '../../shared/money';
import { demoContracts } from '../../shared/api/demo.contract';
import type { DemoTransaction } from './demo-paystack-ledger';

/**
 * The API's policy (`security-headers.ts`, `default-src 'none'`) would leave the page without
 * any style. The page widens it by exactly its own stylesheet and its own form posts: still no
 * script, no inline style, no frame.
 */
export const PAY_PAGE_CSP =
  "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export const PAY_PAGE_CSS_PATH = demoContracts.payPageCss.path;

export const PAY_PAGE_CSS = `
*{box-sizing:border-box}
body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;
  background:#eef2f8;color:#111827;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
.card{width:min(420px,calc(100vw - 32px));background:#fff;border-radius:14px;padding:32px;
  box-shadow:0 10px 30px rgba(17,24,39,.08),0 1px 3px rgba(17,24,39,.08)}
.eyebrow{margin:0 0 20px;font-size:12px;letter-spacing:.06em;text-transform:uppercase;color:#6b7280}
.eyebrow strong{color:#0f7a3e}
h1{margin:0;font-size:20px;font-weight:600}
.amount{margin:4px 0 20px;font-size:34px;font-weight:700;letter-spacing:-.01em}
.details{display:grid;grid-template-columns:auto 1fr;gap:6px 16px;margin:0 0 24px;padding:16px 0;
  border-top:1px solid #e5e7eb;border-bottom:1px solid #e5e7eb;font-size:14px}
.details dt{color:#6b7280}
.details dd{margin:0;text-align:right;overflow-wrap:anywhere}
.details .ref{font:12px/1.6 ui-monospace,SFMono-Regular,Menlo,monospace;word-break:break-all}
.actions{display:grid;gap:10px}
.button{width:100%;padding:12px 16px;border-radius:10px;font:inherit;font-weight:600;cursor:pointer}
.button--pay{border:0;background:#0f7a3e;color:#fff}
.button--pay:hover{background:#0c6634}
.button--decline{border:1px solid #d1d5db;background:#fff;color:#b91c1c}
.button--decline:hover{background:#fef2f2}
.button:focus-visible{outline:3px solid #93c5fd;outline-offset:2px}
.fine{margin:20px 0 0;font-size:12px;color:#6b7280}
.mark{width:48px;height:48px;border-radius:50%;display:flex;align-items:center;justify-content:center;
  margin:0 0 16px;font-size:26px;font-weight:700;color:#fff}
.mark--success{background:#0f7a3e}
.mark--failed{background:#b91c1c}
.mark--unknown{background:#6b7280}
.lead{margin:8px 0 0}
`;

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

function document(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="${PAY_PAGE_CSS_PATH}">
</head>
<body>
<main class="card">
${body}
</main>
</body>
</html>
`;
}

const EYEBROW = '<p class="eyebrow"><strong>Demo checkout</strong> · no real money moves</p>';

/** The checkout a customer opens from the payment link: the shop, the amount, Pay or Decline. */
export function payPage(tx: DemoTransaction): string {
  const amount = escapeHtml(formatMoney(tx.amount, tx.currency));
  const details =
    (tx.description ? `<dt>For</dt><dd>${escapeHtml(tx.description)}</dd>` : '') +
    `<dt>Reference</dt><dd class="ref">${escapeHtml(tx.reference)}</dd>`;
  return document(
    `Pay ${tx.shopName}`,
    `${EYEBROW}
<h1>${escapeHtml(tx.shopName)}</h1>
<p class="amount" data-testid="pay-amount">${amount}</p>
<dl class="details">${details}</dl>
<form method="post" class="actions">
<button type="submit" name="outcome" value="pay" class="button button--pay">Pay ${amount}</button>
<button type="submit" name="outcome" value="decline" class="button button--decline">Decline</button>
</form>
<p class="fine">This page stands in for Paystack's checkout in Parley's demo. Pay sends the shop the
signed <code>charge.success</code> webhook Paystack would send; Decline sends a failed charge.</p>`,
  );
}

/** What the customer sees once the transaction is settled (and on every later visit). */
export function resultPage(tx: DemoTransaction): string {
  const amount = escapeHtml(formatMoney(tx.amount, tx.currency));
  const shop = escapeHtml(tx.shopName);
  return tx.status === 'success'
    ? document(
        'Payment successful',
        `${EYEBROW}
<p class="mark mark--success" aria-hidden="true">✓</p>
<h1>Payment successful</h1>
<p class="lead">${amount} paid to ${shop}.</p>
<p class="fine">You can close this page and go back to the chat: the shop has been told.</p>`,
      )
    : document(
        'Payment declined',
        `${EYEBROW}
<p class="mark mark--failed" aria-hidden="true">✕</p>
<h1>Payment declined</h1>
<p class="lead">The bank declined ${amount} to ${shop}. Nothing was charged.</p>
<p class="fine">Go back to the chat to try again or to ask for another way to pay.</p>`,
      );
}

export function notFoundPage(): string {
  return document(
    'Payment link not found',
    `${EYEBROW}
<p class="mark mark--unknown" aria-hidden="true">?</p>
<h1>This payment link is not known</h1>
<p class="lead">It may be mistyped, or it was created before the demo server restarted.</p>
<p class="fine">Ask the shop in the chat for a new link.</p>`,
  );
}

export function badRequestPage(): string {
  return document(
    'Choose Pay or Decline',
    `${EYEBROW}
<h1>Choose Pay or Decline</h1>
<p class="lead">The form was sent without a choice. Go back and press one of the two buttons.</p>`,
  );
}
