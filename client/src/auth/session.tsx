import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import type { MeResponse, SessionResponse, User } from '../../../shared/auth.schema';
import { api } from '../api/client';
import { HUMAN_ERROR_MESSAGES } from '../api/error-messages';
import { navigate } from '../router/location';

export type SessionState =
  | { status: 'loading' }
  /** The API could not be reached at start; nothing is known about the login yet. */
  | { status: 'unreachable' }
  | { status: 'signedOut'; notice: string | null }
  | { status: 'signedIn'; me: MeResponse };

interface SessionContextValue {
  state: SessionState;
  /** Ends the login; lands on the sign-in page unless `stay` (the invitation page). */
  signOut: (options?: { notice?: string; stay?: boolean }) => Promise<void>;
  /** After the account changed (2FA on or off): the new user record. */
  updateUser: (user: User) => void;
  /** The account is gone (erased): forget it locally and show `notice`. */
  endLocally: (notice: string) => void;
  retry: () => void;
}

const SessionContext = createContext<SessionContextValue | null>(null);

const toMe = (s: SessionResponse): MeResponse => ({
  user: s.user,
  business: s.business,
  role: s.role,
});

/**
 * Who is signed in. At start the HttpOnly cookie is traded for an access token (a reload keeps
 * the login without any token in storage); after that the API client reports every new session
 * and the end of the login (refresh refused), which lands on the sign-in page with a reason.
 */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });
  /** Why the next "signed out" happens, when the app itself ends the login. */
  const endingNotice = useRef<string | null>(null);

  useEffect(
    () =>
      api.subscribe((session) => {
        if (session) {
          setState({ status: 'signedIn', me: toMe(session) });
        } else {
          const notice = endingNotice.current ?? HUMAN_ERROR_MESSAGES.unauthorized;
          endingNotice.current = null;
          setState({ status: 'signedOut', notice });
        }
      }),
    [],
  );

  const boot = useCallback(() => {
    setState({ status: 'loading' });
    api.refresh().then(
      (session) => {
        if (!session) setState({ status: 'signedOut', notice: null });
      },
      () => setState({ status: 'unreachable' }),
    );
  }, []);

  useEffect(boot, [boot]);

  const value = useMemo<SessionContextValue>(
    () => ({
      state,
      retry: boot,
      async signOut({ notice = 'You have signed out.', stay = false } = {}) {
        endingNotice.current = notice;
        await api.signOut();
        // No session was held (already ended): the client had nothing to announce.
        setState({ status: 'signedOut', notice });
        endingNotice.current = null;
        // Chosen, not expired: the next person starts fresh rather than on this one's page.
        if (!stay) navigate('/sign-in', { replace: true });
      },
      endLocally(notice) {
        endingNotice.current = notice;
        api.forget();
        setState({ status: 'signedOut', notice });
        endingNotice.current = null;
      },
      updateUser(user) {
        setState((current) =>
          current.status === 'signedIn'
            ? { status: 'signedIn', me: { ...current.me, user } }
            : current,
        );
      },
    }),
    [state, boot],
  );

  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}

/** The signed-in member; only for components rendered inside the signed-in layout. */
export function useMe(): MeResponse {
  const { state } = useSession();
  if (state.status !== 'signedIn') throw new Error('useMe while signed out');
  return state.me;
}

export const canManage = (role: MeResponse['role']) => role === 'owner' || role === 'admin';
