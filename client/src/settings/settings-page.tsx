import { useMe } from '../auth/session';
import { Link, Redirect } from '../router/link';
import { Alert } from '../ui/alert';
import { sectionsFor } from './settings-sections';

/** `/settings/:section`: the sections this role may use, one at a time. */
export function SettingsPage({ section }: { section: string | undefined }) {
  const me = useMe();
  const sections = sectionsFor(me.role);
  const first = sections[0];
  if (!section && first) return <Redirect to={`/settings/${first.id}`} />;
  const current = sections.find((s) => s.id === section);

  return (
    <div className="settings">
      <h1 className="visually-hidden">Settings</h1>
      <nav className="settings__nav" aria-label="Settings">
        <ul>
          {sections.map((s) => (
            <li key={s.id}>
              <Link className="settings__link" to={`/settings/${s.id}`}>
                {s.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <div className="settings__content">
        {current ? (
          <current.component />
        ) : (
          <Alert tone="info" title="Nothing here for your role">
            This settings page does not exist, or your role does not include it. Ask an owner or
            admin if you need access.
          </Alert>
        )}
      </div>
    </div>
  );
}
