import { randomBytes } from 'node:crypto';
import { generate } from 'otplib';
import { sessionResponseSchema, type SessionResponse } from '../../shared/auth.schema';
import { request } from './http';

export const PASSWORD = 'correct horse battery staple';

/** A session as a client that is not a browser gets it: the refresh token in the body too. */
export type ApiSession = SessionResponse & { refreshToken: string };

export interface Signup extends ApiSession {
  email: string;
  password: string;
}

/** The session of a 2xx answer; tests talk to the API as a non-browser client. */
export function apiSession(body: unknown): ApiSession {
  const session = sessionResponseSchema.parse(body);
  if (!session.refreshToken) throw new Error('no refresh token in the body');
  return { ...session, refreshToken: session.refreshToken };
}

let counter = 0;
export const uniqueEmail = (label = 'user') =>
  `${label}-${++counter}-${randomBytes(3).toString('hex')}@example.com`;

/** Registers a new business; its owner's session comes back with the credentials used. */
export async function registerBusiness(
  baseUrl: string,
  businessName = `Shop ${randomBytes(2).toString('hex')}`,
): Promise<Signup> {
  const email = uniqueEmail('owner');
  const res = await request(baseUrl, '/api/auth/register', {
    json: { businessName, email, password: PASSWORD, name: 'Owner' },
  });
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${res.text}`);
  return { ...apiSession(res.body), email, password: PASSWORD };
}

export async function login(baseUrl: string, email: string, password = PASSWORD, totp?: string) {
  return request<ApiSession>(baseUrl, '/api/auth/login', {
    json: { email, password, ...(totp ? { totp } : {}) },
  });
}

/** Invites `role` and accepts as a new user; returns the member's session. */
export async function addMember(
  baseUrl: string,
  ownerToken: string,
  role: 'admin' | 'agent',
): Promise<Signup> {
  const email = uniqueEmail(role);
  const invite = await request<{ token: string }>(baseUrl, '/api/team/invitations', {
    token: ownerToken,
    json: { email, role },
  });
  if (invite.status !== 201) throw new Error(`invite failed: ${invite.status} ${invite.text}`);
  const accept = await request(baseUrl, '/api/auth/accept-invitation', {
    json: { token: invite.body.token, name: `A ${role}`, password: PASSWORD },
  });
  if (accept.status !== 201) throw new Error(`accept failed: ${accept.status} ${accept.text}`);
  return { ...apiSession(accept.body), email, password: PASSWORD };
}

/** The code an authenticator app would show `offsetSteps` periods from now. */
export function totpCode(secret: string, offsetSteps = 0): Promise<string> {
  return generate({ secret, epoch: Math.floor(Date.now() / 1000) + offsetSteps * 30 });
}
