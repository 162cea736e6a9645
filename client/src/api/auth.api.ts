import {
  meResponseSchema,
  sessionResponseSchema,
  twoFactorEnableResponseSchema,
  twoFactorSetupResponseSchema,
  type AcceptInvitationRequest,
  type LoginRequest,
  type RegisterRequest,
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

export const startTwoFactorSetup = () =>
  api.request('/api/auth/2fa/setup', { method: 'POST', schema: twoFactorSetupResponseSchema });

export const enableTwoFactor = (code: string) =>
  api.request('/api/auth/2fa/enable', { body: { code }, schema: twoFactorEnableResponseSchema });

export const disableTwoFactor = (code: string) =>
  api.request('/api/auth/2fa/disable', { body: { code } });
