import type { Kysely } from 'kysely';
import type { Clock } from '../core/clock';
import type { UseCaseDeps } from '../core/ports';
import type { Settings } from '../core/settings';
import { loadSettings, loadSettingsOf } from '../core/settings-store';
import type { Database, JobRunRow, WorkspaceRow } from '../db/schema';
import type { Logger } from '../logger';
import { isJobTask, JobPostError, type DueRun, type JobPoster, type JobSource, type JobTask, type ScheduledJob } from './ports';
import {
  claimNewRun,
  earliestRetry,
  existingRuns,
  findRun,
  markFinished,
  markPosted,
  markTaskDone,
  markPosting,
  reclaimDueRuns,
  reclaimFinishedRun,
  recordSkipped,
  runKey,
  scheduleRetry,
} from './runs';

/**
 * One pass of the job scheduler, run on every replica every minute (and once at start-up, which is the
 * catch-up after downtime). Plain function of `now`: tests call it with an injected clock.
 *
 * For each installed workspace a poster serves, and each source, the latest due occurrence is claimed by
 * inserting its (workspace, kind, period) row; the replica that gets the row posts, the others do nothing.
 * Posting exactly once, after a crash too:
 *   1. the run moves to 'posting' before the post, and the post carries the run id;
 *   2. the platform's message id is recorded in the same statement that marks the run posted;
 *   3. a run found in 'posting' (its holder crashed) first asks the poster whether its post exists, and only
 *      posts if it certainly does not; when that cannot be told, the run is reported failed, not re-posted.
 * An occurrence older than the grace window when first seen is recorded as skipped, not posted late.
 *
 * A task (JobTask: the nightly retention run) is claimed the same way but posts nothing: the holder runs it and
 * finishes the run as 'posted' without a message_ref. It never enters 'posting': a holder that crashed mid-task
 * leaves a 'claimed' run whose lease brings it back, and the task runs again (tasks are idempotent).
 */

export interface SchedulerDeps {
  db: Kysely<Database>;
  posters: readonly JobPoster[];
  /** What is scheduled: posts (JobSource) and tasks (JobTask). */
  sources: readonly ScheduledJob[];
  clock: Clock;
  logger: Logger;
  /** How late a missed run may still be posted (config JOB_GRACE_HOURS). */
  graceHours: number;
  /** Names this replica in job_run.claimed_by. */
  replicaId: string;
  /** How long a claim holds before another replica may take the run over. */
  leaseMs?: number;
  /** Attempts before a run that keeps failing for now is given up. */
  maxAttempts?: number;
  /** Workspaces processed at once (DEFAULT_CONCURRENCY). */
  concurrency?: number;
  /** The core's use-case dependencies of a workspace, for tasks that change people's data (TaskContext.useCase). */
  useCaseDeps?: (workspace: WorkspaceRow) => UseCaseDeps | undefined | Promise<UseCaseDeps | undefined>;
}

export interface TickSummary {
  posted: number;
  failed: number;
  skipped: number;
  /** Runs left for a later attempt. */
  retrying: number;
  /** Tasks (not posts) run to the end; unset when none ran. */
  ran?: number;
  /** When the earliest run left for later (by any tick) may be tried again; unset when none is waiting. */
  nextAttemptAt?: Date;
}

/** Longer than any single attempt can take (a few API calls, each waiting at most a minute for a rate limit). */
export const DEFAULT_LEASE_MS = 10 * 60_000;
/** Workspaces whose runs are processed at once: enough to keep a fleet's minute short, few enough for the pool. */
export const DEFAULT_CONCURRENCY = 4;
export const DEFAULT_MAX_ATTEMPTS = 8;
const MAX_BACKOFF_MS = 60 * 60_000;

type Outcome = 'posted' | 'ran' | 'failed' | 'skipped' | 'retrying' | 'none';

