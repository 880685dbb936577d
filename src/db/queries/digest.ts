import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema';

/**
 * The digest's aggregates: a handful of statements over one week of the ledger, each answered from the
 * (workspace, created_at) indexes. Revoked kudos never count. A "kudos" here is one thanks to one person
 * (a kudos_recipient row), the same unit as the allowance and `/thanks stats`.
 *
 * kudos_recipient.created_at is copied from its kudos, so a week of thanks is one index range on it.
 */

export interface Window {
  start: Date;
  end: Date;
}

export interface PersonRef {
  id: number;
  externalId: string;
  displayName: string;
  /** Erased: named by the placeholder only (rankings never list them: they are not ranked). */
  erased?: boolean;
}

export interface WeekTotalsRow {
  kudos: number;
  givers: number;
  recipients: number;
  participants: number;
}

export interface RankedRow extends PersonRef {
  count: number;
  rank: number;
}

const totalsOf = (gc: string, rc: string) =>
  sql.raw(`json_build_object(
    'kudos', (select coalesce(sum(n), 0) from ${rc}),
    'givers', (select count(*) from ${gc}),
    'recipients', (select count(*) from ${rc}),
    'participants', (select count(*) from (select person_id from ${gc} union select person_id from ${rc}) u))`);

/**
 * A ranking from the per-person counts in CTE `gc` or `rc`: competition ranking (ties share a rank) among
 * people who may be named, cut at `top` ranks and `cap` rows. The cut-off count is found with a top-N sort,
 * so only the people shown are ranked and joined with their names.
 */
const ranking = (counts: 'gc' | 'rc', top: number, cap: number) => sql`
  (with eligible as (
     select person_id, n from ${sql.table(counts)} where person_id not in (select id from unnamed)
   ), shown as (
     select p.id, p.external_id, p.display_name, e.n, rank() over (order by e.n desc) as rk
     from eligible e
     join person p on p.id = e.person_id
     where e.n >= coalesce((select n from eligible order by n desc offset ${top - 1} limit 1), 0)
   ), ordered as (
     select shown.*, count(*) over () as total, row_number() over (order by rk, lower(display_name), id) as ord from shown
   )
   select json_build_object('total', coalesce(max(total), 0), 'rows', coalesce(json_agg(json_build_object(
       'id', id, 'externalId', external_id, 'displayName', display_name, 'count', n, 'rank', rk) order by ord)
       filter (where ord <= ${cap}), '[]'::json))
   from ordered)`;

/**
 * The recipient of each live thanks in a window, without a join: the recipients' covering index, minus the
 * (few) revoked kudos of the window.
 */
const liveRecipients = (workspaceId: number, from: Date, to: Date) => sql`
  select recipient_id from kudos_recipient
  where workspace_id = ${workspaceId} and created_at >= ${from} and created_at < ${to}
    and kudos_id not in (
      select id from kudos
      where workspace_id = ${workspaceId} and created_at >= ${from} and created_at < ${to} and revoked_at is not null)`;

export interface WeekRow {
  totals: WeekTotalsRow;
  givers: { rows: RankedRow[]; total: number };
  recipients: { rows: RankedRow[]; total: number };
  firstTimers: { rows: PersonRef[]; total: number };
}

/**
 * The week's totals, its two rankings and its first-time recipients, from one pass over its live thanks
 * (each joined with its kudos once: a giver's count is the recipients of their kudos).
 *
 * A first-timer is someone thanked this week with no live kudos received before. People thanked last week
 * are ruled out by a hash anti-join; only the rest (usually few) are looked up one by one in their history.
 */
export async function weekSummary(
  db: Kysely<Database>,
  workspaceId: number,
  w: Window & { previousStart: Date },
  opts: { top: number; cap: number; firstTimerCap: number },
): Promise<WeekRow> {
  const { rows } = await sql<{ week: WeekRow }>`
    with live as materialized (
      select k.giver_id, r.recipient_id
      from kudos_recipient r
      join kudos k on k.id = r.kudos_id
      where r.workspace_id = ${workspaceId} and r.created_at >= ${w.start} and r.created_at < ${w.end}
        and k.workspace_id = ${workspaceId} and k.created_at >= ${w.start} and k.created_at < ${w.end}
        and k.revoked_at is null
    ),
    gc as materialized (select giver_id as person_id, count(*) as n from live group by 1),
    rc as materialized (select recipient_id as person_id, count(*) as n from live group by 1),
    -- Never named in a ranking: people who opted out, bots, deactivated accounts.
    unnamed as materialized (
      select id from person where workspace_id = ${workspaceId} and (not rankings_enabled or is_bot or is_deleted)
    ),
    first_timers as (
      select p.id, p.external_id, p.display_name, p.erased_at is not null as erased, count(*) over () as total,
             row_number() over (order by lower(p.display_name), p.id) as ord
      from (select person_id from rc except ${liveRecipients(workspaceId, w.previousStart, w.start)}) c
      -- One probe per remaining person; LATERAL … LIMIT 1 keeps it a probe (an EXISTS may become a scan of all history).
      left join lateral (
        select 1 as found from kudos_recipient r2 join kudos k2 on k2.id = r2.kudos_id
        where r2.workspace_id = ${workspaceId} and r2.recipient_id = c.person_id and r2.created_at < ${w.start}
          and k2.revoked_at is null
        limit 1
      ) earlier on true
      join person p on p.id = c.person_id
      where earlier.found is null and not p.is_bot and not p.is_deleted
    )
    select json_build_object(
      'totals', ${totalsOf('gc', 'rc')},
      'givers', ${ranking('gc', opts.top, opts.cap)},
      'recipients', ${ranking('rc', opts.top, opts.cap)},
      'firstTimers', (
        select json_build_object('total', coalesce(max(total), 0), 'rows', coalesce(json_agg(json_build_object(
            'id', id, 'externalId', external_id, 'displayName', display_name, 'erased', erased) order by ord) filter (where ord <= ${opts.firstTimerCap}), '[]'::json))
        from first_timers)
    ) as week`.execute(db);
  return rows[0].week;
}

