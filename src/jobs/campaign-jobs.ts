import { DateTime } from 'luxon';
import { addDays } from '../core/calendar';
import {
  announcementText,
  customReminderText,
  dailyTheme,
  dailyThemeText,
  formatDay,
  kickoffText,
  recapIntroText,
  reminderText,
} from '../core/campaign-copy';
import { campaignKeyOf, campaignZone, customerServiceWeekCampaign, customerValueSlug, recapData, CSW_NAME, type Campaign } from '../core/campaigns';
import { occurrencesBetween, type Occurrence, type ReminderTiming } from '../core/observances';
import type { Settings } from '../core/settings';
import { localDay } from '../core/time';
import { listValues } from '../db/queries/values';
import type { WorkspaceRow } from '../db/schema';
import type { BuildResult, DueRun, JobSource } from './ports';

/**
 * Customer Service Week and the other observances as job sources of the shared scheduler, so each post is
 * claimed once per (workspace, kind, period) like the digest: once across replicas, caught up after a short
 * outage, recorded as skipped when found past the grace window.
 *
 *   kind           period        due (settings.observances.postTime, in the campaign zone)
 *   csw-announce   '2026'        `announceDaysBefore` days before the Monday (none when 0)
 *   csw-kickoff    '2026'        the Monday
 *   csw-day        '2026-1'…'-5' each day, Monday to Friday (Monday's comes right after the kickoff)
 *   csw-recap      '2026'        the Monday after the week
 *   observance     'thanksgiving:2026', 'custom:<id>:2026'
 *                                the day itself, or the day before (reminderTiming)
 *
 * Each time is computed from its local date and the configured wall-clock time, never by adding hours, so a
 * daylight-saving change moves the instant and not the time people see it. `due` offers every occurrence of the
 * last LOOKBACK_DAYS, so a post missed during a long outage is still seen, and recorded as skipped.
 *
 * A claimed run is built from the settings of the moment: a campaign switched off meanwhile, or a day that is
 * already over (a prompt caught up after midnight), is skipped with a reason instead of posted.
 */

export const CSW_ANNOUNCE_KIND = 'csw-announce';
export const CSW_KICKOFF_KIND = 'csw-kickoff';
export const CSW_DAY_KIND = 'csw-day';
export const CSW_RECAP_KIND = 'csw-recap';
export const OBSERVANCE_KIND = 'observance';

/** Longer than the longest grace window (JOB_GRACE_HOURS is at most 14 days), so every miss gets recorded. */
export const LOOKBACK_DAYS = 15;

/** The instant of local wall-clock `time` on calendar `day` in `zone` (a time DST skips moves forward). */
export function localTimeOn(day: string, time: string, zone: string): Date {
  const [hour, minute] = time.split(':').map(Number);
  const [year, month, d] = day.split('-').map(Number);
  return DateTime.fromObject({ year, month, day: d, hour, minute }, { zone }).toJSDate();
}

/** The instant the local day after `day` starts: the end of `day`. */
function endOfDay(day: string, zone: string): Date {
  return DateTime.fromISO(addDays(day, 1), { zone }).startOf('day').toJSDate();
}

function target(settings: Settings): string | null {
  return settings.observances.channel ?? settings.kudosChannel;
}

function cswEnabled(settings: Settings): boolean {
  return !!settings.observances.builtIn['customer-service-week']?.enabled;
}

/**
 * The year whose Customer Service Week posts can be due at `now`, or null. They all fall between 1 September
 * (an announcement up to 30 days before a week that starts on 1–7 October) and mid-October (the recap), so with
 * the lookback nothing is due outside September to early November, and the scheduler's every-minute call costs
 * nothing most of the year.
 */
function cswYearAt(now: Date): number | null {
  const month = now.getUTCMonth() + 1;
  const day = now.getUTCDate();
  const inSeason = (month === 8 && day >= 30) || month === 9 || month === 10 || (month === 11 && day <= 3);
  return inSeason ? now.getUTCFullYear() : null;
}

function withinLookback(runs: DueRun[], now: Date): DueRun[] {
  const from = now.getTime() - LOOKBACK_DAYS * 86_400_000;
  return runs.filter((r) => r.dueAt.getTime() <= now.getTime() && r.dueAt.getTime() > from).sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime());
}

export interface CustomerServiceWeekSchedule {
  campaign: Campaign;
  announce: Date | null;
  kickoff: Date;
  days: Date[];
  recap: Date;
}

// The scheduler asks every minute; the answer only changes with the year and the settings.
const schedules = new Map<string, CustomerServiceWeekSchedule>();

