import { z } from 'zod';
import { CHANNELS, type Channel } from '../../shared/domain';
import {
  META_DELETION_UNMATCHED_REASONS,
  type MetaDeletionStatus,
  type MetaDeletionUnmatchedReason,
} from '../../shared/privacy.schema';

/** `meta_deletion_requests.outcome`: parsed on every read (a JSON column is a trust boundary). */
export const metaDeletionOutcomeSchema = z.object({
  contacts: z.number().int().nonnegative(),
  conversations: z.number().int().nonnegative(),
  unmatched: z.array(
    z.object({ channel: z.enum(CHANNELS), reason: z.enum(META_DELETION_UNMATCHED_REASONS) }),
  ),
});
export type MetaDeletionOutcome = z.infer<typeof metaDeletionOutcomeSchema>;

/** IGSIDs and WhatsApp numbers cannot come from a Facebook app-scoped ID (meta-page-ids.ts). */
export const NEVER_LINKABLE: MetaDeletionOutcome['unmatched'] = [
  { channel: 'instagram', reason: 'not_linkable' },
  { channel: 'whatsapp', reason: 'not_linkable' },
];

const CHANNEL_NAMES: Record<Channel, string> = {
  messenger: 'Messenger',
  instagram: 'Instagram',
  whatsapp: 'WhatsApp',
};

const WHY: Record<MetaDeletionUnmatchedReason, string> = {
  not_linkable: 'Meta does not let apps link them',
  not_configured: 'this service is not set up to ask Meta for the IDs those conversations use',
  refused: 'Meta refused to tell us which of those conversations are yours',
  unreachable: 'we could not reach Meta to ask which of those conversations are yours',
};

const ASK_THE_BUSINESS = 'To have those deleted, contact the business you messaged.';

/** "Instagram", "Instagram and WhatsApp", "Messenger, Instagram and WhatsApp". */
function listChannels(channels: readonly Channel[]): string {
  const names = channels.map((c) => CHANNEL_NAMES[c]);
  return names.length <= 1
    ? (names[0] ?? '')
    : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

function groupByReason(unmatched: MetaDeletionOutcome['unmatched']) {
  const groups = new Map<MetaDeletionUnmatchedReason, Channel[]>();
  for (const { channel, reason } of unmatched) {
    const channels = groups.get(reason) ?? [];
    if (!channels.includes(channel)) channels.push(channel);
    groups.set(reason, channels);
  }
  return [...groups].map(([reason, channels]) => ({
    reason,
    channels: CHANNELS.filter((c) => channels.includes(c)),
  }));
}

export interface MetaDeletionRecord {
  status: 'pending' | 'completed';
  erasedContacts: number;
  outcome: unknown;
}

/**
 * Requests settled before Messenger IDs were matched erased exact-ID matches only (one
 * conversation per contact), which never reached a page- or Instagram-scoped ID.
 */
function legacyOutcome(erasedContacts: number): MetaDeletionOutcome {
  return {
    contacts: erasedContacts,
    conversations: erasedContacts,
    unmatched: [{ channel: 'messenger', reason: 'not_configured' }, ...NEVER_LINKABLE],
  };
}

const conversationsPhrase = (n: number) => (n === 1 ? '1 conversation' : `${n} conversations`);

/**
 * The status page's words: what was deleted, and for each channel that could not be matched,
 * why and what the person can do. A pending request whose last attempt could not reach Meta
 * says that a retry follows.
 */
export function describeMetaDeletion(
  record: MetaDeletionRecord,
): Pick<MetaDeletionStatus, 'message' | 'deletedConversations' | 'unmatched'> {
  const parsed = metaDeletionOutcomeSchema.safeParse(record.outcome);
  if (record.status === 'pending') {
    const retrying = parsed.data?.unmatched.some((u) => u.reason === 'unreachable') ?? false;
    return {
      message: retrying
        ? 'Your deletion request has been received. We could not reach Meta yet to find your Messenger conversations; we will try again shortly.'
        : 'Your deletion request has been received and is being processed.',
      deletedConversations: 0,
      unmatched: [],
    };
  }
  const outcome = parsed.success ? parsed.data : legacyOutcome(record.erasedContacts);
  const unmatched = groupByReason(outcome.unmatched).map(({ reason, channels }) => ({
    channels,
    reason,
    message: `We could not match ${listChannels(channels)} conversations to your Facebook account: ${WHY[reason]}. ${ASK_THE_BUSINESS}`,
  }));
  const deleted =
    outcome.conversations > 0
      ? `We deleted ${conversationsPhrase(outcome.conversations)} linked to your Facebook account, with all their messages.`
      : 'We found no conversations linked to your Facebook account, so nothing was deleted.';
  return {
    message: [deleted, ...unmatched.map((u) => u.message)].join(' '),
    deletedConversations: outcome.conversations,
    unmatched,
  };
}
