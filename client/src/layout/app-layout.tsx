import { useEffect, useRef, type ReactNode } from 'react';
import { useMe, useSession } from '../auth/session';
import { ConnectionBanner } from '../connection/connection-banner';
import { Link } from '../router/link';
import { useLocation } from '../router/location';
import { Button } from '../ui/button';
import { NAV_ITEMS } from './nav-items';

const ROLE_LABELS = { owner: 'Owner', admin: 'Admin', agent: 'Agent' } as const;

/** The signed-in frame: navigation on the left (on top on small screens), the page beside it. */
export function AppLayout({ children }: { children: ReactNode }) {
  const me = useMe();
  const { signOut } = useSession();
  const { pathname } = useLocation();
  const main = useRef<HTMLElement>(null);
  const firstRender = useRef(true);
  // The page, not the path: opening a conversation inside the inbox keeps focus where it is.
  const section = pathname.startsWith('/inbox/') ? '/inbox' : pathname;

  // After a client-side navigation, start screen readers and keyboard focus at the new page.
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    main.current?.focus();
  }, [section]);

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <aside className="sidebar">
        <div className="brand">
          <img src="/favicon.svg" alt="" width="24" height="24" />
          <span>Parley</span>
        </div>
        <p className="sidebar__business" title={me.business.name}>
          {me.business.name}
        </p>
        <nav aria-label="Main">
          <ul className="nav">
            {NAV_ITEMS.filter((item) => item.roles.includes(me.role)).map((item) => (
              <li key={item.to}>
                <Link className="nav__link" to={item.to} matchPrefix>
                  {item.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div className="sidebar__account">
          <div className="account" data-testid="signed-in-as">
            <span className="account__name">{me.user.name || me.user.email}</span>
            <span className="account__meta">
              {me.user.name ? `${me.user.email} · ` : ''}
              {ROLE_LABELS[me.role]}
            </span>
          </div>
          <Button size="small" variant="ghost" onClick={() => void signOut()}>
            Sign out
          </Button>
        </div>
      </aside>
      <div className="shell__content">
        <ConnectionBanner />
        <main className="main" id="main" tabIndex={-1} ref={main}>
          {children}
        </main>
      </div>
    </div>
  );
}
