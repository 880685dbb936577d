import { sql, type Kysely } from 'kysely';
import type { Database, TeamRow, WorkspaceRow } from '../schema';

/**
 * Storage for teams and who is in them (core/cross-team.ts decides what they mean). A "pair" is one thanks
 * from a giver to one recipient: a kudos_recipient row of a live kudos (not withdrawn), the digest's unit.
 * Only teams with is_team count; a person in no such team is "no team".
 */

export interface Window {
  start: Date;
  end: Date;
  /** Only kudos given in channels known to be public (the Kudos Wall counts nothing else). */
  publicOnly?: boolean;
}

/**
 * Thanks of a window between sets of teams: `sets` lists each distinct set of teams people are in (an id, the
 * team ids), `groups` how many thanks went from people in one set to people in another ([giver's set,
 * recipient's set, count]; a null set is "no team"). Only live kudos count. `teams` holds the workspace's teams;
 * with none, the ledger is not read at all (a one-time filter ahead of the scan) and the rest is empty.
 */
export interface TeamPairGroups {
  teams: Array<{ id: number; name: string }>;
  sets: Array<[number, number[]]>;
  groups: Array<[number | null, number | null, number]>;
}

/**
 * One pass over the window's thanks, each side mapped to its set of teams, counted by (set, set): a few
 * thousand rows for a large workspace's week, from which core/cross-team.ts computes every number. People are
 * mapped through small integer set ids (hashed, not sorted as arrays).
 *
 * Only teams have members (unmarking a Slack group deletes its memberships), so memberships are read as they are.
 */
export async function teamPairGroups(db: Kysely<Database>, workspaceId: number, w: Window): Promise<TeamPairGroups> {
  const { rows } = await db.transaction().execute(async (trx) => {
    // For this statement only. The planner underestimates a window of the ledger (the two time ranges of kudos and
    // kudos_recipient look independent to it) by about 30 times, and then sorts tens of thousands of rows for merge
    // joins (spilling to disk) where hash joins take a third of the time; the estimates of the joins on CTEs may
    // also grow past JIT's threshold, and compiling then takes ten times longer than running. bench:digest measures it.
    await sql`select set_config('enable_mergejoin', 'off', true), set_config('enable_sort', 'off', true), set_config('jit', 'off', true)`.execute(trx);
    return sql<{ out: TeamPairGroups }>`
    with t as materialized (select id, name from team where workspace_id = ${workspaceId} and is_team),
    pt as materialized (
      -- In whatever order they come: the same teams in another order only make another set, counted alike.
      select person_id, array_agg(team_id) as teams
      from team_member
      where workspace_id = ${workspaceId} and exists (select 1 from t)
      group by 1
    ),
    sets as materialized (select teams, (row_number() over ())::int as s from (select distinct teams from pt) d),
    ps as materialized (select pt.person_id, sets.s from pt join sets on sets.teams = pt.teams),
    live as (
      select k.giver_id, r.recipient_id
      from kudos_recipient r
      join kudos k on k.id = r.kudos_id
      where exists (select 1 from t)
        and r.workspace_id = ${workspaceId} and r.created_at >= ${w.start} and r.created_at < ${w.end}
        and k.workspace_id = ${workspaceId} and k.created_at >= ${w.start} and k.created_at < ${w.end}
        and k.revoked_at is null
        and (${!w.publicOnly} or exists (
          select 1 from wall_channel c where c.workspace_id = k.workspace_id and c.channel_id = k.channel_id and c.visibility = 'public'))
    ),
    agg as (
      select g.s as gs, r.s as rs, count(*) as n
      from live l
      left join ps g on g.person_id = l.giver_id
      left join ps r on r.person_id = l.recipient_id
      group by 1, 2
    )
    select json_build_object(
      'teams', coalesce((select json_agg(json_build_array(id, name)) from t), '[]'::json),
      'sets', coalesce((select json_agg(json_build_array(s, teams)) from sets), '[]'::json),
      'groups', coalesce((select json_agg(json_build_array(gs, rs, n)) from agg), '[]'::json)
    ) as out`.execute(trx);
  });
  const out = rows[0].out as unknown as { teams: Array<[number, string]>; sets: Array<[number, number[]]>; groups: Array<[number | null, number | null, number]> };
  return {
    teams: out.teams.map(([id, name]) => ({ id: Number(id), name })),
    sets: out.sets.map(([id, teams]) => [Number(id), teams.map(Number)]),
    groups: out.groups.map(([g, r, n]) => [g === null ? null : Number(g), r === null ? null : Number(r), Number(n)]),
  };
}

