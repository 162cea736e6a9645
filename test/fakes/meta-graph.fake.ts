import { createHash } from 'node:crypto';
import { startHttpFake, type FakeResponse, type HttpFake, type RouteHandler } from './http-fake';
import { randomHex, randomNumericId } from './ids';
import { createFakeAccounts, type FakeAccount } from './meta-graph-accounts';
import { fbtraceId, graphError } from './meta-graph-errors';
import { createFakeIdsForPages, type FakePageScopedId } from './meta-graph-ids';
import {
  sendMessenger,
  sendWhatsApp,
  waId,
  type GraphAction,
  type GraphSend,
  type SendState,
} from './meta-graph-send';
import { bearerToken, type RecordedRequest } from './request-matching';

export type { GraphAction, GraphSend } from './meta-graph-send';
export type { FakeAccount } from './meta-graph-accounts';
export type { FakePageScopedId } from './meta-graph-ids';

export interface FakeMetaGraphOptions {
  /**
   * Access token → the Page, Instagram account or WhatsApp phone-number id it belongs to. When
   * set, other tokens get error 190 and a token used for another object gets 100/33; `me`
   * resolves to the owner. When unset, any non-empty token is accepted.
   */
  readonly tokens?: Readonly<Record<string, string>>;
  readonly latencyMs?: number;
  /**
   * The Meta app: only its token (`{id}|{secret}`) with a matching `appsecret_proof` may read
   * `ids_for_pages`. Unset: any `id|secret` token that proves itself.
   */
  readonly app?: { readonly id: string; readonly secret: string };
  /** Most `ids_for_pages` entries per page, so a test sees the cursors followed. */
  readonly idsForPagesPageSize?: number;
}

export interface FakeMedia {
  readonly data: Buffer;
  readonly mimeType: string;
  readonly id?: string;
}

export interface FakeMetaGraph extends HttpFake {
  readonly env: { readonly META_GRAPH_URL: string };
  /** Every message accepted, in order (scripted failures are not in it). */
  readonly sent: readonly GraphSend[];
  readonly actions: readonly GraphAction[];
  sentTo(recipient: string): GraphSend[];
  /** The next `count` message sends fail with Graph error `code` (or the given response). */
  failNextSend(error: number | FakeResponse, count?: number): void;
  /**
   * The recipient's 24-hour window is closed: free-form sends fail (WhatsApp 131047, Messenger
   * 10/2018278, or `error`), WhatsApp templates and Send API `MESSAGE_TAG` sends still pass.
   */
  closeWindow(recipient: string, error?: FakeResponse): void;
  openWindow(recipient: string): void;
  /** Stores a media object for `GET /{media-id}` and its download URL; returns its id. */
  addMedia(media: FakeMedia): string;
  /**
   * The token controls the account: `GET /me`, `GET /{phone-number-id}` and
   * `GET /{waba-id}/phone_numbers` answer for it, as Graph does when Parley checks ownership.
   * Every other token is refused there (sends keep following `tokens`).
   */
  grant(token: string, account: FakeAccount): void;
  /**
   * The person behind the app-scoped `userId` has these page-scoped IDs: what
   * `GET /{user-id}/ids_for_pages` answers (unknown users have none).
   */
  setPageScopedIds(userId: string, ids: readonly FakePageScopedId[]): void;
  /**
   * What `GET /{psid-or-igsid}` answers (Messenger's `first_name`/`last_name`, Instagram's
   * `name`/`username`); other ids are refused as Graph refuses an unknown object.
   */
  setProfile(id: string, profile: Record<string, string>): void;
}

const VERSION = '(?:(?<version>v\\d+\\.\\d+)\\/)?';
const MESSAGES_PATH = new RegExp(`^\\/${VERSION}(?<node>[^/]+)\\/messages$`);
const NODE_PATH = new RegExp(`^\\/${VERSION}(?<node>[^/]+)$`);
const PHONE_NUMBERS_PATH = new RegExp(`^\\/${VERSION}(?<node>[^/]+)\\/phone_numbers$`);
const IDS_FOR_PAGES_PATH = new RegExp(`^\\/${VERSION}(?<node>[^/]+)\\/ids_for_pages$`);
const DOWNLOAD_PATH = '/whatsapp_business/attachments/';

