import { teamContracts } from '../../../shared/api/team.contract';
import type { CreateInvitationRequest, UpdateMemberRequest } from '../../../shared/auth.schema';
import { api } from './client';

export const getTeam = () => api.call(teamContracts.list);

export const inviteMember = (body: CreateInvitationRequest) =>
  api.call(teamContracts.invite, { body });

export const revokeInvitation = (id: string) =>
  api.call(teamContracts.revokeInvitation, { params: { id } });

export const changeRole = (userId: string, body: UpdateMemberRequest) =>
  api.call(teamContracts.changeRole, { params: { userId }, body });

export const removeMember = (userId: string) =>
  api.call(teamContracts.remove, { params: { userId } });
