import type { FakeResponse } from './http-fake';
import { randomAlphanumeric } from './ids';

interface GraphErrorEntry {
  readonly status: number;
  readonly message: string;
  readonly type?: string;
  /** WhatsApp's human-readable reason, sent as `error_data.details`. */
  readonly details?: string;
  readonly transient?: boolean;
}

/**
 * Graph errors worth scripting (wire-specs §2.4), keyed `code` or `code/subcode`. Product logic
 * must branch on `code` (+ `error_subcode` / `error_data.details`), never on the HTTP status:
 * the statuses here follow what integrators report and are not documented by Meta.
 */
const GRAPH_ERRORS: Record<string, GraphErrorEntry> = {
  '1': { status: 500, message: 'An unknown error occurred', transient: true },
  '2': {
    status: 503,
    message: 'An unexpected error has occurred. Please retry your request later.',
    transient: true,
  },
  '4': { status: 400, message: '(#4) Application request limit reached', transient: true },
  '10': { status: 403, message: '(#10) Application does not have permission for this action' },
  '10/2018278': {
    status: 400,
    message:
      '(#10) This message is sent outside of allowed window. Learn more about the new policy here: https://developers.facebook.com/docs/messenger-platform/policy-overview',
  },
  '10/2534022': { status: 400, message: '(#10) This message is sent outside of allowed window.' },
  '100': { status: 400, message: '(#100) Invalid parameter' },
  '100/33': {
    status: 400,
    type: 'GraphMethodException',
    message:
      'Unsupported post request. Object does not exist, cannot be loaded due to missing permissions, or does not support this operation.',
  },
  '104': { status: 400, message: 'An access token is required to request this resource.' },
  '190': { status: 401, message: 'Invalid OAuth access token - Cannot parse access token' },
  '190/463': { status: 401, message: 'Error validating access token: Session has expired.' },
  '200': {
    status: 403,
    message: '(#200) Requires pages_messaging permission to manage the object',
  },
  '368': {
    status: 400,
    message: '(#368) The action attempted has been deemed abusive or is otherwise disallowed',
  },
  '551': { status: 400, message: "(#551) This person isn't available right now." },
  '551/1545041': { status: 400, message: "(#551) This person isn't available right now." },
  '613': { status: 400, message: '(#613) Calls to this api have exceeded the rate limit.' },
  '80007': {
    status: 400,
    message: '(#80007) Rate limit issues',
    details: 'The WhatsApp Business Account has reached its rate limit.',
  },
  '130429': {
    status: 400,
    message: '(#130429) Rate limit hit',
    details: 'Cloud API message throughput has been reached.',
  },
  '131026': {
    status: 400,
    message: '(#131026) Message Undeliverable.',
    details:
      'Unable to deliver message. The recipient may not be a WhatsApp user, or has not accepted the latest Terms of Service.',
  },
  '131031': {
    status: 400,
    message: '(#131031) Business Account locked',
    details: 'The WhatsApp Business Account is locked.',
  },
  '131047': {
    status: 400,
    message: '(#131047) Re-engagement message',
    details:
      'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
  },
  '131048': {
    status: 400,
    message: '(#131048) Spam rate limit hit',
    details:
      'Message failed to send because there are restrictions on how many messages can be sent from this phone number.',
  },
  '131049': {
    status: 400,
    message: '(#131049) This message was not delivered to maintain healthy ecosystem engagement.',
    details:
      'In order to maintain a healthy ecosystem engagement, the message failed to be delivered.',
  },
  '131056': {
    status: 400,
    message: '(#131056) (Business Account, Consumer Account) pair rate limit hit',
    details:
      'Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time.',
  },
};

export interface GraphErrorOptions {
  readonly subcode?: number;
  readonly message?: string;
  readonly status?: number;
  readonly type?: string;
  readonly details?: string;
  /** WhatsApp shape: `error_data` instead of `error_subcode` (v16+). Default: codes ≥ 80000. */
  readonly whatsapp?: boolean;
}

/** Meta's 11-character trace id, echoed in the body and the `x-fb-trace-id` header. */
export function fbtraceId(): string {
  return randomAlphanumeric(11);
}

/**
 * Meta's Graph error envelope: `{"error": {message, type, code, error_subcode?, error_data?,
 * is_transient?, fbtrace_id}}`.
 * @example fake.failNextSend(131047) // or fake.failNext(1, graphError(10, { subcode: 2018278 }))
 */
export function graphError(code: number, options: GraphErrorOptions = {}): FakeResponse {
  const key = options.subcode === undefined ? String(code) : `${code}/${options.subcode}`;
  const entry = GRAPH_ERRORS[key] ??
    GRAPH_ERRORS[String(code)] ?? { status: 400, message: `(#${code}) Unknown error` };
  const whatsapp = options.whatsapp ?? code >= 80000;
  const details = options.details ?? entry.details;
  const trace = fbtraceId();
  const error = {
    message: options.message ?? entry.message,
    type: options.type ?? entry.type ?? 'OAuthException',
    code,
    ...(options.subcode !== undefined && !whatsapp ? { error_subcode: options.subcode } : {}),
    ...(whatsapp
      ? { error_data: { messaging_product: 'whatsapp', details: details ?? entry.message } }
      : {}),
    ...(entry.transient ? { is_transient: true } : {}),
    fbtrace_id: trace,
  };
  return {
    status: options.status ?? entry.status,
    body: { error },
    headers: { 'x-fb-trace-id': trace },
  };
}
