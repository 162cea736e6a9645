/**
 * Sent on every response. The API serves JSON only, so the policy forbids everything a page
 * could do; the SPA's own headers come with its static files.
 */
export const API_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'; base-uri 'none'",
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()',
};

/** HSTS only makes sense when the public URL is HTTPS; on plain HTTP browsers ignore it anyway. */
export function securityHeaders(publicUrl: string | undefined): Record<string, string> {
  return publicUrl?.startsWith('https://')
    ? {
        ...API_SECURITY_HEADERS,
        'strict-transport-security': 'max-age=31536000; includeSubDomains',
      }
    : { ...API_SECURITY_HEADERS };
}
