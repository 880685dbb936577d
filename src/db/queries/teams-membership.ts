import { sql, type Kysely } from 'kysely';
import type { Database, TeamRow } from '../schema';

/**
 * Storage for teams and who is in them (core/cross-team.ts decides what they mean). A "pair" is one thanks
 * from a giver to one recipient: a kudos_recipient row of a live kudos (not withdrawn), the digest's unit.
 * Only teams with is_team count; a person in no such team is "no team".
 */

export interface Window {
  start: Date;
  end: Date;
}

export interface CrossTeamRow {
  /** Teams of the workspace (is_team). With none, nothing else is counted (all zero). */
  teams: number;
  pairs: number;
  crossing: number;
  /** The two teams with the most crossing pairs between them (both directions), by name; null when none. */
  top: { a: string; b: string; count: number } | null;
}

/**
 * The window's live thanks, one row per (giver, recipient) with how many, and each side's teams (null: no
 * team). A workspace without teams skips the ledger altogether (a one-time filter ahead of the scan).
 */
const pairsWithTeams = (workspaceId: number, w: Window) => sql`
  t as materialized (select id, name from team where workspace_id = ${workspaceId} and is_team),
  live as materialized (
    select k.giver_id, r.recipient_id, count(*) as n
    from kudos_recipient r
    join kudos k on k.id = r.kudos_id
    where exists (select 1 from t)
      and r.workspace_id = ${workspaceId} and r.created_at >= ${w.start} and r.created_at < ${w.end}
      and k.workspace_id = ${workspaceId} and k.created_at >= ${w.start} and k.created_at < ${w.end}
      and k.revoked_at is null
    group by 1, 2
  ),
  pt as materialized (
    select m.person_id, array_agg(m.team_id order by m.team_id) as teams
    from team_member m
    where m.workspace_id = ${workspaceId} and m.team_id in (select id from t)
      and exists (select 1 from live)
    group by 1
  ),
  pairs as materialized (
    select l.n, g.teams as gt, r.teams as rt,
           -- Sharing no team crosses; "no team" is a team of its own (two people in none do not cross).
           (g.teams is not null or r.teams is not null) and not coalesce(g.teams && r.teams, false) as crossing
    from live l
    left join pt g on g.person_id = l.giver_id
    left join pt r on r.person_id = l.recipient_id
  )`;

/**
 * Pairs, crossing pairs and (with `top`) the pair of teams that thanked each other most in a window. A person
 * in several teams counts in each: a crossing thanks from someone in A and B to someone in C counts for {A, C}
 * and {B, C}. "No team" is never part of the top pair. Ties go to the names first in alphabetical order.
 */
export async function crossTeamCounts(db: Kysely<Database>, workspaceId: number, w: Window, opts: { top: boolean }): Promise<CrossTeamRow> {
  const top = opts.top
    ? sql`(
        select json_build_object('a', x.a, 'b', x.b, 'count', x.n) from (
          select case when lower(ta.name) <= lower(tb.name) then ta.name else tb.name end as a,
                 case when lower(ta.name) <= lower(tb.name) then tb.name else ta.name end as b,
                 c.n
          from (
            select least(a, b) as ta_id, greatest(a, b) as tb_id, sum(p.n) as n
            from pairs p, unnest(p.gt) a, unnest(p.rt) b
            where p.crossing
            group by 1, 2
          ) c
          join t ta on ta.id = c.ta_id
          join t tb on tb.id = c.tb_id
          order by c.n desc, least(lower(ta.name), lower(tb.name)), greatest(lower(ta.name), lower(tb.name))
          limit 1) x)`
    : sql`null::json`;
  const { rows } = await sql<{ row: CrossTeamRow }>`
    with ${pairsWithTeams(workspaceId, w)}
    select json_build_object(
      'teams', (select count(*) from t),
      'pairs', (select coalesce(sum(n), 0) from pairs),
      'crossing', (select coalesce(sum(n), 0) from pairs where crossing),
      'top', ${top}
    ) as row`.execute(db);
  const r = rows[0].row;
  return {
    teams: Number(r.teams),
    pairs: Number(r.pairs),
    crossing: Number(r.crossing),
    top: r.top ? { a: r.top.a, b: r.top.b, count: Number(r.top.count) } : null,
  };
}

export interface TeamGridCell {
  /** The giving side's team; null for "no team". */
  giver: number | null;
  recipient: number | null;
  count: number;
}

/**
 * Thanks between teams in a window: one cell per (giving team, receiving team), a person in several teams
 * counting in each, null standing for "no team". Cells with no thanks are left out.
 */
export async function teamGridCells(db: Kysely<Database>, workspaceId: number, w: Window): Promise<TeamGridCell[]> {
  const { rows } = await sql<TeamGridCell>`
    with ${pairsWithTeams(workspaceId, w)}
    select g as giver, r as recipient, sum(p.n) as count
    from pairs p,
         unnest(coalesce(p.gt, array[null]::int[])) g,
         unnest(coalesce(p.rt, array[null]::int[])) r
    group by 1, 2`.execute(db);
  return rows.map((c) => ({ giver: c.giver === null ? null : Number(c.giver), recipient: c.recipient === null ? null : Number(c.recipient), count: Number(c.count) }));
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
