import { randomBytes } from 'node:crypto';
import type { Channel } from '../../shared/domain';
import { integrationSchema, type Integration } from '../../shared/settings.schema';
import type { FakeMetaGraph } from '../fakes/meta-graph.fake';
import { request } from './http';

export interface ChannelAccount {
  channel: Channel;
  externalId: string;
  /** WhatsApp: the WABA; made up when not given. */
  businessAccountId?: string;
  accessToken?: string;
  name?: string;
}

/**
 * Connects a channel account the way an admin does, through `POST /api/integrations`: the fake
 * Graph API is told first that the token controls the account, so Parley's ownership proof
 * holds. The node must run against that fake (`...graph.env`).
 */
export async function connectChannel(
  baseUrl: string,
  graph: FakeMetaGraph,
  ownerToken: string,
  account: ChannelAccount,
): Promise<Integration & { accessTokenPlain: string }> {
  const accessToken = account.accessToken ?? `EAAG${randomBytes(12).toString('hex')}`;
  const businessAccountId =
    account.channel === 'whatsapp'
      ? (account.businessAccountId ?? `waba-${randomBytes(4).toString('hex')}`)
      : undefined;
  if (account.channel === 'whatsapp') {
    graph.grant(accessToken, {
      kind: 'whatsapp',
      phoneNumberId: account.externalId,
      businessAccountId: businessAccountId as string,
    });
  } else if (account.channel === 'instagram') {
    graph.grant(accessToken, {
      kind: 'page',
      id: `page-of-${account.externalId}`,
      instagram: { id: account.externalId, username: 'shop' },
    });
  } else {
    graph.grant(accessToken, { kind: 'page', id: account.externalId, name: 'Test Page' });
  }
  const res = await request(baseUrl, '/api/integrations', {
    token: ownerToken,
    json: {
      channel: account.channel,
      externalId: account.externalId,
      accessToken,
      ...(businessAccountId ? { businessAccountId } : {}),
      ...(account.name ? { name: account.name } : {}),
    },
  });
  if (res.status !== 201) throw new Error(`connect ${account.channel}: ${res.status} ${res.text}`);
  return { ...integrationSchema.parse(res.body), accessTokenPlain: accessToken };
}
