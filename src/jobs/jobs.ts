import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Kysely } from 'kysely';
import type { Clock } from '../core/clock';
import type { Database } from '../db/schema';
import type { Logger } from '../logger';
import type { Background } from '../server/background';
import { CAMPAIGN_JOBS } from './campaign-jobs';
import { digestJob } from './digest-job';
import type { JobPoster, ScheduledJob } from './ports';
import { retentionJob } from './retention-job';
import { startTicker, type Ticker } from './schedule';
import { runDueJobs, type SchedulerDeps, type TickSummary } from './scheduler';

/** Every job the app runs: the digest, then Customer Service Week and the observances, then the nightly retention run. */
export const JOB_SOURCES: readonly ScheduledJob[] = [digestJob, ...CAMPAIGN_JOBS, retentionJob];

/** The scheduler as the composition root holds it: the tick, the timer, and a way to run a tick now. */
export class Jobs {
  readonly deps: SchedulerDeps;
  private ticker: Ticker | undefined;

  constructor(opts: { db: Kysely<Database>; posters: readonly JobPoster[]; clock: Clock; logger: Logger; graceHours: number; sources?: readonly ScheduledJob[]; useCaseDeps?: SchedulerDeps['useCaseDeps'] }) {
    this.deps = {
      db: opts.db,
      posters: opts.posters,
      sources: opts.sources ?? JOB_SOURCES,
      clock: opts.clock,
      logger: opts.logger.child({ component: 'jobs' }),
      graceHours: opts.graceHours,
      replicaId: `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`,
      ...(opts.useCaseDeps ? { useCaseDeps: opts.useCaseDeps } : {}),
    };
  }

  /** One tick now (at `now`, else the clock's time). */
  runNow(now?: Date): Promise<TickSummary> {
    return runDueJobs(now ? { ...this.deps, clock: () => now } : this.deps);
  }

  /** Starts the minute tick, and catches up at once on what came due while this replica was down. */
  start(background: Background): void {
    if (this.ticker) return;
    // On the live clock: a tick takes its time at its start, and a retry counts from Slack's answer.
    const ticker = startTicker(() => this.runNow(), { clock: this.deps.clock, logger: this.deps.logger });
    this.ticker = ticker;
    background.run('scheduled jobs catch-up', () => ticker.tickNow());
  }

  async stop(): Promise<void> {
    const t = this.ticker;
    this.ticker = undefined;
    await t?.stop();
  }
}
