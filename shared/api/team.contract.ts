import {
  createInvitationRequestSchema,
  createInvitationResponseSchema,
  teamMemberSchema,
  teamResponseSchema,
  updateMemberRequestSchema,
} from '../auth.schema';
import { defineContract } from './contract';

export const teamContracts = {
  list: defineContract({
    method: 'GET',
    path: '/api/team',
    access: 'member',
    tag: 'team',
    summary: 'Members, and pending invitations for owners and admins',
    responses: { 200: { description: 'The team.', json: teamResponseSchema } },
  }),
  changeRole: defineContract({
    method: 'PATCH',
    path: '/api/team/:userId',
    access: 'admin',
    tag: 'team',
    summary: 'Change a member’s role',
    body: { kind: 'json', schema: updateMemberRequestSchema },
    responses: { 200: { description: 'The member as now.', json: teamMemberSchema } },
  }),
  remove: defineContract({
    method: 'DELETE',
    path: '/api/team/:userId',
    access: 'admin',
    tag: 'team',
    summary: 'Remove a member (and their account)',
    responses: { 204: { description: 'Removed.' } },
  }),
  invite: defineContract({
    method: 'POST',
    path: '/api/team/invitations',
    access: 'admin',
    tag: 'team',
    summary: 'Invite someone; the token is shown once',
    body: { kind: 'json', schema: createInvitationRequestSchema },
    responses: { 201: { description: 'Invited.', json: createInvitationResponseSchema } },
    errors: ['conflict'],
  }),
  revokeInvitation: defineContract({
    method: 'DELETE',
    path: '/api/team/invitations/:id',
    access: 'admin',
    tag: 'team',
    summary: 'Revoke a pending invitation',
    responses: { 204: { description: 'Revoked.' } },
  }),
} as const;
