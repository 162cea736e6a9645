import { z } from 'zod';
import { ROLES } from './domain';

/** docs/api.md, "Auth and accounts". Dates are ISO 8601 strings. */

export const PASSWORD_MIN_LENGTH = 10;
/** bcrypt reads at most 72 bytes; longer passwords are refused rather than truncated. */
export const PASSWORD_MAX_BYTES = 72;

export const emailSchema = z.string().trim().toLowerCase().pipe(z.email().max(254));
/** A new password; the server also refuses common ones and anything over 72 bytes. */
export const newPasswordSchema = z.string().min(PASSWORD_MIN_LENGTH).max(PASSWORD_MAX_BYTES);
/** An existing password: no policy, so a login never tells which rule an old password breaks. */
export const passwordSchema = z.string().min(1).max(1024);
/** A 6-digit TOTP code or a recovery code (`xxxxx-xxxxx-xxxxx-xxxxx`). */
export const otpSchema = z.string().trim().min(6).max(64);
/** Roles an invitation or a role change may grant; ownership is not transferable here. */
export const ASSIGNABLE_ROLES = ['admin', 'agent'] as const;

export const registerRequestSchema = z.object({
  businessName: z.string().trim().min(1).max(120),
  email: emailSchema,
  password: newPasswordSchema,
  name: z.string().trim().max(120).optional(),
});
export type RegisterRequest = z.infer<typeof registerRequestSchema>;

export const loginRequestSchema = z.object({
  email: emailSchema,
  password: passwordSchema,
  totp: otpSchema.optional(),
});
export type LoginRequest = z.infer<typeof loginRequestSchema>;

/** The body may be empty: the web client sends the refresh token as the `parley_rt` cookie. */
export const refreshRequestSchema = z
  .object({ refreshToken: z.string().min(1).max(256).optional() })
  .optional();

export const userSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  twoFactorEnabled: z.boolean(),
});
export type User = z.infer<typeof userSchema>;

export const businessSchema = z.object({ id: z.string(), name: z.string() });

export const sessionResponseSchema = z.object({
  accessToken: z.string(),
  /**
   * Only for clients that are not browsers; a browser gets it as the HttpOnly `parley_rt`
   * cookie alone, out of reach of scripts.
   */
  refreshToken: z.string().optional(),
  /** When the access token expires; refresh shortly before. */
  accessTokenExpiresAt: z.string(),
  user: userSchema,
  business: businessSchema,
  role: z.enum(ROLES),
});
export type SessionResponse = z.infer<typeof sessionResponseSchema>;

export const meResponseSchema = z.object({
  user: userSchema,
  business: businessSchema,
  role: z.enum(ROLES),
});
export type MeResponse = z.infer<typeof meResponseSchema>;

export const twoFactorSetupResponseSchema = z.object({
  secret: z.string(),
  otpauthUrl: z.string(),
  qrSvg: z.string(),
});
export type TwoFactorSetupResponse = z.infer<typeof twoFactorSetupResponseSchema>;

export const twoFactorCodeRequestSchema = z.object({ code: otpSchema });

/** Starting two-factor setup needs the current password: a stolen token alone cannot. */
export const twoFactorSetupRequestSchema = z.object({ password: passwordSchema });

/** Turning two-factor off needs a code (or a recovery code) and the current password. */
export const twoFactorDisableRequestSchema = z.object({
  code: otpSchema,
  password: passwordSchema,
});

/** A new password; every other session of the account ends. */
export const passwordChangeRequestSchema = z.object({
  currentPassword: passwordSchema,
  newPassword: newPasswordSchema,
});
export type PasswordChangeRequest = z.infer<typeof passwordChangeRequestSchema>;

export const twoFactorEnableResponseSchema = z.object({
  recoveryCodes: z.array(z.string()).length(10),
});
export type TwoFactorEnableResponse = z.infer<typeof twoFactorEnableResponseSchema>;

export const teamMemberSchema = z.object({
  userId: z.string(),
  email: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  twoFactorEnabled: z.boolean(),
  joinedAt: z.string(),
});
export type TeamMember = z.infer<typeof teamMemberSchema>;

export const invitationSchema = z.object({
  id: z.string(),
  email: z.string(),
  role: z.enum(ASSIGNABLE_ROLES),
  expiresAt: z.string(),
  createdAt: z.string(),
});
export type Invitation = z.infer<typeof invitationSchema>;

/** Pending invitations are listed to owners and admins only. */
export const teamResponseSchema = z.object({
  members: z.array(teamMemberSchema),
  invitations: z.array(invitationSchema),
});
export type TeamResponse = z.infer<typeof teamResponseSchema>;

export const createInvitationRequestSchema = z.object({
  email: emailSchema,
  role: z.enum(ASSIGNABLE_ROLES),
});
export type CreateInvitationRequest = z.infer<typeof createInvitationRequestSchema>;

/** The token is shown once, to the inviter, who passes it on (the invitee's link carries it). */
export const createInvitationResponseSchema = z.object({
  invitation: invitationSchema,
  token: z.string(),
});
export type CreateInvitationResponse = z.infer<typeof createInvitationResponseSchema>;

export const acceptInvitationRequestSchema = z.object({
  token: z.string().min(1).max(256),
  name: z.string().trim().min(1).max(120),
  password: newPasswordSchema,
});
export type AcceptInvitationRequest = z.infer<typeof acceptInvitationRequestSchema>;

export const updateMemberRequestSchema = z.object({ role: z.enum(ASSIGNABLE_ROLES) });
export type UpdateMemberRequest = z.infer<typeof updateMemberRequestSchema>;
