import { sql, type Kysely } from 'kysely';
import type { Database, JobRunRow } from '../db/schema';
import { RETENTION_KIND } from './retention-job';

/**
 * Claims and state changes over `job_run`. One row per (workspace, kind, period key), unique: inserting it
 * is the claim, so of any number of replicas exactly one gets the row back.
 *
 *   claimed ──▶ posting ──▶ posted
 *      │  ▲        │
 *      │  └────────┤ refused for now (rate limit, outage): retried at next_attempt_at
 *      ▼           ▼
 *   failed     failed (refused for good, or the post cannot be confirmed)        skipped (quiet week, missed)
 *
 * A task (JobTask: work instead of a post) goes from claimed straight to posted, with no message_ref (markTaskDone).
 *
 * While claimed or posting, `next_attempt_at` is the holder's lease: when it passes (the holder crashed, or a
 * retry is due), any replica may take the run over, atomically (`for update skip locked`).
 * `claimed_at` is when the run last entered 'posting' (or was claimed): a lower bound for finding its post.
 */

export interface NewRun {
  workspaceId: number;
  kind: string;
  periodKey: string;
  dueAt: Date;
  target: string | null;
}

/** The earliest time a run of these workspaces, left for a later attempt, may be tried again (after `now`). */
export async function earliestRetry(db: Kysely<Database>, workspaceIds: number[], now: Date): Promise<Date | undefined> {
  if (!workspaceIds.length) return undefined;
  const row = await db
    .selectFrom('job_run')
    .select((eb) => eb.fn.min('next_attempt_at').as('at'))
    .where('status', '=', 'claimed')
    .where('workspace_id', 'in', workspaceIds)
    .where('next_attempt_at', '>', now)
    .executeTakeFirst();
  return row?.at ? new Date(row.at) : undefined;
}

/** A run's claim key as one string (workspace, kind, period). */
export function runKey(workspaceId: number, kind: string, periodKey: string): string {
  return `${workspaceId}/${kind}/${periodKey}`;
}

/**
 * Which of these runs are recorded already (as runKey strings), in one read for any number of workspaces: the
 * read covers their workspaces, kinds and periods together, and the answer keeps only the runs asked about.
 */
export async function existingRuns(db: Kysely<Database>, runs: ReadonlyArray<{ workspaceId: number; kind: string; periodKey: string }>): Promise<Set<string>> {
  if (!runs.length) return new Set();
  const asked = new Set(runs.map((r) => runKey(r.workspaceId, r.kind, r.periodKey)));
  const rows = await db
    .selectFrom('job_run')
    .select(['workspace_id', 'kind', 'period_key'])
    .where('workspace_id', 'in', [...new Set(runs.map((r) => r.workspaceId))])
    .where('kind', 'in', [...new Set(runs.map((r) => r.kind))])
    .where('period_key', 'in', [...new Set(runs.map((r) => r.periodKey))])
    .execute();
  return new Set(rows.map((r) => runKey(r.workspace_id, r.kind, r.period_key)).filter((k) => asked.has(k)));
}

/** The columns that name a run (its claim key) and say what it is for. */
function runColumns(run: NewRun) {
  return { workspace_id: run.workspaceId, kind: run.kind, period_key: run.periodKey, due_at: run.dueAt, target: run.target };
}

/** Inserts the run as claimed by `claimedBy`; undefined when another claim got there first. */
export async function claimNewRun(
  db: Kysely<Database>,
  run: NewRun,
  claim: { by: string; now: Date; leaseMs: number },
): Promise<JobRunRow | undefined> {
  return db
    .insertInto('job_run')
    .values({
      ...runColumns(run),
      status: 'claimed',
      attempts: 1,
      claimed_by: claim.by,
      claimed_at: claim.now,
      next_attempt_at: new Date(claim.now.getTime() + claim.leaseMs),
    })
    .onConflict((oc) => oc.columns(['workspace_id', 'kind', 'period_key']).doNothing())
    .returningAll()
    .executeTakeFirst();
}

