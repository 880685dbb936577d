import type { Kysely } from 'kysely';
import { insertAudit } from '../db/queries/audit';
import {
  claimTeamsToRefresh,
  joinTeam,
  listTeams,
  markTeams,
  releaseTeamRefresh,
  rememberedWeek,
  rememberWeek,
  replaceTeamMembers,
  teamPairGroups,
  workspacesWithStaleTeams,
  type TeamPairGroups,
} from '../db/queries/teams-membership';
import type { Database, WorkspaceRow } from '../db/schema';
import type { AdminCheck } from './admin';
import type { Clock } from './clock';
import type { PlatformGroup, TeamSource } from './ports';

/**
 * Kudos between teams. People belong to teams: in Slack, the user groups an admin marks as teams (members read
 * from Slack when the choice is saved and again every day); in Teams, the team a kudos was given in (its giver
 * and recipients join it). A person may be in several teams, or in none ("no team").
 *
 * The numbers count pairs: one thanks from a giver to one recipient of a kudos that was not withdrawn, in a
 * period. A pair crosses team lines when giver and recipient share no team, "no team" counting as a team of its
 * own: two people in no team do not cross, someone in no team thanking someone in a team does. The top pair is
 * the two (real) teams with the most crossing pairs between them, both directions together.
 *
 * Membership is what it is when the numbers are computed (it has no history): a period computed again after
 * people changed teams may give other numbers; a posted digest keeps what it said, and the previous period's
 * share is kept once computed (crossTeamWeek). Erasing a person keeps their memberships, like their kudos, so
 * the counts stay as they were.
 */

export interface CrossTeamWeek {
  /** Teams in the workspace; with none, nothing is counted (all zero, shares null): show nothing. */
  teams: number;
  /** Thanks in the period (one per recipient of each live kudos). */
  pairs: number;
  /** Of those, the ones that crossed team lines. */
  crossing: number;
  /** crossing / pairs, between 0 and 1; null when nobody was thanked. */
  share: number | null;
  /** The same share for the previous period, when one was asked for. */
  previousShare: number | null;
  /** The two teams that thanked each other most (names, alphabetical), and how many times; null when no two did. */
  topPair: { a: string; b: string; count: number } | null;
}

export interface Period {
  start: Date;
  end: Date;
}

/**
 * The cross-team numbers of a period (the digest's week, the Kudos Wall's week), and the share of the period
 * before when `previous` is given. The period before is over: its numbers are computed once and kept
 * (team_week), so a digest says of last week what was counted when it was first asked (normally by last week's
 * digest, whose period it is), and the ledger is read for one week only.
 */
export async function crossTeamWeek(db: Kysely<Database>, workspaceId: number, period: Period, previous?: Period): Promise<CrossTeamWeek> {
  const [now, kept] = await Promise.all([
    teamPairGroups(db, workspaceId, period),
    previous ? rememberedWeek(db, workspaceId, previous) : Promise.resolve(undefined),
  ]);
  const c = countsOf(now);
  let before: { pairs: number; crossing: number } | null = kept ?? null;
  if (previous && !kept && now.teams.length) {
    const p = countsOf(await teamPairGroups(db, workspaceId, previous));
    before = { pairs: p.pairs, crossing: p.crossing };
    await rememberWeek(db, workspaceId, previous, before);
  }
  return {
    teams: now.teams.length,
    pairs: c.pairs,
    crossing: c.crossing,
    share: shareOf(c),
    previousShare: before ? shareOf(before) : null,
    topPair: c.topPair,
  };
}

/**
 * The share of a period's thanks given in public channels that crossed team lines (the Kudos Wall's figure: it
 * counts only what the wall may show). Null when the workspace has no teams or nothing was given there.
 */
export async function publicCrossTeamShare(db: Kysely<Database>, workspaceId: number, period: Period): Promise<number | null> {
  const groups = await teamPairGroups(db, workspaceId, { ...period, publicOnly: true });
  return groups.teams.length ? shareOf(countsOf(groups)) : null;
}

