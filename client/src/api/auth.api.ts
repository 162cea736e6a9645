import { authContracts } from '../../../shared/api/auth.contract';
import type {
  AcceptInvitationRequest,
  LoginRequest,
  PasswordChangeRequest,
  RegisterRequest,
} from '../../../shared/auth.schema';
import { api } from './client';

/** Sign-in calls answer a session; the client adopts it, so the caller only routes on. */
export async function register(body: RegisterRequest) {
  const session = await api.call(authContracts.register, { body });
  api.startSession(session);
  return session;
}

export async function login(body: LoginRequest) {
  const session = await api.call(authContracts.login, { body });
  api.startSession(session);
  return session;
}

export async function acceptInvitation(body: AcceptInvitationRequest) {
  const session = await api.call(authContracts.acceptInvitation, { body });
  api.startSession(session);
  return session;
}

export const fetchMe = () => api.call(authContracts.me);

/** Needs the current password: a stolen access token alone cannot add an authenticator. */
export const startTwoFactorSetup = (password: string) =>
  api.call(authContracts.twoFactorSetup, { body: { password } });

export const enableTwoFactor = (code: string) =>
  api.call(authContracts.twoFactorEnable, { body: { code } });

/** `code` may also be a recovery code: that is what someone who lost the phone has. */
export const disableTwoFactor = (code: string, password: string) =>
  api.call(authContracts.twoFactorDisable, { body: { code, password } });

/** Ends every other session of the account; this one stays signed in. */
export const changePassword = (body: PasswordChangeRequest) =>
  api.call(authContracts.changePassword, { body });

/**
 * Ends every session of the account, this one included (the server clears the cookie); the
 * caller still signs out locally, which forgets the access token.
 */
export const signOutEverywhere = () => api.call(authContracts.logoutAll);