export async function runDueJobs(deps: SchedulerDeps): Promise<TickSummary> {
  const now = deps.clock();
  const summary: TickSummary = { posted: 0, failed: 0, skipped: 0, retrying: 0 };
  const count = (o: Outcome) => {
    if (o === 'ran') summary.ran = (summary.ran ?? 0) + 1;
    else if (o !== 'none') summary[o]++;
  };
  const workspaces = await deps.db.selectFrom('workspace').selectAll().where('uninstalled_at', 'is', null).orderBy('id').execute();
  const served = new Map<number, { workspace: WorkspaceRow; poster: JobPoster }>();
  for (const workspace of workspaces) {
    const poster = deps.posters.find((p) => p.platform === workspace.platform && p.serves(workspace));
    if (poster) served.set(workspace.id, { workspace, poster });
  }
  if (!served.size) return summary;
  // Every served workspace's settings in one read: a tick costs a few round trips whatever the size of the fleet.
  const settingsById = await loadSettingsOf(deps.db, [...served.keys()]);

  // Runs whose retry time came, or whose holder vanished mid-run.
  const taken = await reclaimDueRuns(deps.db, { workspaceIds: [...served.keys()], kinds: deps.sources.map((s) => s.kind) }, claimOf(deps, now));
  await forEachAtMost(taken, deps.concurrency ?? DEFAULT_CONCURRENCY, async (run) => {
    const { workspace, poster } = served.get(run.workspace_id)!;
    const source = deps.sources.find((s) => s.kind === run.kind)!;
    const settings = settingsById.get(workspace.id)!;
    count(await guarded(deps, run, () => processRun(deps, { workspace, poster, source, settings, run, now })));
  });

  // New occurrences: what each workspace has due, less what is already recorded (one read for the whole fleet).
  const candidates: Array<RunContext & { due: DueRun }> = [];
  for (const { workspace, poster } of served.values()) {
    const settings = settingsById.get(workspace.id)!;
    try {
      for (const source of deps.sources) {
        for (const due of source.due(workspace, settings, now)) {
          if (due.dueAt.getTime() <= now.getTime() && due.dueAt.getTime() >= new Date(workspace.installed_at).getTime()) {
            candidates.push({ workspace, poster, source, settings, due, now });
          }
        }
      }
    } catch (err) {
      deps.logger.error({ err, workspace: workspace.id }, 'scheduled jobs failed for a workspace');
    }
  }
  const seen = await existingRuns(deps.db, candidates.map((c) => ({ workspaceId: c.workspace.id, kind: c.source.kind, periodKey: c.due.periodKey })));
  const byWorkspace = new Map<number, Array<RunContext & { due: DueRun }>>();
  for (const c of candidates) {
    if (seen.has(runKey(c.workspace.id, c.source.kind, c.due.periodKey))) continue;
    byWorkspace.set(c.workspace.id, [...(byWorkspace.get(c.workspace.id) ?? []), c]);
  }
  // Replicas start at different places in the list, so that racing ones mostly claim different workspaces instead
  // of queueing on the same claims; each workspace's posts go out one after another.
  await forEachAtMost(rotated([...byWorkspace.values()]), deps.concurrency ?? DEFAULT_CONCURRENCY, async (runs) => {
    try {
      for (const c of runs) count(await startRun(deps, c));
    } catch (err) {
      deps.logger.error({ err, workspace: runs[0]!.workspace.id }, 'scheduled jobs failed for a workspace');
    }
  });
  // Runs left for later, by this tick or an earlier one: the ticker wakes for the first of them.
  const nextAttemptAt = await earliestRetry(deps.db, [...served.keys()], now);
  if (nextAttemptAt) summary.nextAttemptAt = nextAttemptAt;
  if (summary.posted || summary.ran || summary.failed || summary.skipped || summary.retrying) deps.logger.info({ ...summary }, 'scheduled jobs ran');
  return summary;
}

interface RunContext {
  workspace: WorkspaceRow;
  poster: JobPoster;
  source: ScheduledJob;
  settings: Settings;
  now: Date;
}

async function startRun(deps: SchedulerDeps, ctx: RunContext & { due: DueRun }): Promise<Outcome> {
  const { workspace, source, due, now } = ctx;
  const run = { workspaceId: workspace.id, kind: source.kind, periodKey: due.periodKey, dueAt: due.dueAt, target: due.target };
  if (now.getTime() - due.dueAt.getTime() > deps.graceHours * 3_600_000) {
    const recorded = await recordSkipped(deps.db, run, `missed: nobody was running within ${deps.graceHours} h of the due time`, now);
    if (recorded) deps.logger.warn({ workspace: workspace.id, kind: source.kind, period: due.periodKey }, 'scheduled run missed beyond the grace window');
    return recorded ? 'skipped' : 'none';
  }
  const claimed = await claimNewRun(deps.db, run, claimOf(deps, now));
  if (!claimed) return 'none'; // another replica claimed it
  return guarded(deps, claimed, () => processRun(deps, { ...ctx, run: claimed }));
}

