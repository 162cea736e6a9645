import { DrizzleQueryError } from 'drizzle-orm/errors';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { log: createLogger({ level: 'info', nodeId: 't', destination }), lines };
}

describe('error logging', () => {
  it('never writes a failed query’s parameters, in the message, the stack or a field', () => {
    const { log, lines } = capture();
    const driver = Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), {
      code: '22021',
      query: 'insert into users (email, password_hash) values ($1, $2)',
      parameters: ['leak@example.test', '$2b$04$M8t8I.zyM0YUeSWDOKkyXe'],
    });
    const err = new DrizzleQueryError(
      'insert into users (email, password_hash) values ($1, $2)',
      ['leak@example.test', '$2b$04$M8t8I.zyM0YUeSWDOKkyXe'],
      driver,
    );
    log.error({ event: 'http.error', err }, 'request failed');
    const line = lines.join('');
    expect(line).not.toContain('leak@example.test');
    expect(line).not.toContain('$2b$04$');
    const parsed = JSON.parse(line) as { err: { message: string; stack: string; cause: object } };
    expect(parsed.err.message).toBe(
      'Failed query: insert into users (email, password_hash) values ($1, $2) (parameters withheld)',
    );
    expect(parsed.err.stack).toMatch(
      /^DrizzleQueryError: Failed query: .* \(parameters withheld\)\n {4}at /,
    );
    expect(parsed.err.cause).toMatchObject({ code: '22021', query: expect.any(String) as unknown });
  });

  it('leaves other errors as pino writes them', () => {
    const { log, lines } = capture();
    log.warn({ err: Object.assign(new Error('boom'), { errno: -104 }) }, 'x');
    expect(JSON.parse(lines[0]!)).toMatchObject({
      err: {
        type: 'Error',
        message: 'boom',
        errno: -104,
        stack: expect.stringMatching(/^Error: boom\n/) as unknown,
      },
    });
  });
});
