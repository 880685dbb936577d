import { Writable } from 'node:stream';
import { createLogger, formatLogLine, prettyStream } from '../../src/logger';

/** Collects what a stream is given, as text. */
function sink(): { stream: Writable; text(): string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stream, text: () => text };
}

describe('readable log lines', () => {
  it('turns a pino JSON line into HH:MM:SS LEVEL msg key=value', () => {
    const line = JSON.stringify({ level: 30, time: '2026-12-07T21:25:07.123Z', app: 'kudos', pid: 41, hostname: 'box', port: 3000, mode: 'http', msg: 'Kudos is listening' });
    expect(formatLogLine(line)).toBe('21:25:07 INFO  Kudos is listening port=3000 mode=http');
  });

  it('quotes values with spaces, shows objects as JSON and names each level', () => {
    const line = JSON.stringify({ level: 40, time: '2026-12-07T08:00:00.000Z', app: 'kudos', msg: 'Slack rate limit', method: 'chat.postMessage', reason: 'too many calls', retry: { afterSec: 3 } });
    expect(formatLogLine(line)).toBe('08:00:00 WARN  Slack rate limit method=chat.postMessage reason="too many calls" retry={"afterSec":3}');
    expect(formatLogLine(JSON.stringify({ level: 50, time: '2026-12-07T08:00:00.000Z', msg: 'x' }))).toBe('08:00:00 ERROR x');
  });

  it('leaves a line that is not JSON as it is', () => {
    expect(formatLogLine('plain text')).toBe('plain text');
  });

  it('formats what a logger writes, line by line, through the pretty stream', async () => {
    const out = sink();
    const stream = prettyStream(out.stream);
    const logger = createLogger('info', stream);
    logger.info({ kudosId: 7 }, 'kudos recorded');
    logger.debug('not at info');
    logger.warn({ token: 'xoxb-secret' }, 'redacted still');
    await new Promise<void>((resolve) => stream.end(resolve));
    const lines = out.text().trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d INFO  kudos recorded kudosId=7$/);
    expect(lines[1]).toMatch(/^\d\d:\d\d:\d\d WARN  redacted still token=\[redacted\]$/);
  });
});

describe('createLogger output format', () => {
  const tty = Object.getOwnPropertyDescriptor(process.stdout, 'isTTY');
  afterEach(() => {
    if (tty) Object.defineProperty(process.stdout, 'isTTY', tty);
    else delete (process.stdout as { isTTY?: boolean }).isTTY;
  });

  /** What the logger writes to stdout for one info line, with stdout a terminal or not. */
  function stdoutOf(isTTY: boolean, format?: 'json' | 'pretty'): string {
    Object.defineProperty(process.stdout, 'isTTY', { value: isTTY, configurable: true });
    const written: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation(((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    }) as typeof process.stdout.write);
    try {
      const logger = createLogger('info', undefined, format);
      logger.info({ port: 3000 }, 'Kudos is listening');
      logger.flush();
    } finally {
      spy.mockRestore();
    }
    return written.join('');
  }

  it('writes JSON when stdout is not a terminal', () => {
    const out = stdoutOf(false);
    expect(JSON.parse(out)).toMatchObject({ level: 30, msg: 'Kudos is listening', port: 3000, app: 'kudos' });
  });

  it('writes readable lines when stdout is a terminal', () => {
    expect(stdoutOf(true)).toMatch(/^\d\d:\d\d:\d\d INFO  Kudos is listening port=3000\n$/);
  });

  it('follows LOG_FORMAT over the terminal check', () => {
    expect(JSON.parse(stdoutOf(true, 'json'))).toMatchObject({ msg: 'Kudos is listening' });
    expect(stdoutOf(false, 'pretty')).toMatch(/ INFO  Kudos is listening port=3000\n$/);
  });
});