/** The workspace's teams (is_team), by name. */
export async function listTeams(db: Kysely<Database>, workspaceId: number): Promise<Array<TeamRow & { members: number }>> {
  const rows = await db
    .selectFrom('team as t')
    .selectAll('t')
    .select((eb) => eb.selectFrom('team_member as m').select(eb.fn.countAll<number>().as('n')).whereRef('m.team_id', '=', 't.id').as('members'))
    .where('t.workspace_id', '=', workspaceId)
    .where('t.is_team', '=', true)
    .orderBy(sql`lower(t.name)`)
    .orderBy('t.id')
    .execute();
  return rows.map((r) => ({ ...r, members: Number(r.members ?? 0) }));
}

/**
 * Makes exactly `chosen` the workspace's marked teams (Slack): each is inserted or renamed and marked; every
 * other team is unmarked and loses its members. Returns the names marked before and after.
 */
export async function markTeams(
  trx: Kysely<Database>,
  workspaceId: number,
  chosen: Array<{ key: string; name: string; handle: string | null }>,
  now: Date,
): Promise<{ before: string[]; after: string[] }> {
  const before = await trx.selectFrom('team').select('name').where('workspace_id', '=', workspaceId).where('is_team', '=', true).orderBy('name').execute();
  const keys = chosen.map((c) => c.key);
  if (chosen.length) {
    await trx
      .insertInto('team')
      .values(chosen.map((c) => ({ workspace_id: workspaceId, platform_key: c.key, name: c.name, handle: c.handle, is_team: true, marked_at: now })))
      .onConflict((oc) =>
        oc.columns(['workspace_id', 'platform_key']).doUpdateSet((eb) => ({
          name: eb.ref('excluded.name'),
          handle: eb.ref('excluded.handle'),
          is_team: true,
          // Marked when first chosen; choosing it again keeps the date.
          marked_at: sql`case when team.is_team then team.marked_at else excluded.marked_at end`,
        })),
      )
      .execute();
  }
  const unmarked = await trx
    .updateTable('team')
    .set({ is_team: false, marked_at: null, members_refreshed_at: null })
    .where('workspace_id', '=', workspaceId)
    .where('is_team', '=', true)
    .$if(keys.length > 0, (q) => q.where('platform_key', 'not in', keys))
    .returning('id')
    .execute();
  if (unmarked.length) {
    await trx
      .deleteFrom('team_member')
      .where('workspace_id', '=', workspaceId)
      .where(
        'team_id',
        'in',
        unmarked.map((u) => u.id),
      )
      .execute();
  }
  const after = await trx.selectFrom('team').select('name').where('workspace_id', '=', workspaceId).where('is_team', '=', true).orderBy('name').execute();
  return { before: before.map((r) => r.name), after: after.map((r) => r.name) };
}

/**
 * Claims the workspace's marked teams whose members were last read before `staleBefore` (or never), marking
 * them read now: of replicas refreshing at once, each team goes to one.
 */
export async function claimTeamsToRefresh(db: Kysely<Database>, workspaceId: number, staleBefore: Date, now: Date): Promise<Array<{ id: number; platform_key: string }>> {
  return db
    .updateTable('team')
    .set({ members_refreshed_at: now })
    .where('workspace_id', '=', workspaceId)
    .where('is_team', '=', true)
    .where((eb) => eb.or([eb('members_refreshed_at', 'is', null), eb('members_refreshed_at', '<=', staleBefore)]))
    .returning(['id', 'platform_key'])
    .execute();
}

/** Gives a claimed team back (its members could not be read): the next refresh tries it again. */
export async function releaseTeamRefresh(db: Kysely<Database>, workspaceId: number, teamId: number): Promise<void> {
  await db.updateTable('team').set({ members_refreshed_at: null }).where('workspace_id', '=', workspaceId).where('id', '=', teamId).execute();
}

