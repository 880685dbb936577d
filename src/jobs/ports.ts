import type { Kysely } from 'kysely';
import type { CampaignPost } from '../core/campaigns';
import type { UseCaseDeps } from '../core/ports';
import type { DigestData } from '../core/digest';
import type { Settings } from '../core/settings';
import type { Database, JobRunRow, Platform, WorkspaceRow } from '../db/schema';

/**
 * The contract between the scheduler and the rest of the app.
 *
 * - A JobSource says what is due (a kind, a period key, a due time and a target channel) and builds the
 *   message for a claimed run. It knows nothing about platforms: the digest, and later campaign reminders,
 *   are sources.
 * - A JobPoster delivers a JobMessage on one platform. Slack implements it with chat.postMessage, Teams with
 *   a proactive message; each renders the message with its own pure renderer.
 *
 * - A JobTask is due like a source but posts nothing: it does its work (the nightly retention run) and says
 *   what it did. It needs no channel; its run is finished as 'posted' with no message_ref.
 *
 * The scheduler (scheduler.ts) claims each (workspace, kind, period key) once in `job_run`, so any number of
 * replicas post a run once; see there for retries and crash recovery.
 */

/** What gets posted: the digest, or a campaign / observance post (jobs/campaign-jobs.ts). */
export type JobMessage = { kind: 'digest'; digest: DigestData } | { kind: 'campaign'; post: CampaignPost };

export interface JobPoster {
  readonly platform: Platform;
  /**
   * True when this poster can post for the workspace now (its credentials belong to it and it is connected).
   * Workspaces no poster serves are left alone: their runs are neither claimed nor skipped.
   */
  serves(workspace: WorkspaceRow): boolean;
  /**
   * Posts the message and returns the platform's message id (Slack: the ts). The run id travels with the
   * message (Slack: message metadata) so that a run interrupted after posting can find its post again.
   *
   * Throw JobPostError only when the platform said the message was NOT posted (an error answer, a rate limit);
   * any other exception means "may or may not have been posted", and the scheduler will call findPost before
   * posting again.
   */
  post(workspace: WorkspaceRow, channel: string, message: JobMessage, runId: number): Promise<string>;
  /**
   * After an interruption in 'posting': the message id if this run's post exists, null if it certainly does
   * not, undefined if it cannot tell. `postedAfter` is when the run started posting (a lower bound for the
   * search). A run whose post cannot be confirmed is reported as failed, never blindly posted again.
   */
  findPost(workspace: WorkspaceRow, channel: string, runId: number, postedAfter: Date): Promise<string | null | undefined>;
}

/** The platform refused the post. `permanent` failures (channel archived, not found) are not retried. */
export class JobPostError extends Error {
  override name = 'JobPostError';
  constructor(
    readonly code: string,
    readonly opts: { retryAfterSec?: number; permanent: boolean },
  ) {
    super(`post failed: ${code}`);
  }
}

/** One occurrence of a job that is due (its time has come) for a workspace. */
export interface DueRun {
  /** Unique per workspace and kind: a period is posted at most once (e.g. '2026-W48'). */
  periodKey: string;
  dueAt: Date;
  /** Where to post; null when nothing is configured (the run is recorded as failed with 'no_channel'). */
  target: string | null;
}

export interface BuildContext {
  db: Kysely<Database>;
  workspace: WorkspaceRow;
  settings: Settings;
  run: JobRunRow;
  now: Date;
}

/** What a source wants done with a claimed run: post this message, or record it as skipped with a reason. */
export type BuildResult = { post: JobMessage } | { skip: string };

export interface JobSource {
  /** Stored in job_run.kind; unique among sources. */
  readonly kind: string;
  /**
   * The latest occurrence at or before `now` (at most a few): the scheduler claims those not claimed yet,
   * or records them as skipped when they are older than the grace window. Pure: no I/O.
   */
  due(workspace: WorkspaceRow, settings: Settings, now: Date): DueRun[];
  /** Builds the message for a claimed run; called again on each retry (content is rebuilt, not stored). */
  build(ctx: BuildContext): Promise<BuildResult>;
}

/**
 * Work done on schedule instead of a post, claimed exactly like one. `run` is called again when a run is taken
 * over (its holder crashed) or fails unexpectedly, so it must be idempotent. It returns a short summary for the
 * log (counts only, never people's words).
 */
export interface JobTask {
  /** Stored in job_run.kind; unique among sources and tasks. */
  readonly kind: string;
  /** As JobSource.due; the target is ignored (null). */
  due(workspace: WorkspaceRow, settings: Settings, now: Date): DueRun[];
  run(ctx: TaskContext): Promise<string>;
}

export interface TaskContext extends BuildContext {
  /**
   * The core's use-case dependencies for this workspace (its platform's notifier, to redraw posts), when the
   * app supplies them (SchedulerDeps.useCaseDeps); work that needs them is left undone without them.
   */
  useCase?: UseCaseDeps;
}

/** Anything the scheduler runs: a post or a task. */
export type ScheduledJob = JobSource | JobTask;

export function isJobTask(job: ScheduledJob): job is JobTask {
  return 'run' in job && typeof job.run === 'function';
}
