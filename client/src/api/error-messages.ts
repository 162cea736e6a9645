import type { ErrorCode } from '../../../shared/errors';

/**
 * What a person sees for each API error code. The server's own message is safe to show too,
 * but it is written for integrators; these are written for the agent at the keyboard.
 */
export const HUMAN_ERROR_MESSAGES: Record<ErrorCode, string> = {
  bad_request: 'Something in the form is not right. Check the highlighted fields.',
  unauthorized: 'Your session has ended. Please sign in again.',
  totp_required: 'Enter the 6-digit code from your authenticator app, or a recovery code.',
  forbidden: 'Your role does not allow this. Ask an owner or admin.',
  not_found: 'This no longer exists, or it belongs to another business.',
  method_not_allowed: 'This action is not available here.',
  conflict: 'Someone else changed this a moment ago. The view has been refreshed.',
  payload_too_large: 'That is too large to send. Try a smaller file.',
  unprocessable: 'That could not be done as asked. The message below says why.',
  unsupported_media_type: 'That kind of content cannot be sent here.',
  rate_limited: 'Too many requests in a short time. Wait a moment and try again.',
  internal: 'Something went wrong on our side. Please try again.',
  unavailable: 'Parley is briefly unavailable. Retrying…',
};

/** Failures that never reached the API, or came back in a shape this app does not know. */
export const CLIENT_ERROR_MESSAGES = {
  network: 'Parley cannot be reached. Check your connection; your work is kept.',
  invalid_response: 'Parley answered in a way this page does not understand. Reload the page.',
} as const;
