import { DateTime } from 'luxon';
import { applyRetention, retentionSummaryText } from '../core/retention';
import { safeZone } from '../core/time';
import type { WorkspaceRow } from '../db/schema';
import type { DueRun, JobTask } from './ports';

/**
 * The nightly retention run (core/retention.ts) as a scheduler task: one run per workspace per local date, due
 * at RETENTION_TIME in the workspace's time zone, claimed once across replicas in `job_run` like a post. It posts
 * nothing, so it needs no channel; the scheduler finishes its run as 'posted' with no message_ref and logs the
 * summary (counts only).
 */

export const RETENTION_KIND = 'retention';
/** Local wall-clock time of the run: a quiet hour almost everywhere. */
export const RETENTION_TIME = { hour: 3, minute: 0 };

/** The latest run at or before `now`: its period key is the workspace's local date ('2026-11-27'). */
export function latestRetentionRun(workspace: Pick<WorkspaceRow, 'time_zone'>, now: Date): DueRun {
  const zone = safeZone(workspace.time_zone);
  let day = DateTime.fromJSDate(now, { zone }).startOf('day');
  // Computed from the local date (never by adding 24 hours), so a daylight-saving change moves the instant only.
  const at = (d: DateTime) => DateTime.fromObject({ year: d.year, month: d.month, day: d.day, ...RETENTION_TIME }, { zone });
  if (at(day).toMillis() > now.getTime()) day = day.minus({ days: 1 });
  return { periodKey: day.toISODate()!, dueAt: at(day).toJSDate(), target: null };
}

export const retentionJob: JobTask = {
  kind: RETENTION_KIND,

  due(workspace, _settings, now) {
    return [latestRetentionRun(workspace, now)];
  },

  async run({ db, workspace, settings, now, useCase }) {
    return retentionSummaryText(await applyRetention({ db, ...(useCase ? { useCase } : {}) }, workspace, settings.retention, now));
  },
};
