import { eq } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import { auditLogResponseSchema } from '../../shared/audit.schema';
import {
  createInvitationResponseSchema,
  sessionResponseSchema,
  teamResponseSchema,
} from '../../shared/auth.schema';
import { errorBodySchema } from '../../shared/errors';
import type { RunningNode } from '../../server/main';
import { invitations } from '../../server/persistence/schema';
import { addMember, login, PASSWORD, registerBusiness, uniqueEmail } from '../helpers/auth';
import { request } from '../helpers/http';
import { describeModes } from '../helpers/modes';

const codeOf = (body: unknown) => errorBodySchema.parse(body).error.code;

describeModes('team and invitations', (cluster) => {
  let node: RunningNode;

  beforeAll(async () => {
    node = await cluster.start();
  });

  const invite = (token: string, json: unknown) =>
    request(node.url, '/api/team/invitations', { token, json });
  const accept = (token: string, password = PASSWORD) =>
    request(node.url, '/api/auth/accept-invitation', {
      json: { token, name: 'New Member', password },
    });
  const team = async (token: string) =>
    teamResponseSchema.parse((await request(node.url, '/api/team', { token })).body);

  it('invites with a single-use token that opens a session with the invited role', async () => {
    const owner = await registerBusiness(node.url);
    const email = uniqueEmail('agent');
    const res = await invite(owner.accessToken, { email, role: 'agent' });
    expect(res.status).toBe(201);
    const { invitation, token } = createInvitationResponseSchema.parse(res.body);
    expect(invitation).toMatchObject({ email, role: 'agent' });
    expect((await team(owner.accessToken)).invitations.map((i) => i.id)).toEqual([invitation.id]);

    const joined = await accept(token);
    expect(joined.status).toBe(201);
    const session = sessionResponseSchema.parse(joined.body);
    expect(session).toMatchObject({ role: 'agent', business: { id: owner.business.id } });
    expect((await login(node.url, email)).status).toBe(200);

    expect((await accept(token)).status).toBe(400);
    const list = await team(owner.accessToken);
    expect(list.members.map((m) => m.role)).toEqual(['owner', 'agent']);
    expect(list.invitations).toEqual([]);
  });

  it('refuses expired, revoked and replaced invitations, and bad input changes nothing', async () => {
    const owner = await registerBusiness(node.url);
    const email = uniqueEmail('late');
    const first = createInvitationResponseSchema.parse(
      (await invite(owner.accessToken, { email, role: 'agent' })).body,
    );
    const second = createInvitationResponseSchema.parse(
      (await invite(owner.accessToken, { email, role: 'admin' })).body,
    );
    expect((await accept(first.token)).status).toBe(400);

    // A weak password is refused and the invitation stays usable.
    expect((await accept(second.token, 'password1')).status).toBe(400);
    await node.app.database.db
      .update(invitations)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(invitations.id, second.invitation.id));
    expect((await accept(second.token)).status).toBe(400);

    const third = createInvitationResponseSchema.parse(
      (await invite(owner.accessToken, { email, role: 'agent' })).body,
    );
    const revoke = await request(node.url, `/api/team/invitations/${third.invitation.id}`, {
      method: 'DELETE',
      token: owner.accessToken,
    });
    expect(revoke.status).toBe(204);
    expect((await accept(third.token)).status).toBe(400);
    expect((await accept('not-a-token')).status).toBe(400);

    for (const json of [{ email, role: 'owner' }, { email: 'nope', role: 'agent' }, { email }]) {
      expect((await invite(owner.accessToken, json)).status, JSON.stringify(json)).toBe(400);
    }
    expect((await team(owner.accessToken)).invitations).toEqual([]);
    expect((await team(owner.accessToken)).members).toHaveLength(1);
    // An existing member cannot be invited again.
    expect((await invite(owner.accessToken, { email: owner.email, role: 'agent' })).status).toBe(
      409,
    );
  });

  it('refuses an invitation for an email that already has an account elsewhere', async () => {
    const other = await registerBusiness(node.url);
    const owner = await registerBusiness(node.url);
    const res = await invite(owner.accessToken, { email: other.email, role: 'agent' });
    expect(res.status).toBe(201);
    const { token } = createInvitationResponseSchema.parse(res.body);
    expect((await accept(token)).status).toBe(409);
  });

  it('lets only owners and admins manage the team', async () => {
    const owner = await registerBusiness(node.url);
    const agent = await addMember(node.url, owner.accessToken, 'agent');
    const admin = await addMember(node.url, owner.accessToken, 'admin');

    const byAgent = await invite(agent.accessToken, { email: uniqueEmail(), role: 'agent' });
    expect(byAgent.status).toBe(403);
    expect(codeOf(byAgent.body)).toBe('forbidden');
    expect(
      (
        await request(node.url, `/api/team/${admin.user.id}`, {
          method: 'PATCH',
          token: agent.accessToken,
          json: { role: 'agent' },
        })
      ).status,
    ).toBe(403);
    // Agents see the team but not the pending invitations.
    await invite(owner.accessToken, { email: uniqueEmail(), role: 'agent' });
    const seenByAgent = await team(agent.accessToken);
    expect(seenByAgent.members).toHaveLength(3);
    expect(seenByAgent.invitations).toEqual([]);

    expect((await invite(admin.accessToken, { email: uniqueEmail(), role: 'admin' })).status).toBe(
      201,
    );
    const patch = (token: string, userId: string, role: string) =>
      request(node.url, `/api/team/${userId}`, { method: 'PATCH', token, json: { role } });
    expect((await patch(admin.accessToken, owner.user.id, 'agent')).status).toBe(403);
    expect((await patch(admin.accessToken, admin.user.id, 'agent')).status).toBe(403);
    expect((await patch(owner.accessToken, agent.user.id, 'owner')).status).toBe(400);
    expect(
      (await patch(owner.accessToken, '00000000-0000-4000-8000-000000000000', 'agent')).status,
    ).toBe(404);
    expect((await patch(owner.accessToken, 'not-a-uuid', 'agent')).status).toBe(404);
    const stranger = await registerBusiness(node.url);
    expect((await patch(owner.accessToken, stranger.user.id, 'agent')).status).toBe(404);
  });

  it('applies role changes and removals on the next request, not at token expiry', async () => {
    const owner = await registerBusiness(node.url);
    const member = await addMember(node.url, owner.accessToken, 'agent');
    const adminOnly = () => request(node.url, '/api/integrations', { token: member.accessToken });
    expect((await adminOnly()).status).toBe(403);

    const promoted = await request(node.url, `/api/team/${member.user.id}`, {
      method: 'PATCH',
      token: owner.accessToken,
      json: { role: 'admin' },
    });
    expect(promoted).toMatchObject({
      status: 200,
      body: { userId: member.user.id, role: 'admin' },
    });
    expect((await adminOnly()).status).toBe(200);
    expect((await request(node.url, '/api/me', { token: member.accessToken })).body).toMatchObject({
      role: 'admin',
    });

    await request(node.url, `/api/team/${member.user.id}`, {
      method: 'PATCH',
      token: owner.accessToken,
      json: { role: 'agent' },
    });
    expect((await adminOnly()).status).toBe(403);

    const removed = await request(node.url, `/api/team/${member.user.id}`, {
      method: 'DELETE',
      token: owner.accessToken,
    });
    expect(removed.status).toBe(204);
    expect((await request(node.url, '/api/me', { token: member.accessToken })).status).toBe(401);
    expect(
      (
        await request(node.url, '/api/auth/refresh', {
          json: { refreshToken: member.refreshToken },
        })
      ).status,
    ).toBe(401);
    expect((await login(node.url, member.email)).status).toBe(401);
    expect((await team(owner.accessToken)).members).toHaveLength(1);
    // The email is free again.
    expect((await invite(owner.accessToken, { email: member.email, role: 'agent' })).status).toBe(
      201,
    );
    expect(
      (
        await request(node.url, `/api/team/${owner.user.id}`, {
          method: 'DELETE',
          token: owner.accessToken,
        })
      ).status,
    ).toBe(403);

    const audit = await request(node.url, '/api/audit-log', { token: owner.accessToken });
    const actions = auditLogResponseSchema.parse(audit.body).items.map((i) => i.action);
    expect(actions).toEqual(
      expect.arrayContaining(['team.invited', 'team.joined', 'team.role_changed', 'team.removed']),
    );
  });
});
