import type { FakeResponse } from './http-fake';
import { randomAlphanumeric, randomHex } from './ids';
import { graphError } from './meta-graph-errors';

/** One message the fake accepted: what "sent once" assertions look at. */
export interface GraphSend {
  /** `whatsapp` = Cloud API; `messenger` = Send API (Messenger and Instagram). */
  readonly api: 'whatsapp' | 'messenger';
  /** The phone-number id or Page/IG id it was sent from (`me` resolved when the token is known). */
  readonly from: string;
  /** WhatsApp `to` or Send API `recipient.id`. */
  readonly to: string;
  /** `text`, `template`, `image`, `interactive`… (Send API: `text` or the attachment type). */
  readonly type: string;
  readonly text: string | undefined;
  /** The id the fake answered: `wamid.…` or `m_…`. */
  readonly messageId: string;
  readonly body: Readonly<Record<string, unknown>>;
  readonly accessToken: string;
}

/** Typing indicators, mark-seen and WhatsApp read receipts: accepted, but not messages. */
export interface GraphAction {
  readonly api: 'whatsapp' | 'messenger';
  readonly from: string;
  readonly action: string;
  readonly target: string;
}

export interface SendState {
  readonly sent: GraphSend[];
  readonly actions: GraphAction[];
  /** Recipients outside their 24-hour window, with the error a free-form send gets. */
  readonly closedWindows: Map<string, FakeResponse | undefined>;
}

type Body = Record<string, unknown>;
const ok = (body: unknown): FakeResponse => ({ status: 200, body });
const invalid = (message: string, whatsapp: boolean) =>
  graphError(100, { message: `(#100) ${message}`, whatsapp });

/** WhatsApp ids drop the `+` and separators: `+1 650-555-1234` → `16505551234`. */
export function waId(to: string): string {
  return to.replace(/\D/g, '');
}

/** `POST /{phone-number-id}/messages` of the WhatsApp Cloud API (wire-specs §2.3). */
export function sendWhatsApp(state: SendState, from: string, body: Body, token: string) {
  if (body.status === 'read' && typeof body.message_id === 'string') {
    state.actions.push({ api: 'whatsapp', from, action: 'read', target: body.message_id });
    return ok({ success: true });
  }
  if (typeof body.to !== 'string' || body.to === '') {
    return invalid('The parameter to is required.', true);
  }
  const type = typeof body.type === 'string' ? body.type : 'text';
  const text = (body.text as { body?: unknown } | undefined)?.body;
  if (type === 'text' && (typeof text !== 'string' || text === '')) {
    return invalid("The parameter text['body'] is required.", true);
  }
  const to = body.to;
  // Only templates may open a conversation outside the customer-service window.
  if (type !== 'template' && state.closedWindows.has(waId(to))) {
    return state.closedWindows.get(waId(to)) ?? graphError(131047);
  }
  const messageId = `wamid.${Buffer.from(`HBgL${waId(to)}${randomHex(12)}`).toString('base64')}`;
  state.sent.push({
    api: 'whatsapp',
    from,
    to,
    type,
    text: typeof text === 'string' ? text : undefined,
    messageId,
    body,
    accessToken: token,
  });
  return ok({
    messaging_product: 'whatsapp',
    contacts: [{ input: to, wa_id: waId(to) }],
    messages: [{ id: messageId, ...(type === 'template' ? { message_status: 'accepted' } : {}) }],
  });
}

/** `POST /me/messages` or `/{page-id}/messages` of the Send API (wire-specs §2.1, §2.2). */
export function sendMessenger(state: SendState, from: string, body: Body, token: string) {
  const recipient = (body.recipient as { id?: unknown } | undefined)?.id;
  if (typeof recipient !== 'string' || recipient === '') {
    return invalid('The parameter recipient is required', false);
  }
  if (typeof body.sender_action === 'string') {
    state.actions.push({ api: 'messenger', from, action: body.sender_action, target: recipient });
    return ok({ recipient_id: recipient });
  }
  const message = body.message as { text?: unknown; attachment?: { type?: unknown } } | undefined;
  if (!message || (message.text === undefined && message.attachment === undefined)) {
    return invalid('param message must be non-empty.', false);
  }
  if (typeof message.text === 'string' && message.text.length > 2000) {
    return invalid('Length of param message[text] must be less than or equal to 2000', false);
  }
  // Outside the window only a tagged message passes (HUMAN_AGENT for a human's reply).
  if (state.closedWindows.has(recipient) && body.messaging_type !== 'MESSAGE_TAG') {
    return state.closedWindows.get(recipient) ?? graphError(10, { subcode: 2018278 });
  }
  const messageId = `m_${randomAlphanumeric(40)}`;
  state.sent.push({
    api: 'messenger',
    from,
    to: recipient,
    type: typeof message.text === 'string' ? 'text' : String(message.attachment?.type),
    text: typeof message.text === 'string' ? message.text : undefined,
    messageId,
    body,
    accessToken: token,
  });
  return ok({ recipient_id: recipient, message_id: messageId });
}