/** Pairs, crossing pairs and the top pair of a period's groups (see the module's comment for the rules). */
function countsOf(g: TeamPairGroups): { pairs: number; crossing: number; topPair: CrossTeamWeek['topPair'] } {
  const sets = new Map(g.sets);
  const names = new Map(g.teams.map((t) => [t.id, t.name]));
  const between = new Map<string, { a: number; b: number; count: number }>();
  let pairs = 0;
  let crossing = 0;
  for (const [gs, rs, n] of g.groups) {
    pairs += n;
    const giver = gs === null ? null : (sets.get(gs) ?? null);
    const recipient = rs === null ? null : (sets.get(rs) ?? null);
    // Two people in no team do not cross; someone in no team and someone in a team do.
    if (!giver && !recipient) continue;
    if (giver && recipient && giver.some((t) => recipient.includes(t))) continue;
    crossing += n;
    if (!giver || !recipient) continue;
    for (const x of giver) {
      for (const y of recipient) {
        const [a, b] = x < y ? [x, y] : [y, x];
        const key = `${a}:${b}`;
        const cell = between.get(key) ?? { a, b, count: 0 };
        cell.count += n;
        between.set(key, cell);
      }
    }
  }
  let top: CrossTeamWeek['topPair'] = null;
  for (const cell of between.values()) {
    const [a, b] = [names.get(cell.a) ?? '', names.get(cell.b) ?? ''].sort(byName);
    const candidate = { a, b, count: cell.count };
    if (!top || candidate.count > top.count || (candidate.count === top.count && (byName(a, top.a) || byName(b, top.b)) < 0)) top = candidate;
  }
  return { pairs, crossing, topPair: top };
}

const byName = (x: string, y: string) => x.toLowerCase().localeCompare(y.toLowerCase());

function shareOf(c: { pairs: number; crossing: number }): number | null {
  return c.pairs ? c.crossing / c.pairs : null;
}

/** A share as a whole percentage ('34%'). */
export function percent(share: number): string {
  return `${Math.round(share * 100)}%`;
}

/**
 * The digest's line about teams, or null when there is nothing to say (no teams, nobody thanked). `strong`
 * sets a number in bold, `team` shows a team's name, the way the platform writes them.
 * "🤝 34% of kudos crossed team lines this week (last week 21%). Support and Billing thanked each other most (12)."
 */
export function crossTeamSentence(c: CrossTeamWeek, f: { strong(text: string): string; team(name: string): string }): string | null {
  if (!c.teams || c.share === null) return null;
  const last = c.previousShare === null ? '' : ` (last week ${percent(c.previousShare)})`;
  const top = c.topPair ? ` ${f.team(c.topPair.a)} and ${f.team(c.topPair.b)} thanked each other most (${c.topPair.count}).` : '';
  return `🤝 ${f.strong(percent(c.share))} of kudos crossed team lines this week${last}.${top}`;
}

// ---------------------------------------------------------------------------------------------------
// The team × team table (an admin's dashboard)

export const GRID_WEEKS = 4;
/** Teams shown in the table; the rest are counted in a note. */
export const GRID_TEAMS = 8;

export interface TeamGrid {
  since: Date;
  until: Date;
  /** Row and column labels in order (the busiest teams, then "no team" when it has thanks). */
  teams: Array<{ id: number | null; name: string }>;
  /** counts[i][j]: thanks from people in teams[i] to people in teams[j]. */
  counts: number[][];
  /** Teams with thanks that did not fit. */
  others: number;
}

export const NO_TEAM = 'No team';

/**
 * Thanks between teams over the last four weeks up to `now`: rows are the giving team, columns the receiving
 * team, the busiest GRID_TEAMS teams (given plus received), then "no team". A person in several teams counts in
 * each, so the cells may add up to more than the thanks given.
 */
