import type { Logger } from 'pino';
import { z } from 'zod';
import type { Channel } from '../../shared/domain';
import { GRAPH_API_VERSION } from './graph-sender';

/**
 * Proof, from the Graph API itself, that an access token controls the channel account a
 * business wants to connect (security review H1: without it, any tenant could register any
 * Page, Instagram account or WhatsApp number and receive its customers' messages).
 *
 * - Messenger: a Page token's `GET /me` is the Page.
 * - Instagram: the Page token's `GET /me` names the linked `instagram_business_account`
 *   (or, for an Instagram-login token, `me` is the account itself).
 * - WhatsApp: the token can read `GET /{phone_number_id}`, and the number is listed on
 *   `GET /{waba_id}/phone_numbers` of the WhatsApp Business Account it names.
 */

export interface AccountClaim {
  channel: Channel;
  externalId: string;
  /** WhatsApp: the WABA the number should belong to. */
  businessAccountId?: string | undefined;
  accessToken: string;
}

export type AccountProof =
  | { kind: 'proved'; name: string | null; businessAccountId: string | null }
  /** `token`: Meta refused the token itself; `account`: the token does not control that ID. */
  | { kind: 'refused'; reason: 'token' | 'account' }
  | { kind: 'unreachable' };

export interface AccountProver {
  prove(claim: AccountClaim): Promise<AccountProof>;
}

const graphErrorSchema = z.object({
  error: z.object({ code: z.number(), error_subcode: z.number().optional() }),
});
const meSchema = z.object({
  id: z.string(),
  name: z.string().optional(),
  username: z.string().optional(),
  instagram_business_account: z
    .object({ id: z.string(), username: z.string().optional() })
    .optional(),
});
const phoneSchema = z.object({
  id: z.string(),
  display_phone_number: z.string().optional(),
  verified_name: z.string().optional(),
});
const phoneListSchema = z.object({
  data: z.array(z.object({ id: z.string() })),
  paging: z.object({ cursors: z.object({ after: z.string().optional() }).optional() }).optional(),
});

/** Codes that say the token itself is bad (docs/wire-specs.md §2.4): invalid, expired, revoked. */
const TOKEN_CODES = new Set([102, 190]);
/** Meta's own trouble: the proof could not be made, which is not a refusal. */
const TRANSIENT_CODES = new Set([1, 2, 4, 17, 32, 341, 613]);
/** A WABA lists its numbers 100 at a time; a shop has a handful. */
const MAX_PAGES = 5;

type GraphAnswer =
  | { ok: true; body: unknown }
  | { ok: false; outcome: Extract<AccountProof, { kind: 'refused' | 'unreachable' }> };

class Unreachable extends Error {}

export function createAccountProver(deps: {
  graphUrl: () => string;
  log: Logger;
  timeoutMs?: number;
}): AccountProver {
  async function get(
    path: string,
    query: Record<string, string>,
    token: string,
  ): Promise<GraphAnswer> {
    const base = `${deps.graphUrl().replace(/\/+$/, '')}/${GRAPH_API_VERSION}`;
    const url = `${base}/${path}?${new URLSearchParams(query).toString()}`;
    let res: Response;
    try {
      res = await fetch(url, {
        headers: { authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(deps.timeoutMs ?? 10_000),
      });
    } catch (err) {
      deps.log.warn({ event: 'channel.proof_unreachable', err }, 'Graph API unreachable');
      throw new Unreachable();
    }
    const body: unknown = await res.json().catch(() => null);
    if (res.ok) return { ok: true, body };
    const error = graphErrorSchema.safeParse(body).data?.error;
    if (!error || res.status >= 500 || TRANSIENT_CODES.has(error.code)) throw new Unreachable();
    const reason = TOKEN_CODES.has(error.code) ? 'token' : 'account';
    return { ok: false, outcome: { kind: 'refused', reason } };
  }

  const proved = (name: string | null, businessAccountId: string | null = null): AccountProof => ({
    kind: 'proved',
    name,
    businessAccountId,
  });
  const notThisAccount: AccountProof = { kind: 'refused', reason: 'account' };

  async function page(claim: AccountClaim): Promise<AccountProof> {
    const me = await get('me', { fields: 'id,name' }, claim.accessToken);
    if (!me.ok) return me.outcome;
    const parsed = meSchema.safeParse(me.body).data;
    return parsed?.id === claim.externalId ? proved(parsed.name ?? null) : notThisAccount;
  }

  async function instagram(claim: AccountClaim): Promise<AccountProof> {
    const me = await get('me', { fields: 'id' }, claim.accessToken);
    if (!me.ok) return me.outcome;
    if (meSchema.safeParse(me.body).data?.id === claim.externalId) return proved(null);
    const linked = await get(
      'me',
      { fields: 'id,name,instagram_business_account{id,username}' },
      claim.accessToken,
    );
    if (!linked.ok) return linked.outcome;
    const account = meSchema.safeParse(linked.body).data?.instagram_business_account;
    return account?.id === claim.externalId ? proved(account.username ?? null) : notThisAccount;
  }

  async function whatsapp(claim: AccountClaim): Promise<AccountProof> {
    const waba = claim.businessAccountId;
    if (!waba) return notThisAccount;
    const phone = await get(
      encodeURIComponent(claim.externalId),
      { fields: 'id,display_phone_number,verified_name' },
      claim.accessToken,
    );
    if (!phone.ok) return phone.outcome;
    const number = phoneSchema.safeParse(phone.body).data;
    if (number?.id !== claim.externalId) return notThisAccount;
    let after: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const list = await get(
        `${encodeURIComponent(waba)}/phone_numbers`,
        { fields: 'id', limit: '100', ...(after ? { after } : {}) },
        claim.accessToken,
      );
      if (!list.ok) return list.outcome;
      const parsed = phoneListSchema.safeParse(list.body).data;
      if (!parsed) return notThisAccount;
      if (parsed.data.some((p) => p.id === claim.externalId)) {
        const label = [number.verified_name, number.display_phone_number].filter(Boolean);
        return proved(label.length > 0 ? label.join(' ') : null, waba);
      }
      after = parsed.paging?.cursors?.after;
      // Cursors, never the `next` URL: Parley only calls the Graph host it was configured with.
      if (!after || parsed.data.length < 100) break;
    }
    return notThisAccount;
  }

  return {
    async prove(claim) {
      try {
        if (claim.channel === 'messenger') return await page(claim);
        if (claim.channel === 'instagram') return await instagram(claim);
        return await whatsapp(claim);
      } catch (err) {
        if (err instanceof Unreachable) return { kind: 'unreachable' };
        throw err;
      }
    },
  };
}
