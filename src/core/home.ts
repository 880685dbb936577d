import type { Kysely } from 'kysely';
import type { Database, PersonRow, WorkspaceRow } from '../db/schema';
import { loadHomeRow, type HomeValueRow } from '../db/queries/home';
import type { Clock } from './clock';
import { allowanceView } from './give';
import type { Settings } from './settings';
import { localDay, safeZone, startOfLocalWeek } from './time';
import type { AllowanceView, KudosSource, PersonView, ValueView } from './types';

/**
 * A person's own appreciation, platform-neutral, for the Slack App Home (and any other dashboard): what
 * they received and gave, what is left of today's allowance, the values they are thanked for, the latest
 * kudos they received, and their three-notes challenge while a campaign runs.
 */

/** How many of the latest kudos received a home shows. */
export const LATEST_RECEIVED = 5;

export interface CampaignWindow {
  key: string;
  name: string;
  start: Date | string;
  end: Date | string;
}

export interface ChallengeProgress {
  campaignKey: string;
  /** Distinct people thanked during the campaign, 0..3. */
  distinct: number;
  completed: boolean;
}

/** What the campaigns module answers; optional, so a home renders the same without it. */
export interface CampaignsPort {
  activeCampaignAt(workspace: WorkspaceRow, settings: Settings, at: Date): CampaignWindow | null | Promise<CampaignWindow | null>;
  challengeProgress(db: Kysely<Database>, workspace: WorkspaceRow, personId: number, at: Date): Promise<ChallengeProgress | null>;
}

export interface HomeKudos {
  id: number;
  source: KudosSource;
  giver: PersonView;
  message: string;
  values: ValueView[];
  emoji: string | null;
  permalink: string | null;
  createdAt: Date;
}

export interface HomeChallenge {
  campaignName: string;
  campaignEnd: Date | string;
  /** The challenge's goal: thank three different people. */
  goal: number;
  distinct: number;
  completed: boolean;
}

export interface HomeData {
  person: PersonView & { dmEnabled: boolean; rankingsEnabled: boolean };
  week: { given: number; received: number };
  allTime: { given: number; received: number };
  allowance: AllowanceView;
  /** Values the person was thanked for, most first (all of them; renderers cut the list). */
  topValues: Array<ValueView & { count: number }>;
  /** Newest first, at most LATEST_RECEIVED; `allTime.received` says how many there are in all. */
  latest: HomeKudos[];
  challenge: HomeChallenge | null;
  timeZone: string;
}

export interface HomeDeps {
  db: Kysely<Database>;
  clock: Clock;
  campaigns?: CampaignsPort;
}

export const CHALLENGE_GOAL = 3;

export async function loadHomeData(deps: HomeDeps, workspace: WorkspaceRow, person: PersonRow, settings: Settings): Promise<HomeData> {
  const now = deps.clock();
  const zone = safeZone(person.time_zone, workspace.time_zone);
  const [row, challenge] = await Promise.all([
    loadHomeRow(deps.db, {
      workspaceId: workspace.id,
      personId: person.id,
      weekStart: startOfLocalWeek(now, zone),
      day: localDay(now, zone),
      latest: LATEST_RECEIVED,
    }),
    loadChallenge(deps, workspace, person, settings, now),
  ]);
  return {
    person: {
      id: person.id,
      externalId: person.external_id,
      displayName: person.display_name,
      dmEnabled: person.dm_enabled,
      rankingsEnabled: person.rankings_enabled,
      ...(person.erased_at ? { erased: true } : {}),
    },
    week: { given: row.givenWeek, received: row.receivedWeek },
    allTime: { given: row.givenAll, received: row.receivedAll },
    allowance: allowanceView(settings.allowancePerDay, row.used ?? 0),
    topValues: row.values.map((v: HomeValueRow) => ({ slug: v.slug, label: v.label, emoji: v.emoji, count: v.count })),
    latest: row.latest.map((k) => ({
      id: k.id,
      source: k.source,
      giver: k.giver,
      message: k.message,
      values: k.values,
      emoji: k.emoji,
      permalink: k.permalink,
      createdAt: new Date(k.createdAt),
    })),
    challenge,
    timeZone: zone,
  };
}

async function loadChallenge(deps: HomeDeps, workspace: WorkspaceRow, person: PersonRow, settings: Settings, now: Date): Promise<HomeChallenge | null> {
  if (!deps.campaigns) return null;
  const campaign = await deps.campaigns.activeCampaignAt(workspace, settings, now);
  if (!campaign) return null;
  const progress = await deps.campaigns.challengeProgress(deps.db, workspace, person.id, now);
  if (!progress) return null;
  const distinct = Math.max(0, Math.min(CHALLENGE_GOAL, progress.distinct));
  return { campaignName: campaign.name, campaignEnd: campaign.end, goal: CHALLENGE_GOAL, distinct, completed: progress.completed };
}
