import { useState } from 'react';
import type { AuditAction, AuditEntry } from '../../../shared/audit.schema';
import { getAuditLog } from '../api/account.api';
import { getTeam } from '../api/team.api';
import { Alert } from '../ui/alert';
import { Button } from '../ui/button';
import { formatDateTime } from '../ui/format';
import { LoadState } from '../ui/load-state';
import { PageHeader } from '../ui/page-header';
import { useAction } from '../ui/use-action';
import { useResource } from '../ui/use-resource';

const ACTION_LABELS: Readonly<Record<AuditAction, string>> = {
  'account.registered': 'Business registered',
  'account.exported': 'Data exported',
  'account.deleted': 'Business deleted',
  'auth.login_succeeded': 'Signed in',
  'auth.login_failed': 'Sign-in failed',
  'auth.refresh_reused': 'Stolen session detected and ended',
  'auth.logout': 'Signed out',
  'auth.password_changed': 'Password changed; other sessions ended',
  'auth.signed_out_everywhere': 'Signed out everywhere',
  'two_factor.enabled': 'Two-factor turned on',
  'two_factor.disabled': 'Two-factor turned off',
  'two_factor.recovery_code_used': 'Recovery code used',
  'team.invited': 'Member invited',
  'team.invitation_revoked': 'Invitation revoked',
  'team.joined': 'Member joined',
  'team.role_changed': 'Role changed',
  'team.removed': 'Member removed',
  'integration.created': 'Channel connected',
  'integration.token_changed': 'Channel token changed',
  'integration.deleted': 'Channel removed',
  'payment_provider.updated': 'Payment provider changed',
  'ai_settings.updated': 'AI settings changed',
  'contact.consent_changed': 'Contact consent changed',
  'contact.erased': 'Contact erased',
  'meta.deauthorized': 'Meta app removed by a user',
  'meta.data_deletion': 'Meta data deletion requested',
};

const WARNING_ACTIONS = new Set<AuditAction>(['auth.login_failed', 'auth.refresh_reused']);

function describeMeta(meta: Record<string, unknown>): string {
  return Object.entries(meta)
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(', ');
}

/** Security-relevant events, newest first (owners). */
export function AuditLogSection() {
  const first = useResource(() => getAuditLog(), []);
  const team = useResource(getTeam, []);
  const [more, setMore] = useState<{ items: AuditEntry[]; next: string | null } | null>(null);
  const loadMore = useAction(getAuditLog);

  const names = new Map<string, string>();
  if (team.state.status === 'ready') {
    for (const m of team.state.data.members) names.set(m.userId, m.name || m.email);
  }
  const who = (id: string | null) => (id ? (names.get(id) ?? 'A former member') : 'System');

  return (
    <section>
      <PageHeader
        level={2}
        title="Audit log"
        description="Sign-ins, two-factor and team changes, and changes to channels, payments and AI settings. It never records secrets or message text."
        actions={
          <Button
            size="small"
            onClick={() => {
              setMore(null);
              first.reload();
            }}
          >
            Refresh
          </Button>
        }
      />
      <LoadState state={first.state} reload={first.reload} what="the audit log">
        {(page) => {
          const items = [...page.items, ...(more?.items ?? [])];
          const next = more ? more.next : page.nextCursor;
          return (
            <>
              <div className="table-wrap">
                <table className="table">
                  <caption className="visually-hidden">Audit log</caption>
                  <thead>
                    <tr>
                      <th scope="col">When</th>
                      <th scope="col">What</th>
                      <th scope="col">Who</th>
                      <th scope="col">Details</th>
                      <th scope="col">IP address</th>
                    </tr>
                  </thead>
                  <tbody>
                    {items.map((e) => (
                      <tr key={e.id}>
                        <td className="nowrap">
                          <time dateTime={e.createdAt}>{formatDateTime(e.createdAt)}</time>
                        </td>
                        <td>
                          <span
                            className={WARNING_ACTIONS.has(e.action) ? 'text-warning' : undefined}
                          >
                            {ACTION_LABELS[e.action]}
                          </span>
                        </td>
                        <td>{who(e.actorUserId)}</td>
                        <td className="small">{describeMeta(e.meta)}</td>
                        <td className="small">
                          <code>{e.ip ?? '—'}</code>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              {loadMore.error ? <Alert tone="error">{loadMore.error.humanMessage}</Alert> : null}
              {next ? (
                <div className="form__actions">
                  <Button
                    busy={loadMore.busy}
                    onClick={() =>
                      void loadMore.run(next).then((answer) => {
                        if (answer) {
                          setMore((m) => ({
                            items: [...(m?.items ?? []), ...answer.items],
                            next: answer.nextCursor,
                          }));
                        }
                      })
                    }
                  >
                    Show older entries
                  </Button>
                </div>
              ) : null}
            </>
          );
        }}
      </LoadState>
    </section>
  );
}
