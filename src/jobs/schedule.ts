import cron from 'node-cron';
import type { Clock } from '../core/clock';
import type { Logger } from '../logger';

/**
 * node-cron as a trigger only: one tick a minute calls `tick(now)`. What is due, and who posts it, is decided
 * in Postgres by the tick itself (scheduler.ts), so every replica runs this same timer.
 */

export interface Ticker {
  /** Ticks now (the catch-up at start), unless a tick is in progress already: then waits for that one. */
  tickNow(): Promise<void>;
  /** Stops the timer and waits for a tick in progress. */
  stop(): Promise<void>;
}

/** What a tick may report: when the earliest run it left for later may be tried again. */
export interface TickOutcome {
  nextAttemptAt?: Date;
}

/**
 * Ticks once a minute; a tick that left a run for later (Slack's Retry-After) inside the coming minute gets one
 * more tick at that moment, so a rate-limited post goes out when Slack allows rather than at the next minute.
 */
export function startTicker(tick: (now: Date) => Promise<TickOutcome | void>, opts: { clock: Clock; logger: Logger }): Ticker {
  let running: Promise<void> | undefined;
  let wake: NodeJS.Timeout | undefined;
  let stopped = false;
  const wakeAt = (at: Date | undefined) => {
    const delay = at ? at.getTime() - opts.clock().getTime() : -1;
    if (stopped || wake || delay < 0 || delay >= MINUTE_MS) return;
    wake = setTimeout(() => {
      wake = undefined;
      void run();
    }, delay + WAKE_SLACK_MS);
    wake.unref();
  };
  const run = () => {
    // A slow tick (a long Retry-After) is not overlapped by the next one.
    if (running) return running;
    running = tick(opts.clock())
      .then(
        (outcome) => wakeAt(outcome ? outcome.nextAttemptAt : undefined),
        (err: unknown) => opts.logger.error({ err }, 'job tick failed'),
      )
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  const task = cron.schedule('* * * * *', run, { name: 'kudos-jobs', noOverlap: true });
  return {
    tickNow: () => run(),
    async stop() {
      stopped = true;
      clearTimeout(wake);
      await task.destroy();
      await running;
    },
  };
}

const MINUTE_MS = 60_000;
/** A wake-up comes this much after the retry time, so that the run is due by then. */
const WAKE_SLACK_MS = 50;
