import { metaTextMessage } from '../fakes/meta-payloads';
import { signMetaDelivery } from '../fakes/signing';
import { request, type TestResponse } from './http';
import { TEST_SECRETS } from './test-node';

/** A customer's text message as Meta delivers it: a signed webhook POSTed to a node. */
export function postMetaText(
  baseUrl: string,
  message: Parameters<typeof metaTextMessage>[0],
): Promise<TestResponse> {
  const signed = signMetaDelivery(metaTextMessage(message), TEST_SECRETS.META_APP_SECRET);
  return request(baseUrl, '/api/webhooks/meta', {
    method: 'POST',
    body: signed.body,
    headers: signed.headers,
  });
}