/** Posts (or, for a task, runs) one run this replica holds, handling every way that can go (used by the tick and by postRunNow). */
async function processRun(deps: SchedulerDeps, ctx: RunContext & { run: JobRunRow }): Promise<Outcome> {
  const { db, logger } = deps;
  const { workspace, poster, source, settings, run, now } = ctx;
  const log = logger.child({ runId: run.id, workspace: workspace.id, kind: run.kind, period: run.period_key });
  if (isJobTask(source)) return runTask(deps, { ...ctx, source }, log);
  const target = run.target;
  if (!target) {
    await markFinished(db, run.id, 'failed', 'no_channel', now);
    log.warn('no channel is configured for this scheduled post');
    return 'failed';
  }

  if (run.status === 'posting') {
    // The previous holder stopped after it may have posted: look before posting again.
    const found = await poster.findPost(workspace, target, run.id, new Date(run.claimed_at ?? run.due_at)).catch(() => undefined);
    if (typeof found === 'string') {
      await markPosted(db, run.id, found, now);
      log.info({ messageRef: found }, 'found the post of an interrupted run; marked it posted');
      return 'posted';
    }
    if (found === undefined) {
      await markFinished(db, run.id, 'failed', `post_unconfirmed: ${run.last_error ?? 'interrupted while posting'}`, now);
      log.warn('an interrupted run may or may not have posted; reported instead of posting again');
      return 'failed';
    }
  }

  if (await gaveUp(deps, run, now)) return 'failed';

  const built = await source.build({ db, workspace, settings, run, now });
  if ('skip' in built) {
    await markFinished(db, run.id, 'skipped', built.skip, now);
    return 'skipped';
  }
  if (!(await markPosting(db, run.id, deps.replicaId, now))) return 'none'; // taken over meanwhile

  let ref: string;
  try {
    ref = await poster.post(workspace, target, built.post, run.id);
  } catch (err) {
    if (err instanceof JobPostError && err.opts.permanent) {
      await markFinished(db, run.id, 'failed', err.code, now);
      log.warn({ code: err.code }, 'scheduled post refused; not retrying');
      return 'failed';
    }
    // Refused for now (JobPostError): nothing was posted. Anything else: it may have been.
    const refused = err instanceof JobPostError;
    const code = refused ? err.code : errorText(err);
    // Retry-After counts from Slack's answer, not from the start of a tick that may have run for a while.
    return retryLater(deps, run, deps.clock(), { status: refused ? 'claimed' : 'posting', code, afterSec: refused ? err.opts.retryAfterSec : undefined });
  }
  await markPosted(db, run.id, ref, now);
  log.info({ messageRef: ref }, 'scheduled post sent');
  return 'posted';
}

/**
 * Unexpected errors (not refusals) end an attempt without a retry time; the lease brings the run back, until
 * it has been tried too often: then it is finished as failed.
 */
async function gaveUp(deps: SchedulerDeps, run: JobRunRow, now: Date): Promise<boolean> {
  const max = deps.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  if (run.attempts <= max) return false;
  await markFinished(deps.db, run.id, 'failed', `gave up after ${max} attempts: ${run.last_error ?? 'unexpected error'}`, now);
  return true;
}

/**
 * Runs a task this replica holds and finishes its run. No poster is used and no channel is needed. An error
 * leaves the run claimed (see guarded): the lease brings it back and the task runs again, up to maxAttempts.
 */
async function runTask(deps: SchedulerDeps, ctx: RunContext & { run: JobRunRow; source: JobTask }, log: Logger): Promise<Outcome> {
  const { workspace, source, settings, run, now } = ctx;
  if (await gaveUp(deps, run, now)) return 'failed';
  const summary = await source.run({ db: deps.db, workspace, settings, run, now, useCase: await deps.useCaseDeps?.(workspace) });
  // Taken over meanwhile (this holder outlived its lease): the new holder runs it again and finishes it.
  if (!(await markTaskDone(deps.db, run.id, deps.replicaId, now))) return 'none';
  log.info({ summary }, 'scheduled task done');
  return 'ran';
}

async function retryLater(
  deps: SchedulerDeps,
  run: JobRunRow,
  now: Date,
  r: { status: 'claimed' | 'posting'; code: string; afterSec?: number },
): Promise<Outcome> {
  const max = deps.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const waitMs = r.afterSec !== undefined ? Math.max(1, r.afterSec) * 1000 : Math.min(MAX_BACKOFF_MS, 60_000 * 2 ** Math.max(0, run.attempts - 1));
  const at = new Date(now.getTime() + waitMs);
  const lateBy = at.getTime() - new Date(run.due_at).getTime();
  if (run.attempts >= max || lateBy > deps.graceHours * 3_600_000) {
    // Given up after a post that may have gone out: reported as unconfirmed, like an interrupted run.
    const reason = `${r.status === 'posting' ? 'post_unconfirmed: ' : ''}${r.code} (gave up after ${run.attempts} attempts)`;
    await markFinished(deps.db, run.id, 'failed', reason, now);
    deps.logger.warn({ runId: run.id, code: r.code }, 'scheduled post gave up');
    return 'failed';
  }
  // A run that may have posted looks for its post first on its next attempt.
  await scheduleRetry(deps.db, run.id, { status: r.status, at, error: r.code });
  deps.logger.warn({ runId: run.id, code: r.code, retryAt: at.toISOString() }, 'scheduled post will be retried');
  return 'retrying';
}