export async function teamGrid(db: Kysely<Database>, workspaceId: number, now: Date): Promise<TeamGrid> {
  const since = new Date(now.getTime() - GRID_WEEKS * 7 * 24 * 60 * 60 * 1000);
  const g = await teamPairGroups(db, workspaceId, { start: since, end: now });
  const names = new Map(g.teams.map((t) => [t.id, t.name]));
  const sets = new Map(g.sets);
  // A person in several teams counts in each; null stands for "no team".
  const cells: Array<{ giver: number | null; recipient: number | null; count: number }> = [];
  for (const [gs, rs, n] of g.groups) {
    for (const giver of gs === null ? [null] : (sets.get(gs) ?? [null])) {
      for (const recipient of rs === null ? [null] : (sets.get(rs) ?? [null])) cells.push({ giver, recipient, count: n });
    }
  }
  const volume = new Map<number, number>();
  for (const c of cells) {
    for (const id of [c.giver, c.recipient]) if (id !== null) volume.set(id, (volume.get(id) ?? 0) + c.count);
  }
  const busiest = [...volume.keys()]
    .filter((id) => names.has(id))
    .sort((a, b) => volume.get(b)! - volume.get(a)! || names.get(a)!.localeCompare(names.get(b)!));
  const shown: Array<number | null> = busiest.slice(0, GRID_TEAMS);
  if (cells.some((c) => c.giver === null || c.recipient === null)) shown.push(null);
  const index = new Map(shown.map((id, i) => [id, i]));
  const counts = shown.map(() => shown.map(() => 0));
  for (const c of cells) {
    const i = index.get(c.giver);
    const j = index.get(c.recipient);
    if (i !== undefined && j !== undefined) counts[i][j] += c.count;
  }
  return {
    since,
    until: now,
    teams: shown.map((id) => ({ id, name: id === null ? NO_TEAM : names.get(id)! })),
    counts,
    others: Math.max(0, busiest.length - GRID_TEAMS),
  };
}

export interface TeamsOverview {
  teams: Array<{ id: number; key: string; name: string; handle: string | null; members: number; refreshedAt: Date | null }>;
  grid: TeamGrid;
}

/** The workspace's teams and the last four weeks' table, for an admin's dashboard. */
export async function loadTeamsOverview(db: Kysely<Database>, workspaceId: number, now: Date): Promise<TeamsOverview> {
  const [teams, grid] = await Promise.all([listTeams(db, workspaceId), teamGrid(db, workspaceId, now)]);
  return {
    teams: teams.map((t) => ({
      id: t.id,
      key: t.platform_key,
      name: t.name,
      handle: t.handle,
      members: t.members,
      refreshedAt: t.members_refreshed_at ? new Date(t.members_refreshed_at) : null,
    })),
    grid,
  };
}

// ---------------------------------------------------------------------------------------------------
// Choosing teams (Slack) and reading their members

export interface TeamDeps {
  db: Kysely<Database>;
  clock: Clock;
}

/** The platform's groups an admin may choose from, the current teams first. */
export async function teamChoices(deps: TeamDeps, workspace: Pick<WorkspaceRow, 'id'>, source: TeamSource) {
  const answer = await source.groups();
  if (answer.status !== 'ok') return answer;
  const marked = new Set((await listTeams(deps.db, workspace.id)).map((t) => t.platform_key));
  const groups = [...answer.value].sort((a, b) => Number(marked.has(b.key)) - Number(marked.has(a.key)) || a.name.localeCompare(b.name));
  return { status: 'ok' as const, value: { groups, marked: groups.filter((g) => marked.has(g.key)).map((g) => g.key) } };
}

export type ChooseTeamsResult =
  | { status: 'saved'; teams: string[]; added: string[]; removed: string[]; refresh: RefreshResult }
  | { status: 'not_allowed' }
  | { status: 'missing_scope' }
  | { status: 'unavailable'; code: string }
  /** A chosen group is not (any more) one of the platform's. */
  | { status: 'unknown_group'; keys: string[] };

/**
 * An admin marks exactly these groups as the workspace's teams (by the check made for this request, never by
 * what a form says). The names come from the platform, not the form. The change is audited ('teams.choose';
 * a refusal 'teams.choose.refused'); then the members of every team are read again.
 */