/**
 * Makes a team's members exactly the people of the workspace with these platform ids (people Kudos does not
 * know yet are left out: they join at a later refresh, once known). Returns how many members it has.
 */
export async function replaceTeamMembers(db: Kysely<Database>, workspaceId: number, teamId: number, externalIds: string[]): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const people = externalIds.length
      ? await trx.selectFrom('person').select('id').where('workspace_id', '=', workspaceId).where('external_id', 'in', externalIds).execute()
      : [];
    const ids = people.map((p) => p.id);
    await trx
      .deleteFrom('team_member')
      .where('workspace_id', '=', workspaceId)
      .where('team_id', '=', teamId)
      .$if(ids.length > 0, (q) => q.where('person_id', 'not in', ids))
      .execute();
    if (ids.length) {
      await trx
        .insertInto('team_member')
        .values(ids.map((id) => ({ team_id: teamId, person_id: id, workspace_id: workspaceId })))
        .onConflict((oc) => oc.columns(['team_id', 'person_id']).doNothing())
        .execute();
    }
    return ids.length;
  });
}

/**
 * Adds people to a team, creating the team (a team as soon as it is seen, named `unnamed` when no name came) or
 * renaming it on the way (Teams: the team a kudos was given in). One statement; adding someone twice changes nothing.
 */
export async function joinTeam(
  db: Kysely<Database>,
  workspaceId: number,
  team: { key: string; name: string | null },
  personIds: number[],
  unnamed: string,
): Promise<void> {
  if (!personIds.length) return;
  await sql`
    with up as (
      insert into team (workspace_id, platform_key, name, is_team)
      values (${workspaceId}, ${team.key}, ${team.name ?? unnamed}, true)
      on conflict (workspace_id, platform_key) do update set name = excluded.name
        where ${team.name}::text is not null and team.name <> excluded.name
      returning id
    ),
    -- A team already known under this name returns nothing above: it is found as it was.
    tm as (select id from up union select id from team where workspace_id = ${workspaceId} and platform_key = ${team.key})
    insert into team_member (team_id, person_id, workspace_id)
    select tm.id, p, ${workspaceId} from tm, unnest(${personIds}::int[]) p
    on conflict (team_id, person_id) do nothing`.execute(db);
}

/** Workspaces of a platform (still installed) with a marked team whose members were last read before `staleBefore`. */
export async function workspacesWithStaleTeams(db: Kysely<Database>, platform: 'slack' | 'teams', staleBefore: Date): Promise<WorkspaceRow[]> {
  return db
    .selectFrom('workspace as w')
    .selectAll('w')
    .where('w.platform', '=', platform)
    .where('w.uninstalled_at', 'is', null)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('team as t')
          .select('t.id')
          .whereRef('t.workspace_id', '=', 'w.id')
          .where('t.is_team', '=', true)
          .where((x) => x.or([x('t.members_refreshed_at', 'is', null), x('t.members_refreshed_at', '<=', staleBefore)])),
      ),
    )
    .orderBy('w.id')
    .execute();
}

/** A past period's numbers as first computed, if they were kept. */
export async function rememberedWeek(db: Kysely<Database>, workspaceId: number, w: Window): Promise<{ pairs: number; crossing: number } | undefined> {
  const row = await db
    .selectFrom('team_week')
    .select(['pairs', 'crossing'])
    .where('workspace_id', '=', workspaceId)
    .where('period_start', '=', w.start)
    .where('period_end', '=', w.end)
    .executeTakeFirst();
  return row ? { pairs: Number(row.pairs), crossing: Number(row.crossing) } : undefined;
}

/** Keeps a past period's numbers; the first kept stay (replicas computing at once agree on one). */
export async function rememberWeek(db: Kysely<Database>, workspaceId: number, w: Window, c: { pairs: number; crossing: number }): Promise<void> {
  await db
    .insertInto('team_week')
    .values({ workspace_id: workspaceId, period_start: w.start, period_end: w.end, pairs: c.pairs, crossing: c.crossing })
    .onConflict((oc) => oc.columns(['workspace_id', 'period_start', 'period_end']).doNothing())
    .execute();
}
