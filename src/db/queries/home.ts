import { sql, type Kysely } from 'kysely';
import type { Database, KudosSource } from '../schema';

/**
 * One person's App Home numbers in two statements: received and given (this week and all time), the values
 * they were thanked for, their latest kudos received and today's allowance use. Everything received is read
 * from the recipient index (workspace_id, recipient_id, created_at), and everything else by primary key from
 * there, so the cost follows the person's own history (10,000 kudos received: about 10 ms on Postgres), not
 * the size of the ledger. Revoked kudos never count.
 */

export interface HomeValueRow {
  slug: string;
  label: string;
  emoji: string;
  count: number;
}

export interface HomeKudosRow {
  id: number;
  source: KudosSource;
  message: string;
  emoji: string | null;
  permalink: string | null;
  createdAt: string;
  /** `erased` only when they were (src/core/erasure.ts). */
  giver: { id: number; externalId: string; displayName: string; erased?: boolean };
  values: Array<{ slug: string; label: string; emoji: string }>;
}

export interface HomeRow {
  receivedAll: number;
  receivedWeek: number;
  givenAll: number;
  givenWeek: number;
  values: HomeValueRow[];
  latest: HomeKudosRow[];
  used: number | null;
}

export async function loadHomeRow(
  db: Kysely<Database>,
  args: { workspaceId: number; personId: number; weekStart: Date; day: string; latest: number },
): Promise<HomeRow> {
  // Two independent statements: on Postgres they run side by side on the pool's connections.
  const [received, given] = await Promise.all([receivedSide(db, args), givenSide(db, args)]);
  return { ...received, ...given };
}

type Args = Parameters<typeof loadHomeRow>[1];

async function receivedSide(db: Kysely<Database>, args: Args): Promise<Omit<HomeRow, 'givenAll' | 'givenWeek'>> {
  const { workspaceId: ws, personId: p } = args;
  const { rows } = await sql<{ home: Omit<HomeRow, 'givenAll' | 'givenWeek'> | string }>`
    with rec as materialized (
      select r.kudos_id, r.created_at from kudos_recipient r
      where r.workspace_id = ${ws} and r.recipient_id = ${p}
        and not exists (select 1 from kudos k where k.id = r.kudos_id and k.revoked_at is not null)
    ), received as (
      select count(*) as total, count(*) filter (where created_at >= ${args.weekStart}) as week from rec
    ), vals as (
      -- The ids as an array, so the values are found through kudos_value's primary key (a join here is
      -- planned as a scan of the whole table once the ledger is large).
      select kv.value_id, count(*) as n from kudos_value kv
      where kv.kudos_id = any(array(select kudos_id from rec))
      group by kv.value_id
    ), latest as (
      select kudos_id, created_at from rec order by created_at desc, kudos_id desc limit ${args.latest}
    )
    select json_build_object(
      'receivedAll', (select total from received),
      'receivedWeek', (select week from received),
      'values', (select coalesce(json_agg(json_build_object('slug', v.slug, 'label', v.label, 'emoji', v.emoji, 'count', vals.n)
                   order by vals.n desc, v.position, v.id), '[]'::json)
                 from vals join value v on v.id = vals.value_id),
      'latest', (select coalesce(json_agg(json_build_object(
                   'id', k.id, 'source', k.source, 'message', k.message, 'emoji', k.emoji, 'permalink', k.permalink,
                   'createdAt', k.created_at,
                   'giver', json_strip_nulls(json_build_object('id', g.id, 'externalId', g.external_id, 'displayName', g.display_name, 'erased', case when g.erased_at is not null then true end)),
                   'values', (select coalesce(json_agg(json_build_object('slug', v.slug, 'label', v.label, 'emoji', v.emoji)
                                order by v.position, v.id), '[]'::json)
                              from kudos_value kv join value v on v.id = kv.value_id where kv.kudos_id = k.id))
                   order by l.created_at desc, l.kudos_id desc), '[]'::json)
                 from latest l join kudos k on k.id = l.kudos_id join person g on g.id = k.giver_id),
      'used', (select used from allowance_usage where person_id = ${p} and day = ${args.day})
    ) as home`.execute(db);
  const raw = rows[0].home;
  const home = (typeof raw === 'string' ? JSON.parse(raw) : raw) as Omit<HomeRow, 'givenAll' | 'givenWeek'>;
  return {
    receivedAll: Number(home.receivedAll),
    receivedWeek: Number(home.receivedWeek),
    values: home.values.map((v) => ({ ...v, count: Number(v.count) })),
    latest: home.latest.map((k) => ({ ...k, id: Number(k.id), giver: { ...k.giver, id: Number(k.giver.id) } })),
    used: home.used === null ? null : Number(home.used),
  };
}

/**
 * Given, one per recipient (the unit of the allowance and of /thanks stats). The lateral count is one probe of
 * the recipients' primary key per kudos given, whatever the size of the ledger.
 */
async function givenSide(db: Kysely<Database>, args: Args): Promise<Pick<HomeRow, 'givenAll' | 'givenWeek'>> {
  const { rows } = await sql<{ total: number | string; week: number | string }>`
    select coalesce(sum(rc.n), 0) as total, coalesce(sum(rc.n) filter (where k.created_at >= ${args.weekStart}), 0) as week
    from kudos k
    cross join lateral (select count(*) as n from kudos_recipient r where r.kudos_id = k.id) rc
    where k.workspace_id = ${args.workspaceId} and k.giver_id = ${args.personId} and k.revoked_at is null`.execute(db);
  return { givenAll: Number(rows[0].total), givenWeek: Number(rows[0].week) };
}