export async function chooseTeams(deps: TeamDeps, workspace: Pick<WorkspaceRow, 'id'>, check: AdminCheck, keys: string[], source: TeamSource): Promise<ChooseTeamsResult> {
  if (!check.admin || check.workspaceId !== workspace.id) {
    await insertAudit(deps.db, { workspaceId: workspace.id, actorId: check.person?.id ?? null, action: 'teams.choose.refused', target: 'teams', before: null, after: { reason: 'not_admin' } });
    return { status: 'not_allowed' };
  }
  const answer = await source.groups();
  if (answer.status !== 'ok') return answer;
  const byKey = new Map<string, PlatformGroup>(answer.value.map((g) => [g.key, g]));
  const wanted = [...new Set(keys)];
  const unknown = wanted.filter((k) => !byKey.has(k));
  if (unknown.length) return { status: 'unknown_group', keys: unknown };
  const chosen = wanted.map((k) => byKey.get(k)!).map((g) => ({ key: g.key, name: g.name, handle: g.handle }));
  const now = deps.clock();
  const names = await deps.db.transaction().execute(async (trx) => {
    const changed = await markTeams(trx, workspace.id, chosen, now);
    await insertAudit(trx, { workspaceId: workspace.id, actorId: check.person?.id ?? null, action: 'teams.choose', target: 'teams', before: changed.before, after: changed.after });
    return changed;
  });
  const refresh = await refreshTeamMembers(deps, workspace, source, { all: true });
  return {
    status: 'saved',
    teams: names.after,
    added: names.after.filter((n) => !names.before.includes(n)),
    removed: names.before.filter((n) => !names.after.includes(n)),
    refresh,
  };
}

export interface RefreshResult {
  /** Teams whose members were read. */
  refreshed: number;
  /** Teams whose members could not be read (tried again at the next refresh). */
  failed: number;
  missingScope: boolean;
}

/** How often the members of a marked team are read again. */
export const TEAM_REFRESH_MS = 24 * 60 * 60 * 1000;

/**
 * Reads the members of the workspace's teams from the platform: every team (`all`, after an admin's choice),
 * else those last read a day ago or more (the daily refresh). Each team is claimed in the database first, so
 * replicas refreshing at once read each team once. A team that cannot be read keeps its members and is tried
 * again at the next refresh.
 */
export async function refreshTeamMembers(deps: TeamDeps, workspace: Pick<WorkspaceRow, 'id'>, source: TeamSource, opts: { all?: boolean } = {}): Promise<RefreshResult> {
  const now = deps.clock();
  const staleBefore = opts.all ? new Date(now.getTime() + 1) : new Date(now.getTime() - TEAM_REFRESH_MS);
  const claimed = await claimTeamsToRefresh(deps.db, workspace.id, staleBefore, now);
  const out: RefreshResult = { refreshed: 0, failed: 0, missingScope: false };
  for (const team of claimed) {
    const answer = await source.members(team.platform_key).catch((err: unknown) => ({ status: 'unavailable' as const, code: String(err) }));
    if (answer.status === 'ok') {
      await replaceTeamMembers(deps.db, workspace.id, team.id, answer.value);
      out.refreshed++;
      continue;
    }
    await releaseTeamRefresh(deps.db, workspace.id, team.id);
    out.failed++;
    if (answer.status === 'missing_scope') out.missingScope = true;
  }
  return out;
}

/** The workspaces of a platform whose teams are due for the daily read of their members. */
export function workspacesToRefresh(deps: TeamDeps, platform: 'slack' | 'teams'): Promise<WorkspaceRow[]> {
  return workspacesWithStaleTeams(deps.db, platform, new Date(deps.clock().getTime() - TEAM_REFRESH_MS));
}

/**
 * A kudos given in a platform team (Teams: a channel of a team): its giver and recipients join the team.
 * Nothing for a kudos given elsewhere (a personal or group chat).
 */
export async function recordTeamOfGive(db: Kysely<Database>, workspaceId: number, team: TeamOfGive | null | undefined, personIds: number[]): Promise<void> {
  if (!team?.key) return;
  await joinTeam(db, workspaceId, { key: team.key, name: team.name?.trim() || null }, [...new Set(personIds)], UNNAMED_TEAM);
}

/** The platform team a kudos was given in; Teams does not always send its name (null: keep the one known). */
export interface TeamOfGive {
  key: string;
  name: string | null;
}

export const UNNAMED_TEAM = 'Unnamed team';
