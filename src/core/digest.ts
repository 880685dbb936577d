import type { Kysely } from 'kysely';
import {
  knownPeople,
  storyCandidates,
  valueCounts,
  previousTotals,
  weekSummary,
  type PersonRef,
  type RankedRow,
  type StoryCandidateRow,
} from '../db/queries/digest';
import type { Database, WorkspaceRow } from '../db/schema';
import { crossTeamWeek, type CrossTeamWeek } from './cross-team';
import type { DigestSettings } from './settings';
import { localDay } from './time';
import type { ValueView } from './types';

/**
 * The weekly digest as platform-neutral data: what happened in one period, ready for a Slack or Teams
 * renderer (or the command line). Built from the ledger with a few aggregate statements; revoked kudos never
 * count, and people who opted out of rankings are never named in them.
 */

/** Seven days that end at a scheduled instant (see jobs/digest-job.ts for how they are computed). */
export interface DigestPeriod {
  /** ISO week of the scheduled local date, e.g. '2026-W48'. */
  key: string;
  /** Inclusive. */
  start: Date;
  /** Exclusive: the scheduled instant. */
  end: Date;
  /** Start of the week before, for the change from last week. */
  previousStart: Date;
  timeZone: string;
}

export type DigestPerson = PersonRef;

export interface RankedPerson extends DigestPerson {
  count: number;
  /** Competition ranking: people tied share a rank (1, 1, 3). */
  rank: number;
}

export interface Ranking {
  /** Everyone ranked within the top `topCount` ranks (ties included), up to a cap. */
  entries: RankedPerson[];
  /** Ranked people past the cap (a long tie), for "and N more". */
  more: number;
}

export interface DigestTotals {
  /** Thanks given: one per recipient of each live kudos, pile-ons included. */
  kudos: number;
  givers: number;
  recipients: number;
  /** People who gave or received. */
  participants: number;
}

export interface DigestValue extends ValueView {
  count: number;
}

export interface DigestStory {
  kudosId: number;
  giver: DigestPerson;
  recipients: DigestPerson[];
  message: string;
  values: ValueView[];
  pileOns: number;
  permalink: string | null;
  postChannelId: string | null;
  postTs: string | null;
  createdAt: Date;
}

export interface DigestData {
  workspaceId: number;
  period: DigestPeriod & {
    /** First and last local days the period touches ('YYYY-MM-DD'). */
    startDay: string;
    endDay: string;
  };
  totals: DigestTotals & { knownPeople: number };
  previous: DigestTotals;
  topCount: number;
  topGivers: Ranking;
  topRecipients: Ranking;
  /** Values used this period, most used first. */
  values: DigestValue[];
  /** The value(s) that showed up most (several when tied); empty when no kudos carried a value. */
  topValues: DigestValue[];
  stories: DigestStory[];
  /** People thanked for the first time ever (a revoked kudos does not count as a first). */
  firstTimers: { people: DigestPerson[]; total: number };
  /** Nothing was given: renderers show a short nudge instead of an empty report. */
  quiet: boolean;
  /** Kudos between teams this week and last (core/cross-team.ts); only when the workspace has teams. */
  crossTeam?: CrossTeamWeek;
}

export const STORY_COUNT = 3;
/** How many candidates are considered for the stories (enough to find three without repeating a person). */
const STORY_POOL = 60;
/** Ranked people carried in the data; a renderer may show fewer. */
export const RANKING_CAP = 25;
export const FIRST_TIMER_CAP = 50;

export async function buildDigest(
  db: Kysely<Database>,
  workspace: Pick<WorkspaceRow, 'id'>,
  period: DigestPeriod,
  settings: Pick<DigestSettings, 'topCount'>,
): Promise<DigestData> {
  const week = { start: period.start, end: period.end };
  // Independent statements: on Postgres they run side by side on the pool's connections.
  const [summary, previous, values, candidates, known, crossTeam] = await Promise.all([
    weekSummary(db, workspace.id, { ...week, previousStart: period.previousStart }, { top: settings.topCount, cap: RANKING_CAP, firstTimerCap: FIRST_TIMER_CAP }),
    previousTotals(db, workspace.id, { start: period.previousStart, end: period.start }),
    valueCounts(db, workspace.id, week),
    storyCandidates(db, workspace.id, week, { limit: STORY_POOL, seed: seedOf(period.key) }),
    knownPeople(db, workspace.id),
    crossTeamWeek(db, workspace.id, week, { start: period.previousStart, end: period.start }),
  ]);
  const top = values.length ? values.filter((v) => v.count === values[0].count) : [];
  return {
    workspaceId: workspace.id,
    period: {
      ...period,
      startDay: localDay(period.start, period.timeZone),
      endDay: localDay(new Date(period.end.getTime() - 1), period.timeZone),
    },
    totals: { ...numbers(summary.totals), knownPeople: known },
    previous: numbers(previous),
    topCount: settings.topCount,
    topGivers: toRanking(summary.givers),
    topRecipients: toRanking(summary.recipients),
    values,
    topValues: top,
    stories: pickStories(candidates, STORY_COUNT),
    firstTimers: { people: summary.firstTimers.rows.map(person), total: Number(summary.firstTimers.total) },
    quiet: Number(summary.totals.kudos) === 0,
    ...(crossTeam.teams ? { crossTeam } : {}),
  };
}

/**
 * Stories in the order given (most pile-ons first, then the period's draw), skipping any kudos that would
 * name someone a chosen story already names: three stories, three different sets of people.
 */
export function pickStories(candidates: StoryCandidateRow[], max: number): DigestStory[] {
  const named = new Set<number>();
  const out: DigestStory[] = [];
  for (const c of candidates) {
    if (out.length >= max) break;
    const ids = [c.giver.id, ...c.recipients.map((r) => r.id)];
    if (ids.some((id) => named.has(id))) continue;
    for (const id of ids) named.add(id);
    out.push({
      kudosId: c.id,
      giver: person(c.giver),
      recipients: c.recipients.map(person),
      message: c.message,
      values: c.values,
      pileOns: Number(c.pileOns),
      permalink: c.permalink,
      postChannelId: c.postChannelId,
      postTs: c.postTs,
      createdAt: new Date(c.createdAt),
    });
  }
  return out;
}

/** A number fixed for a period key: the draw among stories with as many pile-ons. */
export function seedOf(key: string): number {
  let h = 0;
  for (const ch of key) h = (Math.imul(h, 31) + ch.charCodeAt(0)) | 0;
  return h;
}

function toRanking(r: { rows: RankedRow[]; total: number }): Ranking {
  const entries = r.rows.map((e) => ({ ...person(e), count: Number(e.count), rank: Number(e.rank) }));
  return { entries, more: Math.max(0, Number(r.total) - entries.length) };
}

function person(p: PersonRef): DigestPerson {
  return { id: Number(p.id), externalId: p.externalId, displayName: p.displayName, ...(p.erased ? { erased: true } : {}) };
}

function numbers(t: DigestTotals): DigestTotals {
  return { kudos: Number(t.kudos), givers: Number(t.givers), recipients: Number(t.recipients), participants: Number(t.participants) };
}
