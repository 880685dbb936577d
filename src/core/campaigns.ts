import type { Kysely } from 'kysely';
import { DateTime } from 'luxon';
import { challengeCompleters, distinctRecipientsInCampaign } from '../db/queries/campaigns';
import { knownPeople, storyCandidates, valueCounts, weekSummary } from '../db/queries/digest';
import type { Database, ValueRow, WorkspaceRow } from '../db/schema';
import { addDays, customerServiceWeek } from './calendar';
import { pickStories, seedOf, STORY_COUNT, type DigestPerson, type DigestStory, type DigestTotals, type DigestValue } from './digest';
import { BUILT_IN_OBSERVANCES } from './observances';
import type { Settings } from './settings';
import { loadSettings } from './settings-store';
import { safeZone } from './time';

/**
 * Campaigns: Customer Service Week as a stretch of time that kudos belong to. A kudos given while the week runs
 * (Monday 00:00 to the end of Friday, in the workspace's time zone) is tagged with the campaign's key
 * ('csw-2026'); the three-notes challenge and the recap read those tags. The other observances are one-day
 * reminders: they tag nothing.
 */

export const CSW_NAME = BUILT_IN_OBSERVANCES['customer-service-week'].name;
/** The three-notes challenge: thank this many different people during the campaign. */
export const THREE_NOTES_TARGET = 3;
/** notice.kind of the congratulation, sent once per person per campaign (notice.period = campaign key). */
export const THREE_NOTES_NOTICE = 'three-notes';

export interface Campaign {
  /** 'csw-2026': stored on each kudos given during it. */
  key: string;
  name: string;
  year: number;
  /** Monday 00:00 in `timeZone`. */
  start: Date;
  /** Exclusive: the Saturday 00:00 after the Friday. */
  end: Date;
  /** First and last day, inclusive ('YYYY-MM-DD'). */
  startDay: string;
  endDay: string;
  timeZone: string;
}

/** The zone campaigns and observance posts run in: the same as the digest's (its own setting, else the workspace's). */
export function campaignZone(workspace: Pick<WorkspaceRow, 'time_zone'>, settings: Pick<Settings, 'digest'>): string {
  return safeZone(settings.digest.timeZone ?? workspace.time_zone);
}

export function campaignKeyOf(year: number): string {
  return `csw-${year}`;
}

/** The year of a campaign key ('csw-2026' → 2026), or null when it is not one. */
export function campaignYear(key: string): number | null {
  const m = /^csw-(\d{4})$/.exec(key);
  return m ? Number(m[1]) : null;
}

/** Customer Service Week of `year` as instants in `zone`. */
export function customerServiceWeekCampaign(year: number, zone: string): Campaign {
  const week = customerServiceWeek(year);
  const startOf = (day: string) => DateTime.fromISO(day, { zone }).startOf('day').toJSDate();
  return {
    key: campaignKeyOf(year),
    name: CSW_NAME,
    year,
    start: startOf(week.start),
    end: startOf(addDays(week.end, 1)),
    startDay: week.start,
    endDay: week.end,
    timeZone: zone,
  };
}

/** The campaign running at `at` for this workspace, or null (none running, or Customer Service Week switched off). */
export function activeCampaignAt(workspace: Pick<WorkspaceRow, 'time_zone'>, settings: Pick<Settings, 'digest' | 'observances'>, at: Date): Campaign | null {
  if (!settings.observances.builtIn['customer-service-week']?.enabled) return null;
  const zone = campaignZone(workspace, settings);
  const campaign = customerServiceWeekCampaign(DateTime.fromJSDate(at, { zone }).year, zone);
  return at.getTime() >= campaign.start.getTime() && at.getTime() < campaign.end.getTime() ? campaign : null;
}

/**
 * Whether `at` can fall inside Customer Service Week in some time zone. Local time is at most 14 hours ahead of
 * UTC and 12 behind, so outside these bounds no zone is in the week and no settings need reading.
 */
function nearCustomerServiceWeek(at: Date): boolean {
  const year = at.getUTCFullYear();
  let bounds = NEAR_WEEK.get(year);
  if (!bounds) {
    const week = customerServiceWeek(year);
    bounds = {
      from: DateTime.fromISO(week.start, { zone: 'utc' }).minus({ hours: 14 }).toMillis(),
      to: DateTime.fromISO(addDays(week.end, 1), { zone: 'utc' }).plus({ hours: 12 }).toMillis(),
    };
    NEAR_WEEK.set(year, bounds);
  }
  return at.getTime() >= bounds.from && at.getTime() < bounds.to;
}

/** The bounds nearCustomerServiceWeek checks, per year (asked on every give, computed once). */
const NEAR_WEEK = new Map<number, { from: number; to: number }>();

/**
 * CoreDeps.campaignKeyAt: the key a kudos given at `at` is tagged with. Outside the first fortnight of October it
 * answers without a query, so gives the rest of the year cost nothing extra.
 */
export async function campaignKeyAt(db: Kysely<Database>, workspace: WorkspaceRow, at: Date): Promise<string | null> {
  if (!nearCustomerServiceWeek(at)) return null;
  return activeCampaignAt(workspace, await loadSettings(db, workspace.id), at)?.key ?? null;
}

// ---------------------------------------------------------------------------------------------------
// The three-notes challenge

