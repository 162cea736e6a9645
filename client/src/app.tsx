import { lazy, Suspense } from 'react';
import { AcceptInvitationPage } from './auth/accept-invitation-page';
import { AuthLayout } from './auth/auth-layout';
import { RegisterPage } from './auth/register-page';
import { canManage, useSession, type SessionState } from './auth/session';
import { SignInPage } from './auth/sign-in-page';
import { InboxPage } from './inbox/inbox-page';
import { LiveFeedProvider } from './realtime/live';
import { AppLayout } from './layout/app-layout';
import { Link, Redirect } from './router/link';
import { useLocation, type AppLocation } from './router/location';
import { matchPath, safeNextPath } from './router/match-path';
import { SettingsPage } from './settings/settings-page';
import { Alert } from './ui/alert';
import { Button } from './ui/button';
import { CLIENT_ERROR_MESSAGES } from './api/error-messages';
import { Spinner } from './ui/load-state';
import { PageHeader } from './ui/page-header';
import { ToastProvider } from './ui/toast';

// Charts are heavy: the analytics page loads on first visit, keeping the inbox's bundle small.
const AnalyticsPage = lazy(() =>
  import('./analytics/analytics-page').then((m) => ({ default: m.AnalyticsPage })),
);

const SIGNED_OUT_PATHS = new Set(['/sign-in', '/register']);

export function App() {
  const session = useSession();
  const location = useLocation();
  const { pathname, search } = location;

  if (session.state.status === 'loading') {
    return (
      <div className="boot">
        <Spinner label="Opening Parley…" />
      </div>
    );
  }
  if (session.state.status === 'unreachable') {
    return (
      <AuthLayout title="Parley is not reachable">
        <Alert tone="error" action={<Button onClick={session.retry}>Try again</Button>}>
          {CLIENT_ERROR_MESSAGES.network}
        </Alert>
      </AuthLayout>
    );
  }
  if (pathname === '/accept-invitation') {
    return <AcceptInvitationPage token={search.get('token')} />;
  }
  if (session.state.status === 'signedOut') return signedOutRoute(location, session.state);
  if (SIGNED_OUT_PATHS.has(pathname)) return <Redirect to={safeNextPath(search.get('next'))} />;
  return (
    <LiveFeedProvider>
      <ToastProvider>
        <AppLayout>{signedInRoute(pathname, session.state.me.role)}</AppLayout>
      </ToastProvider>
    </LiveFeedProvider>
  );
}

function signedOutRoute(
  { pathname, search }: AppLocation,
  state: Extract<SessionState, { status: 'signedOut' }>,
) {
  if (pathname === '/register') return <RegisterPage />;
  if (pathname === '/sign-in') return <SignInPage notice={state.notice} />;
  // Anything else needs a login; come back here after it.
  const here = pathname + (search.size > 0 ? `?${search.toString()}` : '');
  return (
    <Redirect to={pathname === '/' ? '/sign-in' : `/sign-in?next=${encodeURIComponent(here)}`} />
  );
}

function signedInRoute(pathname: string, role: 'owner' | 'admin' | 'agent') {
  if (pathname === '/') return <Redirect to="/inbox" />;
  if (matchPath('/inbox/*', pathname)) return <InboxPage />;
  if (matchPath('/analytics', pathname)) {
    return canManage(role) ? (
      <Suspense fallback={<Spinner label="Loading analytics…" />}>
        <AnalyticsPage />
      </Suspense>
    ) : (
      <NotAllowed />
    );
  }
  if (matchPath('/settings', pathname)) return <SettingsPage section={undefined} />;
  const settings = matchPath('/settings/:section', pathname);
  if (settings) return <SettingsPage section={settings.section} />;
  return <NotFound />;
}

function NotAllowed() {
  return (
    <>
      <PageHeader title="Not available for your role" />
      <p>
        Analytics are for owners and admins. <Link to="/inbox">Go to the inbox</Link>
      </p>
    </>
  );
}

function NotFound() {
  return (
    <>
      <PageHeader title="Page not found" />
      <p>
        There is no page at this address. <Link to="/inbox">Go to the inbox</Link>
      </p>
    </>
  );
}
