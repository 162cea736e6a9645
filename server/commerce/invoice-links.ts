import { createHmac, timingSafeEqual } from 'node:crypto';
import { isUuid } from '../persistence/tenant';

/**
 * The link a customer gets for their invoice: `/api/invoice-links/<id>.<signature>`. Customers
 * have no login, so the URL itself is the credential: an HMAC of the invoice id under a key
 * derived from the JWT secrets (current signs, previous verify, so a rotation keeps old links
 * working until the previous secret is dropped). Stateless, so a retried job sends the same URL.
 */
export interface InvoiceLinks {
  urlFor(invoiceId: string): string;
  /** The invoice id a token names, or null when it is not one Parley signed. */
  verify(token: string): string | null;
}

const derive = (secret: string) =>
  createHmac('sha256', secret).update('parley:invoice-links:v1').digest();

export function createInvoiceLinks(deps: {
  secrets: readonly string[];
  baseUrl(): string;
}): InvoiceLinks {
  const keys = deps.secrets.map(derive);
  const sign = (key: Buffer, id: string) =>
    createHmac('sha256', key).update(`invoice:${id}`).digest().subarray(0, 18);
  return {
    urlFor(invoiceId) {
      const signature = sign(keys[0] as Buffer, invoiceId).toString('base64url');
      return `${deps.baseUrl()}/api/invoice-links/${invoiceId}.${signature}`;
    },
    verify(token) {
      const [id, signature] = token.replace(/\.pdf$/, '').split('.');
      if (!id || !signature || !isUuid(id)) return null;
      const given = Buffer.from(signature, 'base64url');
      const ok = keys.some((key) => {
        const expected = sign(key, id.toLowerCase());
        return given.length === expected.length && timingSafeEqual(given, expected);
      });
      return ok ? id.toLowerCase() : null;
    },
  };
}
