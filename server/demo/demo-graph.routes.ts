import { randomBytes } from 'node:crypto';
import { defineRoute, json, type Route } from '../http/route';

/**
 * A stand-in for Meta's Graph API in the demo, on the node itself: the bot's and agents'
 * replies to simulated customers go here instead of to Meta, and get Graph-shaped answers.
 */
export function demoGraphRoutes(): Route[] {
  const id = () => randomBytes(12).toString('base64url');
  return [
    defineRoute({
      method: 'POST',
      path: '/demo/graph/:version/:account/messages',
      access: 'public',
      rateLimit: 'none',
      body: { kind: 'raw', contentTypes: ['application/json'] },
      handler(ctx) {
        return ctx.params.account === 'me'
          ? json({ recipient_id: 'demo', message_id: `m_${id()}` })
          : json({
              messaging_product: 'whatsapp',
              contacts: [],
              messages: [{ id: `wamid.${id()}` }],
            });
      },
    }),
  ];
}
