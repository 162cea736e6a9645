import type { z } from 'zod';
import type { PaymentProvider as ProviderName } from '../../../shared/domain';
import { ProviderError } from './provider';

export interface JsonResponse<T> {
  status: number;
  body: T;
}

/**
 * A JSON request to a provider over fetch, its answer parsed with `schema` (the provider's wire
 * shape is a trust boundary too). Network errors, timeouts, 429 and 5xx are retryable
 * `ProviderError`s; other statuses are returned for the caller to read the error envelope.
 */
export async function providerJson<S extends z.ZodType>(
  provider: ProviderName,
  url: string,
  init: { method: 'GET' | 'POST'; secretKey: string; body?: unknown; timeoutMs: number },
  schema: S,
): Promise<JsonResponse<z.output<S>>> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: init.method,
      headers: {
        authorization: `Bearer ${init.secretKey}`,
        accept: 'application/json',
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: AbortSignal.timeout(init.timeoutMs),
    });
  } catch (err) {
    throw new ProviderError(provider, 'unavailable', `request failed (${errorName(err)})`);
  }
  if (res.status === 429 || res.status >= 500) {
    await res.body?.cancel();
    throw new ProviderError(provider, 'unavailable', `answered ${res.status}`);
  }
  if (res.status === 401 || res.status === 403) {
    await res.body?.cancel();
    throw new ProviderError(provider, 'unauthorized', `answered ${res.status}`);
  }
  let json: unknown;
  try {
    json = await res.json();
  } catch {
    throw new ProviderError(provider, 'unavailable', `answered ${res.status} without JSON`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new ProviderError(provider, 'unavailable', `answered ${res.status} in an unknown shape`);
  }
  return { status: res.status, body: parsed.data };
}

const errorName = (err: unknown) =>
  err instanceof Error ? (err.name === 'TimeoutError' ? 'timeout' : err.name) : 'error';
