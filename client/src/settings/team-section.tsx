import type { TeamMember, TeamResponse } from '../../../shared/auth.schema';
import type { Role } from '../../../shared/domain';
import { changeRole, getTeam, removeMember, revokeInvitation } from '../api/team.api';
import { canManage, useMe } from '../auth/session';
import { Alert } from '../ui/alert';
import { formatDate } from '../ui/format';
import { LoadState } from '../ui/load-state';
import { PageHeader } from '../ui/page-header';
import { useAction } from '../ui/use-action';
import { useResource } from '../ui/use-resource';
import { ConfirmButton } from './confirm-button';
import { InviteForm } from './invite-form';

export const ROLE_NAMES: Readonly<Record<Role, string>> = {
  owner: 'Owner',
  admin: 'Admin',
  agent: 'Agent',
};

/** Members and pending invitations; owners and admins manage, agents see who is on the team. */
export function TeamSection() {
  const me = useMe();
  const manages = canManage(me.role);
  const team = useResource(getTeam, []);
  const act = useAction(async (change: () => Promise<(t: TeamResponse) => TeamResponse>) => {
    const apply = await change();
    team.update(apply);
    return true;
  });

  const setRole = (member: TeamMember, role: 'admin' | 'agent') =>
    act.run(async () => {
      const updated = await changeRole(member.userId, { role });
      return (t) => ({
        ...t,
        members: t.members.map((m) => (m.userId === updated.userId ? updated : m)),
      });
    });

  return (
    <section>
      <PageHeader
        level={2}
        title="Team"
        description={
          manages
            ? 'Invite agents to answer conversations and admins to help run the business. Roles apply on the next click, not at the next sign-in.'
            : 'The people who work in this Parley account. Owners and admins manage the team.'
        }
      />
      {act.error ? <Alert tone="error">{act.error.humanMessage}</Alert> : null}
      <LoadState state={team.state} reload={team.reload} what="the team">
        {(data) => (
          <>
            <div className="table-wrap">
              <table className="table">
                <caption className="visually-hidden">Members</caption>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Role</th>
                    <th scope="col">Two-factor</th>
                    <th scope="col">Joined</th>
                    {manages ? (
                      <th scope="col">
                        <span className="visually-hidden">Actions</span>
                      </th>
                    ) : null}
                  </tr>
                </thead>
                <tbody>
                  {data.members.map((m) => {
                    const editable = manages && m.role !== 'owner' && m.userId !== me.user.id;
                    return (
                      <tr key={m.userId}>
                        <td>
                          <div>{m.name || m.email}</div>
                          {m.name ? <div className="muted small">{m.email}</div> : null}
                        </td>
                        <td>
                          {editable ? (
                            <select
                              className="input input--compact"
                              aria-label={`Role of ${m.name || m.email}`}
                              value={m.role}
                              disabled={act.busy}
                              onChange={(e) => void setRole(m, e.target.value as 'admin' | 'agent')}
                            >
                              <option value="admin">Admin</option>
                              <option value="agent">Agent</option>
                            </select>
                          ) : (
                            <>
                              {ROLE_NAMES[m.role]}
                              {m.userId === me.user.id ? (
                                <span className="muted"> (you)</span>
                              ) : null}
                            </>
                          )}
                        </td>
                        <td>
                          <span
                            className={`badge ${m.twoFactorEnabled ? 'badge--ok' : 'badge--muted'}`}
                          >
                            {m.twoFactorEnabled ? 'On' : 'Off'}
                          </span>
                        </td>
                        <td>{formatDate(m.joinedAt)}</td>
                        {manages ? (
                          <td className="table__actions">
                            {editable ? (
                              <ConfirmButton
                                label="Remove"
                                confirmLabel={`Remove ${m.name || m.email} from the team`}
                                busy={act.busy}
                                onConfirm={async () => {
                                  await act.run(async () => {
                                    await removeMember(m.userId);
                                    return (t) => ({
                                      ...t,
                                      members: t.members.filter((x) => x.userId !== m.userId),
                                    });
                                  });
                                }}
                              />
                            ) : null}
                          </td>
                        ) : null}
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
            {manages && data.invitations.length > 0 ? (
              <>
                <h3 className="section-title">Pending invitations</h3>
                <ul className="plain-list">
                  {data.invitations.map((inv) => (
                    <li key={inv.id} className="plain-list__item">
                      <span>
                        {inv.email} · {ROLE_NAMES[inv.role]}{' '}
                        <span className="muted small">(expires {formatDate(inv.expiresAt)})</span>
                      </span>
                      <ConfirmButton
                        label="Revoke"
                        confirmLabel={`Revoke the invitation for ${inv.email}`}
                        busy={act.busy}
                        onConfirm={async () => {
                          await act.run(async () => {
                            await revokeInvitation(inv.id);
                            return (t) => ({
                              ...t,
                              invitations: t.invitations.filter((x) => x.id !== inv.id),
                            });
                          });
                        }}
                      />
                    </li>
                  ))}
                </ul>
              </>
            ) : null}
          </>
        )}
      </LoadState>
      {manages ? (
        <InviteForm
          onInvited={(invitation) =>
            team.update((t) => ({
              ...t,
              invitations: [
                invitation,
                ...t.invitations.filter((i) => i.email !== invitation.email),
              ],
            }))
          }
        />
      ) : null}
    </section>
  );
}
