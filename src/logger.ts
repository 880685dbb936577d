import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';
import type { LogFormat } from './config';

export type { Logger };

/**
 * Structured logs: JSON lines (for a log collector) or, for a person at a terminal, short readable lines
 * (`21:25:07 INFO  Kudos is listening port=3000`). `format` unset: readable when stdout is a terminal, JSON
 * otherwise. Tokens, secrets and message bodies never reach info level: the redact list covers the places
 * they could appear if someone logs a whole object by mistake.
 */
export function createLogger(level: string, destination?: pino.DestinationStream, format?: LogFormat): Logger {
  const pretty = destination === undefined && (format ?? (process.stdout.isTTY ? 'pretty' : 'json')) === 'pretty';
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
          'clientSecret',
          '*.clientSecret',
          'stateSecret',
          '*.stateSecret',
          'refreshToken',
          '*.refreshToken',
          'refresh_token',
          '*.refresh_token',
          'access_token',
          '*.access_token',
          'text',
          '*.text',
          'message',
          '*.message.text',
        ],
        censor: '[redacted]',
      },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    pretty ? prettyStream(process.stdout) : destination,
  );
}

const LEVELS: Readonly<Record<number, string>> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

/** Keys every line has, shown in their own places (or not at all). */
const OWN_KEYS = new Set(['level', 'time', 'msg', 'app', 'pid', 'hostname']);

/**
 * One pino JSON line as `HH:MM:SS LEVEL msg key=value …` (time in UTC, as logged). A line that is not
 * JSON is returned as it is.
 */
export function formatLogLine(line: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  if (typeof entry !== 'object' || entry === null) return line;
  const time = typeof entry.time === 'string' ? entry.time.slice(11, 19) : typeof entry.time === 'number' ? new Date(entry.time).toISOString().slice(11, 19) : '--:--:--';
  const level = (LEVELS[Number(entry.level)] ?? String(entry.level)).padEnd(5);
  const fields = Object.entries(entry)
    .filter(([k]) => !OWN_KEYS.has(k))
    .map(([k, v]) => `${k}=${fieldValue(v)}`);
  return [time, level, typeof entry.msg === 'string' ? entry.msg : '', ...fields].filter((p) => p !== '').join(' ');
}

function fieldValue(v: unknown): string {
  if (typeof v === 'string') return /^[^\s"=]+$/.test(v) ? v : JSON.stringify(v);
  if (v !== null && typeof v === 'object' && typeof (v as { stack?: unknown }).stack === 'string') {
    // A serialized error: its message on the line, its stack below it.
    const err = v as { type?: unknown; message?: unknown; stack: string };
    return `${JSON.stringify(`${String(err.type ?? 'Error')}: ${String(err.message ?? '')}`)}\n${err.stack.split('\n').slice(1).join('\n')}`;
  }
  return JSON.stringify(v);
}

/** A destination that writes each pino JSON line to `out` as a readable line. */
export function prettyStream(out: NodeJS.WritableStream): Writable {
  let pending = '';
  return new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      const text = lines.map((l) => `${formatLogLine(l)}\n`).join('');
      if (text === '' || out.write(text)) done();
      else out.once('drain', () => done());
    },
    final(done) {
      if (pending !== '') out.write(`${formatLogLine(pending)}\n`);
      done();
    },
  });
}
