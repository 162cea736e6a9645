import { io, type Socket } from 'socket.io-client';
import type {
  ClientToServerEvents,
  Hello,
  ServerToClientEvents,
} from '../../shared/realtime.events';
import { createFeedClient, type FeedClient } from '../../client/src/realtime/feed-client';
import type { ConversationFeed } from '../../shared/realtime.events';

export type DashboardSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A raw dashboard socket; resolves with it and its `hello`, or rejects with the refusal. */
export function connectSocket(
  url: string,
  token: string,
): Promise<{ socket: DashboardSocket; hello: Hello }> {
  const socket: DashboardSocket = io(url, {
    path: '/socket.io',
    transports: ['websocket'],
    auth: { token },
    reconnection: false,
    forceNew: true,
  });
  return new Promise((resolve, reject) => {
    socket.once('hello', (hello) => resolve({ socket, hello }));
    socket.once('connect_error', (err) => {
      socket.close();
      reject(err);
    });
  });
}

/** The feed client as the dashboard uses it, plus what it delivered. */
export interface TestFeed {
  readonly client: FeedClient;
  readonly conversations: Map<string, ConversationFeed>;
  readonly seqs: number[];
  resets: number;
  close(): void;
}

export async function connectFeed(
  url: string,
  token: () => string,
  options: { gapGraceMs?: number } = {},
): Promise<TestFeed> {
  const feed: TestFeed = {
    client: createFeedClient({
      url,
      getToken: token,
      gapGraceMs: options.gapGraceMs,
      socketOptions: { forceNew: true, reconnectionDelay: 100, reconnectionDelayMax: 500 },
      onReset: () => {
        feed.resets += 1;
      },
    }),
    conversations: new Map(),
    seqs: [],
    resets: 0,
    close: () => feed.client.close(),
  };
  feed.client.on('entry', (entry) => {
    feed.seqs.push(entry.data.seq);
    if (entry.event === 'conversation:created' || entry.event === 'conversation:updated') {
      feed.conversations.set(entry.data.id, entry.data);
    }
  });
  await feed.client.ready();
  return feed;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
