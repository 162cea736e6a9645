import type { HttpResponse } from 'uWebSockets.js';
import { AppError } from '../errors';

/**
 * Buffers a request body up to `limit` bytes. Chunks are copied: uWS neuters each ArrayBuffer
 * when the callback returns. Going over the limit rejects at once, before the rest arrives.
 */
export function collectBody(
  res: HttpResponse,
  limit: number,
  onAbort: (cb: () => void) => void,
): Promise<Buffer> {
  const body = new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    onAbort(() => {
      if (settled) return;
      settled = true;
      reject(new AppError('bad_request', { message: 'The request was aborted.' }));
    });
    res.onData((chunk, isLast) => {
      if (settled) return;
      size += chunk.byteLength;
      if (size > limit) {
        settled = true;
        reject(new AppError('payload_too_large'));
        return;
      }
      chunks.push(Buffer.from(new Uint8Array(chunk)));
      if (isLast) {
        settled = true;
        resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
      }
    });
  });
  // Whoever awaits it sees the rejection; this only keeps an early 429 from leaving it unhandled.
  body.catch(() => {});
  return body;
}
