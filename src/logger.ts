import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logs. Tokens, secrets and message bodies never reach info level: the redact list
 * covers the places they could appear if someone logs a whole object by mistake.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { app: 'kudos' },
      redact: {
        paths: [
          'token',
          '*.token',
          'botToken',
          '*.botToken',
          'authorization',
          '*.authorization',
          'headers.authorization',
          'headers["x-slack-signature"]',
          'password',
          '*.password',
          'signingSecret',
          '*.signingSecret',
          'text',
          '*.text',
          'message',
          '*.message.text',
        ],
        censor: '[redacted]',
      },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
