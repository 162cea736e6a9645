import { eq } from 'drizzle-orm';
import { decodeJwt } from 'jose';
import type { Role } from '../../shared/domain';
import type { Authenticator } from '../http/route';
import type { Db } from '../persistence/db';
import { users } from '../persistence/schema';

/** Who a dashboard socket is, fixed at the handshake (a role change disconnects it). */
export interface SocketIdentity {
  userId: string;
  businessId: string;
  role: Role;
  /** The login; its sockets share the room `session:<id>` and end with it. */
  sessionId: string;
  name: string | null;
  /** When the access token expires (ms since the epoch): the socket is closed then. */
  expiresAt: number;
}

/** The refusal a client sees: `connect_error` with message and `data.code` `unauthorized`. */
export class SocketRefused extends Error {
  readonly data = { code: 'unauthorized' as const };
  constructor() {
    super('unauthorized');
    this.name = 'SocketRefused';
  }
}

/**
 * The handshake check, the same as every HTTP request's (server/auth/authenticator.ts): a
 * valid access token, a live login and a current membership. Anything else is `unauthorized`,
 * with no detail (a probe learns nothing about which part failed).
 */
export async function authenticateSocket(
  deps: { authenticator: Authenticator; db: Db },
  token: unknown,
): Promise<SocketIdentity> {
  if (typeof token !== 'string' || token.length === 0 || token.length > 4096) {
    throw new SocketRefused();
  }
  try {
    const auth = await deps.authenticator.authenticate(token, 'member');
    const exp = decodeJwt(token).exp;
    const [user] = await deps.db
      .select({ name: users.name })
      .from(users)
      .where(eq(users.id, auth.userId))
      .limit(1);
    return {
      ...auth,
      name: user?.name ?? null,
      expiresAt: typeof exp === 'number' ? exp * 1000 : Date.now(),
    };
  } catch {
    throw new SocketRefused();
  }
}
