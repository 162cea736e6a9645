import { createHmac, randomBytes } from 'node:crypto';
import type { Channel } from '../../shared/domain';

/**
 * Webhook bodies as Meta sends them (docs/wire-specs.md §1.4–1.6), for the demo's simulated
 * customers, signed with the app secret exactly like Meta signs them.
 */
export function customerText(
  channel: Channel,
  accountId: string,
  customerId: string,
  text: string,
  name: string,
) {
  const now = Date.now();
  if (channel === 'whatsapp') {
    return {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: 'demo-waba',
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: '15550000000', phone_number_id: accountId },
                contacts: [{ profile: { name }, wa_id: customerId }],
                messages: [
                  {
                    from: customerId,
                    id: `wamid.${randomBytes(18).toString('base64url')}`,
                    timestamp: String(Math.floor(now / 1000)),
                    type: 'text',
                    text: { body: text },
                  },
                ],
              },
            },
          ],
        },
      ],
    };
  }
  return {
    object: channel === 'messenger' ? 'page' : 'instagram',
    entry: [
      {
        id: accountId,
        time: now,
        messaging: [
          {
            sender: { id: customerId },
            recipient: { id: accountId },
            timestamp: now,
            message: { mid: `m_${randomBytes(18).toString('base64url')}`, text },
          },
        ],
      },
    ],
  };
}

/** The body and headers of a delivery, signed like Meta does (`X-Hub-Signature-256`). */
export function signDelivery(
  payload: unknown,
  appSecret: string,
): { body: string; headers: Record<string, string> } {
  const body = JSON.stringify(payload);
  const signature = createHmac('sha256', appSecret).update(body).digest('hex');
  return {
    body,
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': `sha256=${signature}` },
  };
}
