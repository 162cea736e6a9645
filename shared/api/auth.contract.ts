import {
  acceptInvitationRequestSchema,
  loginRequestSchema,
  meResponseSchema,
  passwordChangeRequestSchema,
  refreshRequestSchema,
  registerRequestSchema,
  sessionResponseSchema,
  twoFactorCodeRequestSchema,
  twoFactorDisableRequestSchema,
  twoFactorEnableResponseSchema,
  twoFactorSetupRequestSchema,
  twoFactorSetupResponseSchema,
} from '../auth.schema';
import { defineContract, type HeaderSpec } from './contract';

const SETS_COOKIE: Record<string, HeaderSpec> = {
  'set-cookie': {
    description:
      'The refresh token as the HttpOnly `parley_rt` cookie (Path=/api/auth); browsers get it only here.',
  },
};
const CLEARS_COOKIE: Record<string, HeaderSpec> = {
  'set-cookie': { description: 'Clears the `parley_rt` cookie.' },
};

/** A sign-in's answer: the session, and its refresh token as the cookie. */
const session = <S extends 200 | 201>(status: S, description: string) =>
  ({ [status]: { description, json: sessionResponseSchema, headers: SETS_COOKIE } }) as Record<
    S,
    { description: string; json: typeof sessionResponseSchema; headers: typeof SETS_COOKIE }
  >;

export const authContracts = {
  register: defineContract({
    method: 'POST',
    path: '/api/auth/register',
    access: 'public',
    tag: 'auth',
    summary: 'Create a business and its owner, and sign in',
    body: { kind: 'json', schema: registerRequestSchema },
    responses: session(201, 'Registered and signed in.'),
    errors: ['conflict'],
  }),
  login: defineContract({
    method: 'POST',
    path: '/api/auth/login',
    access: 'public',
    tag: 'auth',
    summary: 'Sign in with email and password (and the second factor when it is on)',
    body: { kind: 'json', schema: loginRequestSchema },
    responses: session(200, 'Signed in.'),
    errors: ['unauthorized', 'totp_required'],
  }),
  acceptInvitation: defineContract({
    method: 'POST',
    path: '/api/auth/accept-invitation',
    access: 'public',
    tag: 'auth',
    summary: 'Join a business with an invitation token, and sign in',
    body: { kind: 'json', schema: acceptInvitationRequestSchema },
    responses: session(201, 'Joined and signed in.'),
    errors: ['conflict'],
  }),
  refresh: defineContract({
    method: 'POST',
    path: '/api/auth/refresh',
    access: 'public',
    credentials: 'refresh-token',
    tag: 'auth',
    summary: 'Spend the refresh token for the next session of its login',
    body: { kind: 'json', schema: refreshRequestSchema },
    responses: session(200, 'The next session; the old refresh token is spent.'),
    errors: ['unauthorized'],
  }),
  logout: defineContract({
    method: 'POST',
    path: '/api/auth/logout',
    access: 'public',
    credentials: 'refresh-token',
    tag: 'auth',
    summary: 'End this login',
    body: { kind: 'json', schema: refreshRequestSchema },
    responses: { 204: { description: 'Signed out.', headers: CLEARS_COOKIE } },
  }),
  me: defineContract({
    method: 'GET',
    path: '/api/me',
    access: 'member',
    tag: 'auth',
    summary: 'The signed-in user, their business and role',
    responses: { 200: { description: 'Who is calling.', json: meResponseSchema } },
  }),
  changePassword: defineContract({
    method: 'POST',
    path: '/api/auth/password',
    access: 'member',
    tag: 'auth',
    summary: 'Change the password; every other session ends',
    body: { kind: 'json', schema: passwordChangeRequestSchema },
    responses: { 204: { description: 'Changed.' } },
  }),
  logoutAll: defineContract({
    method: 'POST',
    path: '/api/auth/logout-all',
    access: 'member',
    tag: 'auth',
    summary: 'Sign out everywhere, this session included',
    responses: { 204: { description: 'Every session ended.', headers: CLEARS_COOKIE } },
  }),
  twoFactorSetup: defineContract({
    method: 'POST',
    path: '/api/auth/2fa/setup',
    access: 'member',
    tag: 'auth',
    summary: 'Start two-factor setup: a new TOTP secret (needs the password)',
    body: { kind: 'json', schema: twoFactorSetupRequestSchema },
    responses: { 200: { description: 'The pending secret.', json: twoFactorSetupResponseSchema } },
    errors: ['conflict'],
  }),
  twoFactorEnable: defineContract({
    method: 'POST',
    path: '/api/auth/2fa/enable',
    access: 'member',
    tag: 'auth',
    summary: 'Turn two-factor on with a code from the app',
    body: { kind: 'json', schema: twoFactorCodeRequestSchema },
    responses: {
      200: {
        description: 'On; the recovery codes, shown once.',
        json: twoFactorEnableResponseSchema,
      },
    },
    errors: ['conflict'],
  }),
  twoFactorDisable: defineContract({
    method: 'POST',
    path: '/api/auth/2fa/disable',
    access: 'member',
    tag: 'auth',
    summary: 'Turn two-factor off (a code or recovery code, and the password)',
    body: { kind: 'json', schema: twoFactorDisableRequestSchema },
    responses: { 204: { description: 'Off.' } },
    errors: ['conflict'],
  }),
} as const;