/** Every Customer Service Week post of a year, with its due time. */
export function customerServiceWeekSchedule(
  year: number,
  observances: Pick<Settings['observances'], 'announceDaysBefore' | 'postTime'>,
  zone: string,
): CustomerServiceWeekSchedule {
  const key = `${year}|${observances.announceDaysBefore}|${observances.postTime}|${zone}`;
  let schedule = schedules.get(key);
  if (!schedule) {
    if (schedules.size >= 1000) schedules.clear();
    schedules.set(key, (schedule = computeSchedule(year, observances, zone)));
  }
  return schedule;
}

function computeSchedule(
  year: number,
  observances: Pick<Settings['observances'], 'announceDaysBefore' | 'postTime'>,
  zone: string,
): CustomerServiceWeekSchedule {
  const campaign = customerServiceWeekCampaign(year, zone);
  const at = (day: string) => localTimeOn(day, observances.postTime, zone);
  return {
    campaign,
    announce: observances.announceDaysBefore > 0 ? at(addDays(campaign.startDay, -observances.announceDaysBefore)) : null,
    kickoff: at(campaign.startDay),
    days: [0, 1, 2, 3, 4].map((i) => at(addDays(campaign.startDay, i))),
    recap: at(addDays(campaign.startDay, 7)),
  };
}

/** A source for one kind of Customer Service Week post. */
function cswSource(
  kind: string,
  runsOf: (s: CustomerServiceWeekSchedule) => Array<{ periodKey: string; dueAt: Date | null }>,
  build: (args: { year: number; periodKey: string; campaign: Campaign; settings: Settings; workspace: WorkspaceRow; now: Date; db: Parameters<JobSource['build']>[0]['db'] }) => Promise<BuildResult>,
): JobSource {
  return {
    kind,
    due(workspace, settings, now) {
      const year = cswYearAt(now);
      if (year === null || !cswEnabled(settings)) return [];
      const schedule = customerServiceWeekSchedule(year, settings.observances, campaignZone(workspace, settings));
      const runs: DueRun[] = [];
      for (const r of runsOf(schedule)) {
        if (r.dueAt) runs.push({ periodKey: r.periodKey, dueAt: r.dueAt, target: target(settings) });
      }
      return withinLookback(runs, now);
    },
    async build({ db, workspace, settings, run, now }) {
      if (!cswEnabled(settings)) return { skip: 'disabled' };
      const year = Number(run.period_key.slice(0, 4));
      const campaign = customerServiceWeekCampaign(year, campaignZone(workspace, settings));
      return build({ year, periodKey: run.period_key, campaign, settings, workspace, now, db });
    },
  };
}

export const cswAnnounceJob = cswSource(
  CSW_ANNOUNCE_KIND,
  (s) => [{ periodKey: String(s.campaign.year), dueAt: s.announce }],
  async ({ year, campaign, now }) => {
    // An announcement caught up after the week began would announce what is already under way.
    if (now.getTime() >= campaign.start.getTime()) return { skip: 'campaign_started' };
    return {
      post: {
        kind: 'campaign',
        post: {
          type: 'announcement',
          subject: campaign.key,
          summary: `${CSW_NAME} ${year} starts ${formatDay(campaign.startDay)}.`,
          text: announcementText(year, campaign.startDay, campaign.endDay),
          giveButton: false,
        },
      },
    };
  },
);

export const cswKickoffJob = cswSource(
  CSW_KICKOFF_KIND,
  (s) => [{ periodKey: String(s.campaign.year), dueAt: s.kickoff }],
  async ({ campaign, settings, now }) => {
    if (now.getTime() >= campaign.end.getTime()) return { skip: 'campaign_over' };
    return {
      post: {
        kind: 'campaign',
        post: { type: 'kickoff', subject: campaign.key, summary: `Happy ${CSW_NAME}!`, text: kickoffWith(settings.observances.builtIn['customer-service-week']?.prompt ?? null), giveButton: true },
      },
    };
  },
);

/** The kickoff, with the admin's own words for the week (its prompt setting) after the opening, when there are some. */
function kickoffWith(prompt: string | null): string {
  const paragraphs = kickoffText().split('\n\n');
  if (prompt?.trim()) paragraphs.splice(2, 0, prompt.trim());
  return paragraphs.join('\n\n');
}

