import { demoContracts } from '../../shared/api/demo.contract';
import { randomBytes } from 'node:crypto';
import { demoSendApiSendSchema, demoWhatsappSendSchema } from '../../shared/demo.schema';
import { defineRoute, json, type Route } from '../http/route';
import type { DemoDelivery, DemoOutbox } from './demo-outbox';
import { simulatedCustomerById } from './simulated-customers';

function deliveryOf(account: string, raw: Buffer): DemoDelivery | null {
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    return null;
  }
  if (account !== 'me') {
    const wa = demoWhatsappSendSchema.safeParse(body);
    return wa.success ? { recipient: wa.data.to, text: wa.data.text.body } : null;
  }
  const send = demoSendApiSendSchema.safeParse(body);
  return send.success ? { recipient: send.data.recipient.id, text: send.data.message.text } : null;
}

/**
 * A stand-in for Meta's Graph API in the demo, on the node itself: the bot's and agents'
 * replies to simulated customers go here instead of to Meta, and get Graph-shaped answers.
 * With an outbox, every accepted message is also handed to whoever listens (the simulator,
 * which pays the links it is sent).
 */
export function demoGraphRoutes(options: { outbox?: DemoOutbox } = {}): Route[] {
  const id = () => randomBytes(12).toString('base64url');
  return [
    // The User Profile API (Messenger `first_name,last_name`; Instagram `name,username`), so
    // simulated customers have names on every channel, as real ones do.
    defineRoute(demoContracts.graphProfile, (ctx) => {
      const customer = simulatedCustomerById(ctx.params.id);
      if (!customer) {
        return json(
          {
            error: {
              message: `Unsupported get request. Object with ID '${ctx.params.id}' does not exist.`,
              type: 'GraphMethodException',
              code: 100,
              error_subcode: 33,
            },
          },
          400,
        );
      }
      const [first, ...rest] = customer.name.split(' ');
      return customer.channel === 'instagram'
        ? json({
            id: customer.id,
            name: customer.name,
            username: customer.name.toLowerCase().replace(/[^a-z]+/g, '.'),
          })
        : json({ id: customer.id, first_name: first, last_name: rest.join(' ') });
    }),
    defineRoute(demoContracts.graphSend, (ctx) => {
      const delivery = options.outbox ? deliveryOf(ctx.params.account, ctx.body) : null;
      if (delivery) options.outbox?.deliver(delivery);
      return ctx.params.account === 'me'
        ? json({ recipient_id: delivery?.recipient ?? 'demo', message_id: `m_${id()}` })
        : json({
            messaging_product: 'whatsapp',
            contacts: [],
            messages: [{ id: `wamid.${id()}` }],
          });
    }),
  ];
}
