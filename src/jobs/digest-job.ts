import { DateTime, type WeekdayNumbers } from 'luxon';
import { buildDigest, type DigestPeriod } from '../core/digest';
import type { DigestSettings, Settings } from '../core/settings';
import { safeZone } from '../core/time';
import type { WorkspaceRow } from '../db/schema';
import type { JobSource } from './ports';

/**
 * The weekly digest as a job source, and the calendar arithmetic behind it.
 *
 * A digest is scheduled on a weekday at a local wall-clock time in a time zone. Each occurrence is computed
 * from its local date and the configured time (never by adding 168 hours), so a daylight-saving change
 * moves the instant, not the wall-clock time, and no week is skipped or repeated. Its period key is the ISO
 * week of that local date ('2026-W48'): one digest per week, whatever the schedule does within it.
 *
 * A digest covers the seven days that end at its scheduled instant: [previous occurrence, this occurrence).
 * Consecutive digests therefore cover time without a gap or an overlap, and a kudos given an hour before
 * the digest is in it.
 */

export const DIGEST_KIND = 'digest';

const KEY_PATTERN = /^(\d{4})-W(\d{2})$/;

/** The zone a workspace's digest runs in: its own setting, else the workspace's. */
export function digestZone(workspace: Pick<WorkspaceRow, 'time_zone'>, settings: Pick<Settings, 'digest'>): string {
  return safeZone(settings.digest.timeZone ?? workspace.time_zone);
}

/** The instant of the configured time on the local date of `day` (a time skipped by DST moves forward). */
function occurrenceOn(day: DateTime, time: string, zone: string): DateTime {
  const [hour, minute] = time.split(':').map(Number);
  return DateTime.fromObject({ year: day.year, month: day.month, day: day.day, hour, minute }, { zone });
}

export function periodKeyOf(day: DateTime): string {
  return `${day.weekYear}-W${String(day.weekNumber).padStart(2, '0')}`;
}

/** The digest period whose scheduled local date is `day`. */
function periodOn(day: DateTime, digest: Pick<DigestSettings, 'time'>, zone: string): DigestPeriod {
  return {
    key: periodKeyOf(day),
    start: occurrenceOn(day.minus({ days: 7 }), digest.time, zone).toJSDate(),
    end: occurrenceOn(day, digest.time, zone).toJSDate(),
    previousStart: occurrenceOn(day.minus({ days: 14 }), digest.time, zone).toJSDate(),
    timeZone: zone,
  };
}

/** The latest scheduled occurrence at or before `now`: the digest that is (or was last) due. */
export function latestDigestPeriod(digest: Pick<DigestSettings, 'weekday' | 'time'>, zone: string, now: Date): DigestPeriod {
  const local = DateTime.fromJSDate(now, { zone });
  // The configured weekday of the ISO week containing `now`, as a date; time is applied by occurrenceOn.
  let day = local.set({ weekday: digest.weekday as WeekdayNumbers }).startOf('day');
  if (occurrenceOn(day, digest.time, zone).toMillis() > now.getTime()) day = day.minus({ weeks: 1 });
  return periodOn(day, digest, zone);
}

/** The next scheduled occurrence strictly after `now`. */
export function nextDigestPeriod(digest: Pick<DigestSettings, 'weekday' | 'time'>, zone: string, now: Date): DigestPeriod {
  const latest = latestDigestPeriod(digest, zone, now);
  return periodOn(DateTime.fromJSDate(latest.end, { zone }).plus({ weeks: 1 }), digest, zone);
}

/** The period for a key such as '2026-W48' (ISO week-year and week); undefined when the key is malformed. */
export function digestPeriodForKey(key: string, digest: Pick<DigestSettings, 'weekday' | 'time'>, zone: string): DigestPeriod | undefined {
  const m = KEY_PATTERN.exec(key);
  if (!m) return undefined;
  const day = DateTime.fromObject({ weekYear: Number(m[1]), weekNumber: Number(m[2]), weekday: digest.weekday as WeekdayNumbers }, { zone });
  if (!day.isValid || periodKeyOf(day) !== key) return undefined;
  return periodOn(day, digest, zone);
}

/** The period of a claimed run: it ends at the run's due time, on that local date. */
export function digestPeriodForRun(dueAt: Date, digest: Pick<DigestSettings, 'time'>, zone: string): DigestPeriod {
  const day = DateTime.fromJSDate(dueAt, { zone });
  return { ...periodOn(day, digest, zone), end: dueAt };
}

export const digestJob: JobSource = {
  kind: DIGEST_KIND,

  due(workspace, settings, now) {
    if (!settings.digest.enabled) return [];
    const period = latestDigestPeriod(settings.digest, digestZone(workspace, settings), now);
    return [{ periodKey: period.key, dueAt: period.end, target: settings.digest.channel ?? settings.kudosChannel }];
  },

  async build({ db, workspace, settings, run }) {
    const period = digestPeriodForRun(new Date(run.due_at), settings.digest, digestZone(workspace, settings));
    const digest = await buildDigest(db, workspace, { ...period, key: run.period_key }, settings.digest);
    if (digest.quiet && settings.digest.quietWeek === 'skip') return { skip: 'quiet_week' };
    return { post: { kind: 'digest', digest } };
  },
};