export const cswDayJob = cswSource(
  CSW_DAY_KIND,
  (s) => s.days.map((dueAt, i) => ({ periodKey: `${s.campaign.year}-${i + 1}`, dueAt })),
  async ({ db, workspace, periodKey, campaign, now }) => {
    const index = Number(periodKey.slice(5));
    const theme = dailyTheme(index);
    if (!theme) return { skip: 'unknown_day' };
    const day = addDays(campaign.startDay, index - 1);
    // Yesterday's theme, caught up today, would ask for the wrong thing.
    if (now.getTime() >= endOfDay(day, campaign.timeZone).getTime()) return { skip: 'day_over' };
    const customerValue = theme.key === 'customer' ? customerValueSlug(await listValues(db, workspace.id, { activeOnly: true })) : null;
    return {
      post: {
        kind: 'campaign',
        post: {
          type: 'daily',
          subject: campaign.key,
          summary: `${CSW_NAME}, day ${theme.day}: ${theme.title}`,
          text: dailyThemeText(theme, customerValue),
          giveButton: true,
        },
      },
    };
  },
);

export const cswRecapJob = cswSource(
  CSW_RECAP_KIND,
  (s) => [{ periodKey: String(s.campaign.year), dueAt: s.recap }],
  async ({ db, workspace, settings, year, campaign }) => {
    const recap = await recapData(db, workspace, campaignKeyOf(year), settings);
    return {
      post: {
        kind: 'campaign',
        post: { type: 'recap', subject: campaign.key, summary: recapIntroText(year).replace(/\*/g, ''), recap, giveButton: true },
      },
    };
  },
);

// ---------------------------------------------------------------------------------------------------
// The other observances

type ReminderOccurrence = Occurrence & { reminderDay: string };

/** The day an occurrence's reminder goes out. */
function reminderDayOf(o: Pick<Occurrence, 'start'>, timing: ReminderTiming): string {
  return timing === 'day-before' ? addDays(o.start, -1) : o.start;
}

export function observancePeriodKey(o: Pick<Occurrence, 'key' | 'year'>): string {
  return `${o.key}:${o.year}`;
}

/** Observances whose reminder falls between the two days (inclusive); Customer Service Week has its own posts. */
function remindersBetween(settings: Settings, fromDay: string, toDay: string): ReminderOccurrence[] {
  const timing = settings.observances.reminderTiming;
  // A day-before reminder belongs to the next day's observance: look one day further.
  return occurrencesBetween(settings.observances, fromDay, addDays(toDay, 1))
    .filter((o) => o.key !== 'customer-service-week')
    .map((o) => ({ ...o, reminderDay: reminderDayOf(o, timing) }))
    .filter((o) => o.reminderDay >= fromDay && o.reminderDay <= toDay);
}

export const observanceJob: JobSource = {
  kind: OBSERVANCE_KIND,

  due(workspace, settings, now) {
    const zone = campaignZone(workspace, settings);
    const today = localDay(now, zone);
    const runs = remindersBetween(settings, addDays(today, -LOOKBACK_DAYS - 1), today).map((o) => ({
      periodKey: observancePeriodKey(o),
      dueAt: localTimeOn(o.reminderDay, settings.observances.postTime, zone),
      target: target(settings),
    }));
    return withinLookback(runs, now);
  },

  async build({ workspace, settings, run, now }) {
    const split = run.period_key.lastIndexOf(':');
    const key = run.period_key.slice(0, split);
    const year = Number(run.period_key.slice(split + 1));
    const o = occurrencesBetween(settings.observances, `${year}-01-01`, `${year}-12-31`).find((x) => x.key === key && x.year === year);
    if (!o) return { skip: 'disabled' };
    const zone = campaignZone(workspace, settings);
    if (now.getTime() >= endOfDay(o.end, zone).getTime()) return { skip: 'observance_over' };
    // Worded for when it actually goes out: before the day, or on it.
    const timing: ReminderTiming = localDay(new Date(run.due_at), zone) < o.start ? 'day-before' : 'same-day';
    const text = o.source === 'built-in' ? reminderText(o.key, o.prompt, timing) : customReminderText(o.name, o.message, timing);
    return {
      post: {
        kind: 'campaign',
        post: {
          type: 'reminder',
          subject: o.key,
          summary: timing === 'day-before' ? `Tomorrow: ${o.name}` : `Today: ${o.name}`,
          text,
          giveButton: true,
        },
      },
    };
  },
};

/** In the order the scheduler runs them: the kickoff before Monday's prompt. */
export const CAMPAIGN_JOBS: readonly JobSource[] = [cswAnnounceJob, cswKickoffJob, cswDayJob, cswRecapJob, observanceJob];
