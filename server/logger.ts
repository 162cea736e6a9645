import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { serializeError } from './log-errors';

export type { Logger };

/** Structured JSON logs on stdout; every line names the node that wrote it. */
export function createLogger(options: {
  level: string;
  nodeId: string;
  /** Where lines go; stdout by default (tests capture them to check nothing secret is logged). */
  destination?: DestinationStream;
}): Logger {
  const settings: LoggerOptions = {
    level: options.level,
    base: { node: options.nodeId },
    timestamp: pino.stdTimeFunctions.isoTime,
    serializers: { err: serializeError },
    redact: {
      // Defence in depth: nothing logs these on purpose (secrets never reach a log call).
      paths: [
        '*.authorization',
        '*.cookie',
        '*["set-cookie"]',
        '*.password',
        '*.passwordHash',
        '*.accessToken',
        '*.refreshToken',
        '*.secretKey',
        '*.webhookSecret',
        '*.publicKey',
        '*.token',
        '*.totp',
        '*.code',
        '*.secret',
        '*.recoveryCodes',
        '*.signed_request',
      ],
      censor: '[redacted]',
    },
  };
  return options.destination ? pino(settings, options.destination) : pino(settings);
}