/** The week before's totals (for the change), each side counted from its covering index without a join. */
export async function previousTotals(db: Kysely<Database>, workspaceId: number, w: Window): Promise<WeekTotalsRow> {
  const { rows } = await sql<{ totals: WeekTotalsRow }>`
    with gc as materialized (
      select distinct giver_id as person_id from kudos
      where workspace_id = ${workspaceId} and created_at >= ${w.start} and created_at < ${w.end} and revoked_at is null
    ),
    rc as materialized (select recipient_id as person_id, count(*) as n from (${liveRecipients(workspaceId, w.start, w.end)}) t group by 1)
    select ${totalsOf('gc', 'rc')} as totals`.execute(db);
  return rows[0].totals;
}

export interface ValueCountRow {
  slug: string;
  label: string;
  emoji: string;
  count: number;
}

/**
 * How many live kudos of the window carry each value, most first (then in the admin's order). kudos_value has
 * no time of its own, but kudos ids grow with time: the window's ids bound one range of its primary key.
 */
export async function valueCounts(db: Kysely<Database>, workspaceId: number, w: Window): Promise<ValueCountRow[]> {
  const { rows } = await sql<ValueCountRow>`
    with wk as materialized (
      select id from kudos
      where workspace_id = ${workspaceId} and created_at >= ${w.start} and created_at < ${w.end} and revoked_at is null
    )
    select v.slug, v.label, v.emoji, c.n::int as count
    from (
      select kv.value_id, count(*) as n
      from kudos_value kv
      where kv.kudos_id between (select min(id) from wk) and (select max(id) from wk)
        and kv.kudos_id in (select id from wk)
      group by 1
    ) c
    join value v on v.id = c.value_id
    order by c.n desc, v.position, v.id`.execute(db);
  return rows.map((r) => ({ ...r, count: Number(r.count) }));
}

export interface StoryCandidateRow {
  id: number;
  message: string;
  permalink: string | null;
  postChannelId: string | null;
  postTs: string | null;
  createdAt: string;
  pileOns: number;
  giver: PersonRef;
  recipients: PersonRef[];
  values: Array<{ slug: string; label: string; emoji: string }>;
}

/**
 * Kudos of the window worth retelling: live originals (not pile-ons) with a message. Most pile-ons first
 * (pile-ons are live kudos of the window whose parent_id is the story); among equals, a draw that is fixed for
 * the period (`seed`), so every kudos has the same chance and a preview shows what will be posted.
 *
 * The order comes from the covering index alone; only the first `pool` kudos are read in full, to keep those
 * with a message, so a week of mostly reaction kudos (no message) may offer fewer than `limit` candidates.
 */
export async function storyCandidates(
  db: Kysely<Database>,
  workspaceId: number,
  w: Window,
  opts: { limit: number; seed: number },
): Promise<StoryCandidateRow[]> {
  const pool = opts.limit * 4;
  const { rows } = await sql<{ story: StoryCandidateRow }>`
    with wk as materialized (
      select id, parent_id from kudos
      where workspace_id = ${workspaceId} and created_at >= ${w.start} and created_at < ${w.end} and revoked_at is null
    ),
    piled as (select parent_id, count(*) as n from wk where parent_id is not null group by 1),
    ranked as (
      select wk.id, coalesce(piled.n, 0) as pile_ons, hashint4(wk.id # ${opts.seed}::int) as draw
      from wk left join piled on piled.parent_id = wk.id
      where wk.parent_id is null
      order by pile_ons desc, draw, wk.id
      limit ${pool}
    ),
    c as (
      select k.id, k.giver_id, k.message, k.permalink, k.post_channel_id, k.post_ts, k.created_at, ranked.pile_ons, ranked.draw
      from ranked join kudos k on k.id = ranked.id
      where length(btrim(k.message)) > 0
      order by ranked.pile_ons desc, ranked.draw, k.id
      limit ${opts.limit}
    )
    select json_build_object(
      'id', c.id, 'message', c.message, 'permalink', c.permalink, 'postChannelId', c.post_channel_id,
      'postTs', c.post_ts, 'createdAt', c.created_at, 'pileOns', c.pile_ons,
      'giver', json_build_object('id', g.id, 'externalId', g.external_id, 'displayName', g.display_name, 'erased', g.erased_at is not null),
      'recipients', coalesce((
        select json_agg(json_build_object('id', p.id, 'externalId', p.external_id, 'displayName', p.display_name, 'erased', p.erased_at is not null) order by r.position, p.id)
        from kudos_recipient r join person p on p.id = r.recipient_id where r.kudos_id = c.id), '[]'::json),
      'values', coalesce((
        select json_agg(json_build_object('slug', v.slug, 'label', v.label, 'emoji', v.emoji) order by v.position, v.id)
        from kudos_value kv join value v on v.id = kv.value_id where kv.kudos_id = c.id), '[]'::json)
    ) as story
    from c join person g on g.id = c.giver_id
    order by c.pile_ons desc, c.draw, c.id`.execute(db);
  return rows.map((r) => r.story);
}

/** People the workspace knows (not bots, not deactivated): the base of the participation rate. */
export async function knownPeople(db: Kysely<Database>, workspaceId: number): Promise<number> {
  const row = await db
    .selectFrom('person')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('workspace_id', '=', workspaceId)
    .where('is_bot', '=', false)
    .where('is_deleted', '=', false)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
