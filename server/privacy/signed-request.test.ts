import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signSignedRequest, verifySignedRequest } from './signed-request';

const SECRET = 'app-secret';
const payload = {
  algorithm: 'HMAC-SHA256',
  expires: 1291840400,
  issued_at: 1291836800,
  user_id: '218471',
};

describe('Meta signed_request', () => {
  it('accepts a correctly signed request', () => {
    const result = verifySignedRequest(signSignedRequest(payload, SECRET), SECRET);
    expect(result).toMatchObject({ ok: true, payload: { user_id: '218471' } });
  });

  it('refuses a tampered payload, a wrong secret and a swapped signature', () => {
    const signed = signSignedRequest(payload, SECRET);
    const [sig] = signed.split('.') as [string];
    const other = Buffer.from(JSON.stringify({ ...payload, user_id: '999' })).toString('base64url');
    expect(verifySignedRequest(`${sig}.${other}`, SECRET)).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
    expect(verifySignedRequest(signed, 'another-secret')).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
    expect(verifySignedRequest(`${sig.slice(0, -2)}.${signed.split('.')[1]}`, SECRET)).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
  });

  it('refuses a signature over the decoded JSON instead of the encoded payload', () => {
    const encoded = Buffer.from(JSON.stringify(payload)).toString('base64url');
    const wrongSig = createHmac('sha256', SECRET)
      .update(JSON.stringify(payload))
      .digest('base64url');
    expect(verifySignedRequest(`${wrongSig}.${encoded}`, SECRET)).toMatchObject({ ok: false });
  });

  it('refuses another algorithm even when the signature is right', () => {
    for (const algorithm of ['HMAC-SHA1', 'none', 'RS256']) {
      expect(
        verifySignedRequest(signSignedRequest({ ...payload, algorithm }, SECRET), SECRET),
      ).toEqual({
        ok: false,
        reason: 'bad_algorithm',
      });
    }
    // Meta's sample upper-cases before comparing.
    expect(
      verifySignedRequest(
        signSignedRequest({ ...payload, algorithm: 'hmac-sha256' }, SECRET),
        SECRET,
      ).ok,
    ).toBe(true);
  });

  it('refuses malformed input without throwing', () => {
    for (const input of ['', 'abc', 'a.b.c', 'a+/.b', '.payload']) {
      expect(verifySignedRequest(input, SECRET).ok, input).toBe(false);
    }
    const notJson = Buffer.from('not json').toString('base64url');
    const sig = createHmac('sha256', SECRET).update(notJson).digest('base64url');
    expect(verifySignedRequest(`${sig}.${notJson}`, SECRET)).toEqual({
      ok: false,
      reason: 'bad_payload',
    });
  });
});