/** The token from `Authorization: Bearer`, `?access_token=` or an `access_token` body field. */
function accessToken(request: RecordedRequest): string | undefined {
  const fromBody = (request.body as { access_token?: unknown } | undefined)?.access_token;
  return (
    bearerToken(request) ??
    request.query.access_token ??
    (typeof fromBody === 'string' ? fromBody : undefined)
  );
}

/** Form-encoded Send API calls carry `recipient` and `message` as JSON strings. */
function jsonFields(body: object): Record<string, unknown> {
  const out: Record<string, unknown> = { ...body };
  for (const key of ['recipient', 'message']) {
    const value = out[key];
    if (typeof value !== 'string') continue;
    try {
      out[key] = JSON.parse(value) as unknown;
    } catch {
      // left as is; the send answers 100
    }
  }
  return out;
}

/** Fake Graph API: WhatsApp Cloud API and Send API messages, media lookup and download. */
export async function startFakeMetaGraph(
  options: FakeMetaGraphOptions = {},
): Promise<FakeMetaGraph> {
  const state: SendState = { sent: [], actions: [], closedWindows: new Map() };
  const media = new Map<string, Required<FakeMedia> & { sha256: string }>();
  const accounts = createFakeAccounts();
  const profiles = new Map<string, Record<string, string>>();
  // `tokens` also grant ownership of their object, so older tests' tokens prove it too.
  for (const [token, id] of Object.entries(options.tokens ?? {})) {
    accounts.grant(token, { kind: 'page', id });
    accounts.grant(token, {
      kind: 'whatsapp',
      phoneNumberId: id,
      businessAccountId: `waba-of-${id}`,
    });
  }
  let url = '';
  const idsForPages = createFakeIdsForPages(
    { app: options.app, pageSize: options.idsForPagesPageSize },
    () => url,
  );

  /** Who the token belongs to, or the Graph error for a missing or unknown token. */
  const authorize = (
    request: RecordedRequest,
    node: string,
    whatsapp: boolean,
  ): { error: FakeResponse } | { token: string; node: string } => {
    const token = accessToken(request);
    if (!token) return { error: graphError(104, { whatsapp }) };
    if (!options.tokens) return { token, node };
    const owner = options.tokens[token];
    // WhatsApp answers a bad token with 401; the Send API with 400 (logic must use the code).
    if (!owner) return { error: graphError(190, { whatsapp, status: whatsapp ? 401 : 400 }) };
    if (node !== 'me' && node !== owner) {
      return {
        error: graphError(100, {
          subcode: 33,
          whatsapp,
          message: `Unsupported post request. Object with ID '${node}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`,
        }),
      };
    }
    return { token, node: owner };
  };

  const send: RouteHandler = (request, params) => {
    const body = request.body;
    const whatsapp = (body as { messaging_product?: unknown })?.messaging_product === 'whatsapp';
    const auth = authorize(request, params.node ?? '', whatsapp);
    if ('error' in auth) return auth.error;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      return graphError(100, { message: '(#100) The parameter messaging_product is required.' });
    }
    const fields = whatsapp ? (body as Record<string, unknown>) : jsonFields(body);
    return whatsapp
      ? sendWhatsApp(state, auth.node, fields, auth.token)
      : sendMessenger(state, auth.node, fields, auth.token);
  };

  /** Ownership reads (`me`, phone numbers) follow the grants; media follows `tokens`. */
  const lookupNode: RouteHandler = (request, params) => {
    const id = params.node ?? '';
    const token = accessToken(request);
    if (!token) return graphError(104);
    const profile = profiles.get(id);
    if (profile) {
      const fields = (request.query.fields ?? 'id').split(',');
      return {
        status: 200,
        body: Object.fromEntries(
          Object.entries({ id, ...profile }).filter(([k]) => k === 'id' || fields.includes(k)),
        ),
      };
    }
    if (!media.has(id)) {
      if (id === 'me') {
        return accounts.knowsToken(token)
          ? accounts.me(token, request)
          : graphError(190, { status: 400 });
      }
      // A phone number someone holds: Graph checks the token before the object.
      const phone = accounts.phoneNumber(token, id);
      if (phone) return accounts.knowsToken(token) ? phone : graphError(190, { status: 400 });
    }
    return lookupMedia(request, params);
  };

  const lookupMedia: RouteHandler = (request, params) => {
    const id = params.node ?? '';
    const auth = authorize(request, 'me', true);
    if ('error' in auth) return auth.error;
    const item = media.get(id);
    if (!item) {
      return graphError(100, {
        subcode: 33,
        whatsapp: true,
        message: `Unsupported get request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
      });
    }
    const download = `${url}${DOWNLOAD_PATH}?mid=${id}&ext=${Math.floor(Date.now() / 1000)}&hash=${randomHex(8)}`;
    return {
      status: 200,
      body: {
        messaging_product: 'whatsapp',
        url: download,
        mime_type: item.mimeType,
        sha256: item.sha256,
        file_size: item.data.length,
        id,
      },
    };
  };

  // The download URL needs the same bearer token as the lookup.
  const downloadMedia: RouteHandler = (request) => {
    const item = media.get(request.query.mid ?? '');
    if (!bearerToken(request)) return graphError(104, { whatsapp: true, status: 401 });
    if (!item) return { status: 404, raw: 'Not Found', headers: { 'content-type': 'text/plain' } };
    return { status: 200, raw: item.data, headers: { 'content-type': item.mimeType } };
  };

  const http = await startHttpFake({
    routes: [
      { method: 'POST', path: MESSAGES_PATH, handle: send },
      { method: 'GET', path: DOWNLOAD_PATH, handle: downloadMedia },
      {
        method: 'GET',
        path: PHONE_NUMBERS_PATH,
        handle: (request, params) => {
          const token = accessToken(request);
          if (!token) return graphError(104);
          if (!accounts.knowsToken(token)) return graphError(190, { status: 400 });
          return accounts.phoneNumbers(token, params.node ?? '');
        },
      },
      { method: 'GET', path: IDS_FOR_PAGES_PATH, handle: idsForPages.handle },
      { method: 'GET', path: NODE_PATH, handle: lookupNode },
    ],
    defaultFailure: graphError(2),
    notFound: (r) =>
      graphError(100, { message: `Unknown path components: ${r.path}`, type: 'OAuthException' }),
    headers: () => ({ 'x-fb-trace-id': fbtraceId(), 'x-fb-rev': String(randomNumericId(10)) }),
    latencyMs: options.latencyMs,
  });
  url = http.url;

  const isSend = (r: RecordedRequest) => r.method === 'POST' && MESSAGES_PATH.test(r.path);
  const resetHttp = http.reset;
  return Object.assign(http, {
    /** Also forgets sends, actions and closed windows; stored media stays. */
    reset() {
      resetHttp();
      state.sent.length = 0;
      state.actions.length = 0;
      state.closedWindows.clear();
    },
    env: { META_GRAPH_URL: http.url },
    sent: state.sent,
    actions: state.actions,
    sentTo: (recipient: string) =>
      state.sent.filter((s) => s.to === recipient || waId(s.to) === recipient),
    failNextSend(error: number | FakeResponse, count = 1) {
      http.failNext(count, typeof error === 'number' ? graphError(error) : error, isSend);
    },
    closeWindow(recipient: string, error?: FakeResponse) {
      state.closedWindows.set(recipient.startsWith('+') ? waId(recipient) : recipient, error);
    },
    openWindow(recipient: string) {
      state.closedWindows.delete(recipient.startsWith('+') ? waId(recipient) : recipient);
    },
    grant: (token: string, account: FakeAccount) => accounts.grant(token, account),
    setProfile(id: string, profile: Record<string, string>) {
      profiles.set(id, profile);
    },
    setPageScopedIds: (userId: string, ids: readonly FakePageScopedId[]) =>
      idsForPages.set(userId, ids),
    addMedia(item: FakeMedia) {
      const id = item.id ?? String(randomNumericId(16));
      const sha256 = createHash('sha256').update(item.data).digest('hex');
      media.set(id, { ...item, id, sha256 });
      return id;
    },
  });
}
