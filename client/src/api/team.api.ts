import {
  createInvitationResponseSchema,
  teamMemberSchema,
  teamResponseSchema,
  type CreateInvitationRequest,
  type UpdateMemberRequest,
} from '../../../shared/auth.schema';
import { api } from './client';

export const getTeam = () => api.request('/api/team', { schema: teamResponseSchema });

export const inviteMember = (body: CreateInvitationRequest) =>
  api.request('/api/team/invitations', { body, schema: createInvitationResponseSchema });

export const revokeInvitation = (id: string) =>
  api.request(`/api/team/invitations/${encodeURIComponent(id)}`, { method: 'DELETE' });

export const changeRole = (userId: string, body: UpdateMemberRequest) =>
  api.request(`/api/team/${encodeURIComponent(userId)}`, {
    method: 'PATCH',
    body,
    schema: teamMemberSchema,
  });

export const removeMember = (userId: string) =>
  api.request(`/api/team/${encodeURIComponent(userId)}`, { method: 'DELETE' });
