import cron from 'node-cron';
import type { Clock } from '../core/clock';
import type { Logger } from '../logger';

/**
 * node-cron as a trigger only: one tick a minute calls `tick(now)`. What is due, and who posts it, is decided
 * in Postgres by the tick itself (scheduler.ts), so every replica runs this same timer.
 */

export interface Ticker {
  /** Stops the timer and waits for a tick in progress. */
  stop(): Promise<void>;
}

export function startTicker(tick: (now: Date) => Promise<unknown>, opts: { clock: Clock; logger: Logger }): Ticker {
  let running: Promise<void> | undefined;
  const task = cron.schedule(
    '* * * * *',
    () => {
      // A slow tick (a long Retry-After) is not overlapped by the next one.
      if (running) return;
      running = tick(opts.clock())
        .then(
          () => undefined,
          (err: unknown) => opts.logger.error({ err }, 'job tick failed'),
        )
        .finally(() => {
          running = undefined;
        });
      return running;
    },
    { name: 'kudos-jobs', noOverlap: true },
  );
  return {
    async stop() {
      await task.destroy();
      await running;
    },
  };
}
