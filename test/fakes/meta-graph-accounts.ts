import type { FakeResponse } from './http-fake';
import { graphError } from './meta-graph-errors';
import type { RecordedRequest } from './request-matching';

/**
 * What a token controls in the fake Graph API, so Parley's ownership proof (connecting a
 * channel) meets Meta's answers: a Page token's `GET /me` is the Page (with its linked
 * Instagram account), a WhatsApp system-user token reads its phone numbers and its WABA's
 * `phone_numbers` edge, and any other token or object is refused the way Graph refuses it.
 */
export type FakeAccount =
  | {
      readonly kind: 'page';
      readonly id: string;
      readonly name?: string;
      /** The Instagram professional account linked to the Page. */
      readonly instagram?: { readonly id: string; readonly username?: string };
    }
  | { readonly kind: 'instagram'; readonly id: string; readonly username?: string }
  | {
      readonly kind: 'whatsapp';
      readonly phoneNumberId: string;
      readonly businessAccountId: string;
      readonly displayPhoneNumber?: string;
      readonly verifiedName?: string;
    };

export interface FakeAccounts {
  grant(token: string, account: FakeAccount): void;
  /** `GET /me?fields=…` */
  me(token: string, request: RecordedRequest): FakeResponse;
  /** `GET /{phone-number-id}?fields=…`, or null when the id is no phone number of a grant. */
  phoneNumber(token: string, id: string): FakeResponse | null;
  /** `GET /{waba-id}/phone_numbers` */
  phoneNumbers(token: string, businessAccountId: string): FakeResponse;
  knowsToken(token: string): boolean;
}

const fieldsOf = (request: RecordedRequest) =>
  new Set((request.query.fields ?? 'id').split(',').map((f) => f.replace(/\{.*$/, '').trim()));

const unsupportedGet = (id: string) =>
  graphError(100, {
    subcode: 33,
    message: `Unsupported get request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`,
  });

export function createFakeAccounts(): FakeAccounts {
  const grants = new Map<string, FakeAccount[]>();
  const of = (token: string) => grants.get(token) ?? [];
  const phones = () =>
    [...grants.values()].flat().filter((a) => a.kind === 'whatsapp') as Extract<
      FakeAccount,
      { kind: 'whatsapp' }
    >[];
  const phoneView = (p: Extract<FakeAccount, { kind: 'whatsapp' }>) => ({
    id: p.phoneNumberId,
    display_phone_number: p.displayPhoneNumber ?? '+1 555-010-0000',
    verified_name: p.verifiedName ?? 'Test Business',
    quality_rating: 'GREEN',
    code_verification_status: 'VERIFIED',
  });

  return {
    grant(token, account) {
      grants.set(token, [...of(token), account]);
    },
    knowsToken: (token) => grants.has(token),
    me(token, request) {
      const owner = of(token).find((a) => a.kind !== 'whatsapp');
      // A WhatsApp system-user token's `me` is the system user, never a Page or IG account.
      if (!owner) return graphError(190, { status: 400 });
      const fields = fieldsOf(request);
      if (owner.kind === 'instagram') {
        if (fields.has('instagram_business_account')) {
          return graphError(100, {
            message: '(#100) Tried accessing nonexisting field (instagram_business_account)',
          });
        }
        return {
          status: 200,
          body: { id: owner.id, ...(fields.has('username') ? { username: owner.username } : {}) },
        };
      }
      return {
        status: 200,
        body: {
          id: owner.id,
          ...(fields.has('name') ? { name: owner.name ?? 'Test Page' } : {}),
          ...(fields.has('instagram_business_account') && owner.instagram
            ? {
                instagram_business_account: {
                  id: owner.instagram.id,
                  username: owner.instagram.username,
                },
              }
            : {}),
        },
      };
    },
    phoneNumber(token, id) {
      const phone = of(token).find((a) => a.kind === 'whatsapp' && a.phoneNumberId === id);
      if (phone?.kind === 'whatsapp') return { status: 200, body: phoneView(phone) };
      return phones().some((p) => p.phoneNumberId === id) ? unsupportedGet(id) : null;
    },
    phoneNumbers(token, businessAccountId) {
      const mine = of(token).some(
        (a) => a.kind === 'whatsapp' && a.businessAccountId === businessAccountId,
      );
      if (!mine) return unsupportedGet(businessAccountId);
      const byId = new Map(
        phones()
          .filter((p) => p.businessAccountId === businessAccountId)
          .map((p) => [p.phoneNumberId, phoneView(p)]),
      );
      const data = [...byId.values()];
      return {
        status: 200,
        body: { data, paging: { cursors: { before: 'QVFIUmFk', after: 'QVFIUmFk' } } },
      };
    },
  };
}