/** Records a run that will not be posted (missed beyond the grace window); a no-op if the run exists. */
export async function recordSkipped(db: Kysely<Database>, run: NewRun, reason: string, now: Date): Promise<boolean> {
  const row = await db
    .insertInto('job_run')
    .values({
      ...runColumns(run),
      status: 'skipped',
      last_error: reason,
      finished_at: now,
    })
    .onConflict((oc) => oc.columns(['workspace_id', 'kind', 'period_key']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return !!row;
}

/**
 * Takes over runs whose lease or retry time has passed (claimed or posting), for the workspaces and kinds
 * this replica can post.
 * `for update skip locked` lets replicas ticking together each take different rows, never the same one.
 */
export async function reclaimDueRuns(
  db: Kysely<Database>,
  scope: { workspaceIds: number[]; kinds: string[] },
  claim: { by: string; now: Date; leaseMs: number },
  limit = 20,
): Promise<JobRunRow[]> {
  if (!scope.workspaceIds.length || !scope.kinds.length) return [];
  const lease = new Date(claim.now.getTime() + claim.leaseMs);
  const { rows } = await sql<JobRunRow>`
    update job_run
    set claimed_by = ${claim.by},
        -- a run in 'posting' keeps the time it started posting: findPost searches from there
        claimed_at = case when status = 'posting' then claimed_at else ${claim.now} end,
        attempts = attempts + 1,
        next_attempt_at = ${lease}
    where id in (
      select id from job_run
      where status in ('claimed', 'posting') and next_attempt_at <= ${claim.now}
        and workspace_id in (${sql.join(scope.workspaceIds)}) and kind in (${sql.join(scope.kinds)})
      order by next_attempt_at, id
      limit ${limit}
      for update skip locked)
    returning *`.execute(db);
  return rows;
}

/**
 * Takes back a finished run that did not post (failed or skipped) when someone explicitly asks to post it
 * now. Undefined when it is not in such a state any more.
 */
export async function reclaimFinishedRun(db: Kysely<Database>, id: number, claim: { by: string; now: Date; leaseMs: number }): Promise<JobRunRow | undefined> {
  return db
    .updateTable('job_run')
    .set((eb) => ({
      status: 'claimed',
      claimed_by: claim.by,
      claimed_at: claim.now,
      attempts: eb('attempts', '+', 1),
      next_attempt_at: new Date(claim.now.getTime() + claim.leaseMs),
      finished_at: null,
    }))
    .where('id', '=', id)
    .where('status', 'in', ['failed', 'skipped'])
    .returningAll()
    .executeTakeFirst();
}

/** Moves the run to 'posting' if this replica still holds it; false when another replica took it over. */
export async function markPosting(db: Kysely<Database>, id: number, by: string, now: Date): Promise<boolean> {
  const row = await db
    .updateTable('job_run')
    .set({ status: 'posting', claimed_at: now })
    .where('id', '=', id)
    .where('claimed_by', '=', by)
    .where('status', 'in', ['claimed', 'posting'])
    .returning('id')
    .executeTakeFirst();
  return !!row;
}

/** Records the platform's message id and finishes the run, in one statement. */
export async function markPosted(db: Kysely<Database>, id: number, messageRef: string, now: Date): Promise<void> {
  await db
    .updateTable('job_run')
    .set({ status: 'posted', message_ref: messageRef, finished_at: now, next_attempt_at: null, last_error: null })
    .where('id', '=', id)
    .execute();
}

/** Finishes a task's run (it posted nothing) if this replica still holds it; false when another took it over. */
export async function markTaskDone(db: Kysely<Database>, id: number, by: string, now: Date): Promise<boolean> {
  const row = await db
    .updateTable('job_run')
    .set({ status: 'posted', message_ref: null, finished_at: now, next_attempt_at: null, last_error: null })
    .where('id', '=', id)
    .where('claimed_by', '=', by)
    .where('status', '=', 'claimed')
    .returning('id')
    .executeTakeFirst();
  return !!row;
}

export async function markFinished(db: Kysely<Database>, id: number, status: 'failed' | 'skipped', reason: string, now: Date): Promise<void> {
  await db
    .updateTable('job_run')
    .set({ status, last_error: reason, finished_at: now, next_attempt_at: null })
    .where('id', '=', id)
    .execute();
}

/** Leaves the run for a later attempt: 'claimed' when nothing was posted, 'posting' when a post may exist. */
export async function scheduleRetry(
  db: Kysely<Database>,
  id: number,
  retry: { status: 'claimed' | 'posting'; at: Date; error: string },
): Promise<void> {
  await db
    .updateTable('job_run')
    .set({ status: retry.status, next_attempt_at: retry.at, last_error: retry.error })
    .where('id', '=', id)
    .execute();
}

export async function findRun(db: Kysely<Database>, workspaceId: number, kind: string, periodKey: string): Promise<JobRunRow | undefined> {
  return db
    .selectFrom('job_run')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('kind', '=', kind)
    .where('period_key', '=', periodKey)
    .executeTakeFirst();
}

/** Runs that post nothing, left out of the admin view of scheduled posts (one a night would crowd it). */
export const TASK_KINDS: readonly string[] = [RETENTION_KIND];

/** The latest scheduled posts of a workspace, newest first (the admin view: what was posted, what failed and why). */
export async function listRecentRuns(db: Kysely<Database>, workspaceId: number, limit = 20): Promise<JobRunRow[]> {
  return db
    .selectFrom('job_run')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('kind', 'not in', TASK_KINDS)
    .orderBy('due_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}
