import { createHmac } from 'node:crypto';
import type { FakeResponse, RouteHandler } from './http-fake';
import { graphError } from './meta-graph-errors';
import { bearerToken, type RecordedRequest } from './request-matching';

/** One page-scoped ID of a person: what `GET /{user-id}/ids_for_pages` lists. */
export interface FakePageScopedId {
  readonly psid: string;
  readonly pageId: string;
  readonly pageName?: string;
}

export interface FakeIdsForPagesOptions {
  /** The app whose token (`{id}|{secret}`) may ask; unset: any `id|secret` token that proves itself. */
  readonly app?: { readonly id: string; readonly secret: string };
  /** Most entries per page whatever `limit` asks (Graph's default page is 25). */
  readonly pageSize?: number;
}

export interface FakeIdsForPages {
  readonly handle: RouteHandler;
  /** The person behind app-scoped `userId` has these page-scoped IDs (replaces earlier ones). */
  set(userId: string, ids: readonly FakePageScopedId[]): void;
}

const GRAPH_DEFAULT_LIMIT = 25;
const cursor = (offset: number) => Buffer.from(`offset:${offset}`).toString('base64url');
const offsetOf = (value: string | undefined) => {
  const m = /^offset:(\d+)$/.exec(Buffer.from(value ?? '', 'base64url').toString('utf8'));
  return m ? Number(m[1]) : 0;
};

/**
 * Meta's ID-matching edge (`ids_for_pages`): an app access token and its `appsecret_proof`
 * answer the person's PSIDs per Page, paged with cursors. Refusals follow what Graph answers
 * integrators: no token 104, a token that is not the app's 190 ("Invalid OAuth access token
 * signature."), a missing or wrong proof 100 (GraphMethodException), all with HTTP 400.
 */
export function createFakeIdsForPages(
  options: FakeIdsForPagesOptions,
  baseUrl: () => string,
): FakeIdsForPages {
  const people = new Map<string, readonly FakePageScopedId[]>();

  const refuse = (request: RecordedRequest): FakeResponse | null => {
    const token = bearerToken(request) ?? request.query.access_token;
    if (!token) return graphError(104);
    const [appId, secret, ...rest] = token.split('|');
    const known = options.app
      ? token === `${options.app.id}|${options.app.secret}`
      : !!appId && /^\d+$/.test(appId) && !!secret && rest.length === 0;
    if (!known || !secret) {
      return graphError(190, { status: 400, message: 'Invalid OAuth access token signature.' });
    }
    const proof = request.query.appsecret_proof;
    const method = { type: 'GraphMethodException' };
    if (!proof) {
      return graphError(100, {
        ...method,
        message: 'API calls from the server require an appsecret_proof argument',
      });
    }
    const expected = createHmac('sha256', secret).update(token).digest('hex');
    if (proof !== expected) {
      return graphError(100, {
        ...method,
        message: 'Invalid appsecret_proof provided in the API argument',
      });
    }
    return null;
  };

  const handle: RouteHandler = (request, params) => {
    const refusal = refuse(request);
    if (refusal) return refusal;
    const userId = params.node ?? '';
    const page = request.query.page;
    const all = (people.get(userId) ?? []).filter((p) => !page || p.pageId === page);
    const asked = Number(request.query.limit) || GRAPH_DEFAULT_LIMIT;
    const size = Math.max(1, Math.min(asked, options.pageSize ?? asked));
    const from = offsetOf(request.query.after);
    const slice = all.slice(from, from + size);
    const more = from + size < all.length;
    const next = new URLSearchParams({ ...request.query, after: cursor(from + size) });
    return {
      status: 200,
      body: {
        data: slice.map((p) => ({
          id: p.psid,
          page: { id: p.pageId, name: p.pageName ?? `Page ${p.pageId}` },
        })),
        paging: {
          cursors: { before: cursor(from), after: cursor(from + slice.length) },
          ...(more ? { next: `${baseUrl()}${request.path}?${next.toString()}` } : {}),
        },
      },
    };
  };

  return {
    handle,
    set(userId, ids) {
      people.set(userId, [...ids]);
    },
  };
}
