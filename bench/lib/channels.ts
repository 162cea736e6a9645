import type postgres from 'postgres';
import { createSecretBox } from '../../server/crypto/secret-box';
import { integrationTokenContext } from '../../server/settings/settings-secrets.pg';
import { metaTextMessage, newMid } from '../../test/fakes/meta-payloads';
import { signMetaDelivery, type SignedDelivery } from '../../test/fakes/signing';
import { TEST_SECRETS } from '../../test/helpers/test-node';
import { PHONE_ID } from './harness';

export type BenchChannel = 'whatsapp' | 'instagram' | 'messenger';

/** A connected channel account of the bench business: the id Meta puts in the webhook. */
export interface ChannelAccount {
  channel: BenchChannel;
  accountId: string;
}

export const ACCOUNTS: readonly ChannelAccount[] = [
  { channel: 'whatsapp', accountId: PHONE_ID },
  { channel: 'instagram', accountId: 'bench-ig-1' },
  { channel: 'messenger', accountId: 'bench-page-1' },
];

/**
 * Gives the bench business all three channels with a real (encrypted) access token, so the
 * offline bot's replies go out through the Graph sender to the fake Graph API instead of failing
 * on an unreadable token. `startCluster` already connected WhatsApp with a placeholder token.
 */
export async function seedChannels(sql: postgres.Sql, businessId: string): Promise<void> {
  const [keyId, keyB64] = TEST_SECRETS.ENCRYPTION_KEYS.split(':');
  const box = createSecretBox([{ id: keyId!, key: Buffer.from(keyB64!, 'base64') }]);
  for (const { channel, accountId } of ACCOUNTS.slice(1)) {
    await sql`insert into integrations (business_id, channel, external_id, access_token_enc, name)
              values (${businessId}, ${channel}, ${accountId}, 'unset', ${`bench ${channel}`})`;
  }
  const rows = await sql<
    { id: string }[]
  >`select id from integrations where business_id = ${businessId}`;
  for (const { id } of rows) {
    const token = box.encrypt('bench-access-token', integrationTokenContext(id));
    await sql`update integrations set access_token_enc = ${token} where id = ${id}`;
  }
}

/**
 * The customer of contact `n`: contacts are spread over the three channels (n mod 3), each
 * with its own id in the channel's format.
 */
export function customerOf(n: number): { account: ChannelAccount; from: string } {
  const account = ACCOUNTS[n % ACCOUNTS.length]!;
  const from =
    account.channel === 'whatsapp'
      ? `4479${String(n).padStart(7, '0')}`
      : `${account.channel === 'instagram' ? '178' : '245'}${String(n).padStart(13, '0')}`;
  return { account, from };
}

/** A signed inbound text from contact `n`, as Meta would POST it; `mid` is its message id. */
export function signedMessage(n: number, text: string): SignedDelivery & { mid: string } {
  const { account, from } = customerOf(n);
  const mid = newMid(account.channel);
  const payload = metaTextMessage({
    channel: account.channel,
    pageOrPhoneId: account.accountId,
    from,
    text,
    mid,
  });
  return { ...signMetaDelivery(payload, TEST_SECRETS.META_APP_SECRET), mid };
}
