import { pino, type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs on stdout; every line names the node that wrote it. */
export function createLogger(options: { level: string; nodeId: string }): Logger {
  return pino({
    level: options.level,
    base: { node: options.nodeId },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: [
        '*.authorization',
        '*.cookie',
        '*.password',
        '*.accessToken',
        '*.refreshToken',
        '*.secretKey',
      ],
      censor: '[redacted]',
    },
  });
}
