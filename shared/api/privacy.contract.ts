import {
  accountExportSchema,
  consentRequestSchema,
  consentResponseSchema,
  deleteAccountRequestSchema,
  deleteAccountResponseSchema,
  metaDataDeletionResponseSchema,
  metaDeletionStatusSchema,
  metaSignedRequestFormSchema,
} from '../privacy.schema';
import { defineContract } from './contract';
import { receivedAckSchema } from './webhooks.contract';

const SIGNED_FORM = {
  kind: 'raw',
  contentTypes: ['application/x-www-form-urlencoded'],
  schema: metaSignedRequestFormSchema,
} as const;

export const privacyContracts = {
  exportAccount: defineContract({
    method: 'GET',
    path: '/api/account/export',
    access: 'owner',
    tag: 'privacy',
    summary: 'Everything the business holds, as a JSON download (secrets masked)',
    responses: {
      200: {
        description: 'The export.',
        json: accountExportSchema,
        headers: { 'content-disposition': { description: 'attachment; filename="…"' } },
      },
    },
  }),
  deleteAccount: defineContract({
    method: 'DELETE',
    path: '/api/account',
    access: 'owner',
    tag: 'privacy',
    summary: 'Erase the business and every member’s account (password, and code when 2FA is on)',
    body: { kind: 'json', schema: deleteAccountRequestSchema },
    responses: { 202: { description: 'Erased.', json: deleteAccountResponseSchema } },
    errors: ['totp_required'],
  }),
  setConsent: defineContract({
    method: 'POST',
    path: '/api/contacts/:id/consent',
    access: 'member',
    tag: 'privacy',
    summary: 'Record a contact’s consent, or its withdrawal',
    body: { kind: 'json', schema: consentRequestSchema },
    responses: { 200: { description: 'The contact’s consent now.', json: consentResponseSchema } },
  }),
  eraseContact: defineContract({
    method: 'DELETE',
    path: '/api/contacts/:id',
    access: 'admin',
    tag: 'privacy',
    summary: 'Erase a contact and their messages',
    responses: { 204: { description: 'Erased.' } },
  }),
  metaDataDeletion: defineContract({
    method: 'POST',
    path: '/api/meta/data-deletion',
    access: 'public',
    tag: 'privacy',
    summary: 'Meta’s data-deletion callback (a signed_request)',
    rateLimit: 'signed',
    body: SIGNED_FORM,
    responses: {
      200: { description: 'Where the status can be seen.', json: metaDataDeletionResponseSchema },
    },
    errors: ['unauthorized'],
  }),
  metaDeauthorize: defineContract({
    method: 'POST',
    path: '/api/meta/deauthorize',
    access: 'public',
    tag: 'privacy',
    summary: 'Meta’s deauthorize callback (a signed_request)',
    rateLimit: 'signed',
    body: SIGNED_FORM,
    responses: { 200: { description: 'Received.', json: receivedAckSchema } },
    errors: ['unauthorized'],
  }),
  metaDeletionStatus: defineContract({
    method: 'GET',
    path: '/api/meta/data-deletion/:code',
    access: 'public',
    tag: 'privacy',
    summary: 'The status of a data-deletion request, by its confirmation code',
    responses: { 200: { description: 'The status.', json: metaDeletionStatusSchema } },
  }),
} as const;
