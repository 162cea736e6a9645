import { describe, expect, it } from 'vitest';
import { describeMetaDeletion, NEVER_LINKABLE } from './meta-deletion-outcome';

describe('describeMetaDeletion', () => {
  it('names what was deleted and groups the channels it could not match by why', () => {
    const described = describeMetaDeletion({
      status: 'completed',
      erasedContacts: 3,
      outcome: {
        contacts: 3,
        conversations: 3,
        unmatched: [{ channel: 'messenger', reason: 'unreachable' }, ...NEVER_LINKABLE],
      },
    });
    expect(described.deletedConversations).toBe(3);
    expect(described.unmatched.map((u) => [u.channels, u.reason])).toEqual([
      [['messenger'], 'unreachable'],
      [['instagram', 'whatsapp'], 'not_linkable'],
    ]);
    expect(described.message).toBe(
      'We deleted 3 conversations linked to your Facebook account, with all their messages. ' +
        'We could not match Messenger conversations to your Facebook account: we could not reach Meta to ask which of those conversations are yours. To have those deleted, contact the business you messaged. ' +
        'We could not match Instagram and WhatsApp conversations to your Facebook account: Meta does not let apps link them. To have those deleted, contact the business you messaged.',
    );
  });

  it('lists three channels with commas, and says when nothing was found', () => {
    const described = describeMetaDeletion({
      status: 'completed',
      erasedContacts: 0,
      outcome: {
        contacts: 0,
        conversations: 0,
        unmatched: [
          { channel: 'whatsapp', reason: 'refused' },
          { channel: 'messenger', reason: 'refused' },
          { channel: 'instagram', reason: 'refused' },
        ],
      },
    });
    expect(described.message).toMatch(
      /^We found no conversations linked to your Facebook account, so nothing was deleted\. We could not match Messenger, Instagram and WhatsApp conversations/,
    );
  });

  it('says a pending request is retrying only after Meta could not be reached', () => {
    const fresh = describeMetaDeletion({ status: 'pending', erasedContacts: 0, outcome: null });
    expect(fresh.message).toBe('Your deletion request has been received and is being processed.');
    const retrying = describeMetaDeletion({
      status: 'pending',
      erasedContacts: 0,
      outcome: {
        contacts: 0,
        conversations: 0,
        unmatched: [{ channel: 'messenger', reason: 'unreachable' }],
      },
    });
    expect(retrying.message).toMatch(/could not reach Meta yet/);
    expect(retrying).toMatchObject({ deletedConversations: 0, unmatched: [] });
  });

  it('reads requests settled before matching existed as exact-ID erasures', () => {
    const described = describeMetaDeletion({
      status: 'completed',
      erasedContacts: 1,
      outcome: null,
    });
    expect(described.deletedConversations).toBe(1);
    expect(described.unmatched.map((u) => u.reason)).toEqual(['not_configured', 'not_linkable']);
  });
});