export interface ChallengeProgress {
  campaignKey: string;
  /** Different people thanked in the campaign, counted up to the target. */
  distinct: 0 | 1 | 2 | 3;
  completed: boolean;
}

/** A person's progress in a given campaign (by key): different people among their live kudos tagged with it. */
export async function progressInCampaign(db: Kysely<Database>, workspaceId: number, personId: number, campaignKey: string): Promise<ChallengeProgress> {
  const n = await distinctRecipientsInCampaign(db, { workspaceId, giverId: personId, campaignKey });
  const distinct = Math.min(n, THREE_NOTES_TARGET) as ChallengeProgress['distinct'];
  return { campaignKey, distinct, completed: distinct >= THREE_NOTES_TARGET };
}

/** A person's progress in the campaign running at `at`; null when none is running. */
export async function challengeProgress(
  db: Kysely<Database>,
  workspace: WorkspaceRow,
  personId: number,
  at: Date,
  /** The workspace's settings, when the caller has them already. */
  settings?: Settings,
): Promise<ChallengeProgress | null> {
  if (!nearCustomerServiceWeek(at)) return null;
  const campaign = activeCampaignAt(workspace, settings ?? (await loadSettings(db, workspace.id)), at);
  return campaign ? progressInCampaign(db, workspace.id, personId, campaign.key) : null;
}

// ---------------------------------------------------------------------------------------------------
// The recap

export interface CampaignRecap {
  campaign: Campaign;
  /** Live thanks given during the campaign (one per recipient, pile-ons included). */
  totals: DigestTotals & { knownPeople: number };
  participation: { participants: number; known: number; percent: number };
  /** Values used during the campaign, most used first. */
  values: DigestValue[];
  stories: DigestStory[];
  challenge: {
    /** Everyone who thanked three different people. */
    completed: number;
    /** Those of them who may be named (not opted out of rankings), by name. */
    named: DigestPerson[];
  };
  /** Nothing was given during the week. */
  quiet: boolean;
}

/**
 * What the recap says about a campaign. Totals, values and stories come from the digest's aggregates over the
 * campaign's own days (the days its kudos were tagged on); the challenge comes from the tags themselves.
 */
export async function recapData(db: Kysely<Database>, workspace: WorkspaceRow, campaignKey: string, settings?: Settings): Promise<CampaignRecap> {
  const year = campaignYear(campaignKey);
  if (year === null) throw new RangeError(`not a campaign key: ${campaignKey}`);
  const s = settings ?? (await loadSettings(db, workspace.id));
  const campaign = customerServiceWeekCampaign(year, campaignZone(workspace, s));
  const window = { start: campaign.start, end: campaign.end };
  const [summary, values, candidates, known, completers] = await Promise.all([
    weekSummary(db, workspace.id, { ...window, previousStart: new Date(campaign.start.getTime() - 7 * 86_400_000) }, { top: 1, cap: 1, firstTimerCap: 1 }),
    valueCounts(db, workspace.id, window),
    storyCandidates(db, workspace.id, window, { limit: 60, seed: seedOf(campaignKey) }),
    knownPeople(db, workspace.id),
    challengeCompleters(db, { workspaceId: workspace.id, campaignKey, target: THREE_NOTES_TARGET }),
  ]);
  const t = summary.totals;
  const totals = { kudos: Number(t.kudos), givers: Number(t.givers), recipients: Number(t.recipients), participants: Number(t.participants), knownPeople: known };
  const knownBase = Math.max(known, totals.participants);
  return {
    campaign,
    totals,
    participation: {
      participants: totals.participants,
      known: knownBase,
      percent: knownBase ? Math.round((100 * totals.participants) / knownBase) : 0,
    },
    values,
    stories: pickStories(candidates, STORY_COUNT),
    challenge: {
      completed: completers.length,
      named: completers.filter((c) => c.nameable).map((c) => ({ id: c.id, externalId: c.externalId, displayName: c.displayName })),
    },
    quiet: totals.kudos === 0,
  };
}

/** The workspace's value for thanking customers, if it has one (e.g. `#customer-love`), for Thursday's prompt. */
export function customerValueSlug(values: ReadonlyArray<Pick<ValueRow, 'slug' | 'active'>>): string | null {
  return values.find((v) => v.active && /customer/i.test(v.slug))?.slug ?? null;
}

// ---------------------------------------------------------------------------------------------------
// What gets posted

/**
 * A campaign or observance post, platform-neutral. `text` is the copy from campaign-copy.ts (paragraphs
 * separated by blank lines, `*bold*` the only markup, admins' own words included as typed); `summary` is a
 * one-line plain version for notifications and previews.
 */
export type CampaignPost = CampaignTextPost | CampaignRecapPost;

export interface CampaignTextPost {
  type: 'announcement' | 'kickoff' | 'daily' | 'reminder';
  /** What the post is about: a campaign key ('csw-2026') or an observance key ('thanksgiving', 'custom:…'). */
  subject: string;
  summary: string;
  text: string;
  /** Whether the post carries a "Give kudos" button. */
  giveButton: boolean;
}

export interface CampaignRecapPost {
  type: 'recap';
  subject: string;
  summary: string;
  recap: CampaignRecap;
  giveButton: boolean;
}
