import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../src/logger';

/** A real logger whose JSON lines are kept in `lines`, for tests that check what the app logs. */
export function captureLogs(level = 'info'): { lines: string[]; logger: Logger } {
  const lines: string[] = [];
  const logger = createLogger(
    level,
    new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    }),
  );
  return { lines, logger };
}