/** Errors from the database or a bug: logged, and the run's lease lets another attempt happen later. */
async function guarded(deps: SchedulerDeps, run: JobRunRow, work: () => Promise<Outcome>): Promise<Outcome> {
  try {
    return await work();
  } catch (err) {
    deps.logger.error({ err, runId: run.id }, 'scheduled run failed unexpectedly; it will be retried when its lease ends');
    await deps.db
      .updateTable('job_run')
      .set({ last_error: errorText(err) })
      .where('id', '=', run.id)
      .execute()
      .catch(() => undefined);
    return 'none';
  }
}

export type PostNowOutcome =
  | { status: 'posted'; run: JobRunRow }
  | { status: 'already_posted'; run: JobRunRow }
  | { status: 'in_progress'; run: JobRunRow }
  | { status: 'failed' | 'skipped' | 'retrying'; run: JobRunRow };

/**
 * Posts one occurrence now, through the same claim as the scheduler (an admin's "post now", the command
 * line): a period already posted is not posted again; one that failed or was skipped is tried again, since
 * someone asked for it explicitly.
 */
export async function postRunNow(
  deps: SchedulerDeps,
  args: { workspace: WorkspaceRow; poster: JobPoster; source: JobSource; due: DueRun },
): Promise<PostNowOutcome> {
  const now = deps.clock();
  const { workspace, poster, source, due } = args;
  const claim = claimOf(deps, now);
  const run = { workspaceId: workspace.id, kind: source.kind, periodKey: due.periodKey, dueAt: due.dueAt, target: due.target };
  let held = await claimNewRun(deps.db, run, claim);
  if (!held) {
    const existing = (await findRun(deps.db, workspace.id, source.kind, due.periodKey))!;
    if (existing.status === 'posted') return { status: 'already_posted', run: existing };
    if (existing.status === 'failed' || existing.status === 'skipped') held = await reclaimFinishedRun(deps.db, existing.id, claim);
    else if (existing.next_attempt_at && new Date(existing.next_attempt_at).getTime() <= now.getTime()) {
      held = (await reclaimDueRuns(deps.db, { workspaceIds: [workspace.id], kinds: [source.kind] }, claim)).find((r) => r.id === existing.id);
    }
    if (!held) return { status: 'in_progress', run: (await findRun(deps.db, workspace.id, source.kind, due.periodKey))! };
    // A failed or skipped run is posted where the settings say now, not where they said then.
    if (held.target !== due.target && held.status === 'claimed') {
      await deps.db.updateTable('job_run').set({ target: due.target }).where('id', '=', held.id).execute();
      held = { ...held, target: due.target };
    }
  }
  const settings = await loadSettings(deps.db, workspace.id);
  const outcome = await processRun(deps, { workspace, poster, source, settings, run: held, now });
  const after = (await findRun(deps.db, workspace.id, source.kind, due.periodKey))!;
  // 'ran' is a task's outcome; postRunNow is given sources, which post.
  if (outcome === 'posted' || outcome === 'ran') return { status: 'posted', run: after };
  if (outcome === 'none') return { status: 'in_progress', run: after };
  return { status: outcome, run: after };
}

function claimOf(deps: SchedulerDeps, now: Date) {
  return { by: deps.replicaId, now, leaseMs: deps.leaseMs ?? DEFAULT_LEASE_MS };
}

function errorText(err: unknown): string {
  const code = (err as { code?: unknown })?.code;
  if (typeof code === 'string') return code;
  return err instanceof Error ? err.message.slice(0, 200) : String(err).slice(0, 200);
}

/** Runs `work` on every item, at most `limit` at a time, in order of start. */
async function forEachAtMost<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

/** The list started at a random place (and wrapped round). */
function rotated<T>(items: T[]): T[] {
  const at = Math.floor(Math.random() * items.length);
  return [...items.slice(at), ...items.slice(0, at)];
}
