import { createHmac } from 'node:crypto';
import type { Logger } from 'pino';
import { z } from 'zod';
import { GRAPH_API_VERSION } from '../channels/graph-sender';

/**
 * Meta's ID-matching API: `GET /{app-scoped-user-id}/ids_for_pages` with the app access token
 * (`{app-id}|{app-secret}`) and its `appsecret_proof` answers the page-scoped IDs (PSIDs) the
 * same person has on Pages, one entry per Page
 * (https://developers.facebook.com/docs/messenger-platform/identity/id-matching; fields `id`
 * and `page` of UserIDForPage in Meta's business SDKs). Meta answers only for Pages it links to
 * the app's business, so an empty list proves nothing about other Pages.
 *
 * Instagram has no counterpart: the ID-matching guide covers `ids_for_apps` and
 * `ids_for_pages` only, and an Instagram-scoped ID (IGSID) is read with a Page token, never
 * derived from an app-scoped one (https://developers.facebook.com/docs/messenger-platform/instagram/features/user-profile).
 * WhatsApp contacts are phone numbers, which no Graph edge of a Facebook user exposes.
 */

export interface PageScopedId {
  psid: string;
  pageId: string;
}

export type PageIdMatch =
  | { kind: 'matched'; ids: PageScopedId[] }
  /** Meta answered with an error that asking again will not change (token, permission, user). */
  | { kind: 'refused'; code: number }
  /** No answer, Meta's own trouble, or an answer of a shape Meta does not document. */
  | { kind: 'unreachable' };

export interface PageIdMatcher {
  match(appScopedUserId: string): Promise<PageIdMatch>;
}

const pageSchema = z.object({
  data: z.array(z.object({ id: z.string().min(1), page: z.object({ id: z.string().min(1) }) })),
  paging: z
    .object({
      cursors: z.object({ after: z.string().optional() }).optional(),
      next: z.string().optional(),
    })
    .optional(),
});
const graphErrorSchema = z.object({
  error: z.object({ code: z.number(), is_transient: z.boolean().optional() }),
});

/** Meta's own trouble and rate limits (docs/wire-specs.md §2.4): worth asking again later. */
const TRANSIENT_CODES = new Set([1, 2, 4, 17, 32, 341, 613]);
/** A person is on few Pages of one business; this only stops a cursor that never ends. */
const MAX_PAGES = 20;

/** The proof Graph requires of server calls: hex HMAC-SHA256 of the token, keyed by the secret. */
export function appSecretProof(accessToken: string, appSecret: string): string {
  return createHmac('sha256', appSecret).update(accessToken, 'utf8').digest('hex');
}

class Unreachable extends Error {}

export function createPageIdMatcher(deps: {
  graphUrl: () => string;
  appId: string;
  appSecret: string;
  log: Logger;
  timeoutMs: number;
}): PageIdMatcher {
  const token = `${deps.appId}|${deps.appSecret}`;
  const proof = appSecretProof(token, deps.appSecret);

  /** One page of the edge; throws Unreachable, or returns a refusal or the parsed page. */
  async function fetchPage(userId: string, after: string | undefined) {
    const query = new URLSearchParams({ appsecret_proof: proof, limit: '100' });
    if (after) query.set('after', after);
    const base = `${deps.graphUrl().replace(/\/+$/, '')}/${GRAPH_API_VERSION}`;
    let res: Response;
    try {
      // The app token carries the app secret: a header keeps it out of URL logs on the way.
      res = await fetch(`${base}/${encodeURIComponent(userId)}/ids_for_pages?${query}`, {
        headers: { authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(deps.timeoutMs),
      });
    } catch (err) {
      deps.log.warn({ event: 'meta.ids_for_pages_unreachable', err }, 'Graph API unreachable');
      throw new Unreachable();
    }
    const body: unknown = await res.json().catch(() => null);
    if (res.ok) {
      const page = pageSchema.safeParse(body);
      if (page.success) return { ok: true as const, page: page.data };
      deps.log.warn(
        { event: 'meta.ids_for_pages_unexpected' },
        'ids_for_pages answer not understood',
      );
      throw new Unreachable();
    }
    const error = graphErrorSchema.safeParse(body).data?.error;
    const transient =
      !error || res.status >= 500 || error.is_transient === true || TRANSIENT_CODES.has(error.code);
    deps.log.warn(
      { event: 'meta.ids_for_pages_failed', status: res.status, code: error?.code, transient },
      'ids_for_pages answered an error',
    );
    if (transient) throw new Unreachable();
    return { ok: false as const, code: error.code };
  }

  return {
    async match(userId) {
      const ids: PageScopedId[] = [];
      let after: string | undefined;
      try {
        for (let n = 0; n < MAX_PAGES; n++) {
          const answer = await fetchPage(userId, after);
          if (!answer.ok) return { kind: 'refused', code: answer.code };
          for (const entry of answer.page.data) ids.push({ psid: entry.id, pageId: entry.page.id });
          // Graph omits `next` on the last page; its URL is never followed, only the cursor.
          after = answer.page.paging?.next ? answer.page.paging.cursors?.after : undefined;
          if (!after) return { kind: 'matched', ids };
        }
      } catch (err) {
        if (err instanceof Unreachable) return { kind: 'unreachable' };
        throw err;
      }
      deps.log.warn({ event: 'meta.ids_for_pages_truncated', pages: MAX_PAGES }, 'too many pages');
      return { kind: 'matched', ids };
    },
  };
}
