import {
  meResponseSchema,
  sessionResponseSchema,
  twoFactorEnableResponseSchema,
  twoFactorSetupResponseSchema,
  type AcceptInvitationRequest,
  type LoginRequest,
  type PasswordChangeRequest,
  type RegisterRequest,
  type TwoFactorDisableRequest,
  type TwoFactorSetupRequest,
} from '../../../shared/auth.schema';
import { api } from './client';

/** Sign-in calls answer a session; the client adopts it, so the caller only routes on. */
export async function register(body: RegisterRequest) {
  const session = await api.request('/api/auth/register', {
    body,
    schema: sessionResponseSchema,
    auth: false,
  });
  api.startSession(session);
  return session;
}

export async function login(body: LoginRequest) {
  const session = await api.request('/api/auth/login', {
    body,
    schema: sessionResponseSchema,
    auth: false,
  });
  api.startSession(session);
  return session;
}

export async function acceptInvitation(body: AcceptInvitationRequest) {
  const session = await api.request('/api/auth/accept-invitation', {
    body,
    schema: sessionResponseSchema,
    auth: false,
  });
  api.startSession(session);
  return session;
}

export const fetchMe = () => api.request('/api/me', { schema: meResponseSchema });

/** Needs the current password: a stolen access token alone cannot add an authenticator. */
export const startTwoFactorSetup = (password: string) =>
  api.request('/api/auth/2fa/setup', {
    body: { password } satisfies TwoFactorSetupRequest,
    schema: twoFactorSetupResponseSchema,
  });

export const enableTwoFactor = (code: string) =>
  api.request('/api/auth/2fa/enable', { body: { code }, schema: twoFactorEnableResponseSchema });

/** `code` may also be a recovery code: that is what someone who lost the phone has. */
export const disableTwoFactor = (code: string, password: string) =>
  api.request('/api/auth/2fa/disable', {
    body: { code, password } satisfies TwoFactorDisableRequest,
  });

/** Ends every other session of the account; this one stays signed in. */
export const changePassword = (body: PasswordChangeRequest) =>
  api.request('/api/auth/password', { body });

/**
 * Ends every session of the account, this one included (the server clears the cookie); the
 * caller still signs out locally, which forgets the access token.
 */
export const signOutEverywhere = () => api.request('/api/auth/logout-all', { method: 'POST' });
