import { sql, type Kysely } from 'kysely';
import type { Database } from '../src/db/schema';

/**
 * A year of a large workspace's ledger for bench:digest and bench:export, loaded in bulk with generate_series and
 * a fixed seed: kudos in time order (some givers far more active), 1–3 recipients, values, 5 % pile-ons, 2 %
 * withdrawals, and 2 % of people opted out of rankings.
 */
export async function loadYearOfKudos(db: Kysely<Database>, workspaceId: number, now: Date, size: { people: number; kudos: number }): Promise<void> {
  const PEOPLE = size.people;
  const KUDOS = size.kudos;
  await sql`select setseed(0.42)`.execute(db);
  await sql`
    insert into person (workspace_id, external_id, display_name, time_zone, rankings_enabled, profile_fetched_at)
    select ${workspaceId}, 'U' || lpad(g::text, 7, '0'), 'Person ' || g, 'Europe/Berlin', g % 50 <> 0, ${now}
    from generate_series(1, ${PEOPLE}) g`.execute(db);
  const { rows } = await sql<{ first: number }>`select min(id) as first from person where workspace_id = ${workspaceId}`.execute(db);
  const first = Number(rows[0].first);
  const { rows: vals } = await sql<{ id: number }>`select id from value where workspace_id = ${workspaceId} order by id`.execute(db);
  const valueIds = vals.map((v) => Number(v.id));

  await sql`
    insert into kudos (id, workspace_id, giver_id, source, source_key, message, channel_id, created_at, local_day, parent_id, post_status, revoked_at, revoked_by, revoked_reason)
    overriding system value
    select n,
           ${workspaceId},
           ${first} + giver,
           case when pile then 'pileon' else 'command' end,
           'bench:' || n,
           case when pile then '' else 'for the help with ticket #' || n || ', it made a real difference to the customer' end,
           'C' || lpad((n % 40)::text, 8, '0'),
           at,
           (at at time zone 'Europe/Berlin')::date,
           case when pile and n > 50 then n - 1 - (n % 50) else null end,
           'posted',
           case when n % 50 = 7 then at + interval '5 minutes' else null end,
           case when n % 50 = 7 then ${first} + giver else null end,
           case when n % 50 = 7 then 'undo' else null end
    from (
      select row_number() over (order by at) as n, at, giver, pile
      from (
        select ${now}::timestamptz - random() * interval '364 days' as at,
               floor(power(random(), 2) * ${PEOPLE})::int as giver,
               random() < 0.05 as pile
        from generate_series(1, ${KUDOS})
      ) raw
    ) k`.execute(db);
  await sql`select setval(pg_get_serial_sequence('kudos', 'id'), (select max(id) from kudos))`.execute(db);

  await sql`
    insert into kudos_recipient (kudos_id, workspace_id, recipient_id, created_at, position)
    select k.id, k.workspace_id,
           ${first} + ((k.giver_id - ${first}) + 97 * r + (k.id::bigint * 7919) % 5000) % ${PEOPLE},
           k.created_at, r - 1
    from kudos k
    cross join lateral generate_series(1, 1 + (k.id % 10 < 3)::int + (k.id % 10 = 0)::int) r
    where k.workspace_id = ${workspaceId}`.execute(db);

  await sql`
    insert into kudos_value (kudos_id, value_id, workspace_id)
    select k.id, (${sql.val(valueIds)}::int[])[1 + (k.id * 31 + v * 5) % ${valueIds.length}], k.workspace_id
    from kudos k
    cross join lateral generate_series(1, case when k.id % 10 < 2 then 2 when k.id % 10 < 7 then 1 else 0 end) v
    where k.workspace_id = ${workspaceId} and k.parent_id is null`.execute(db);

  for (const t of ['person', 'kudos', 'kudos_recipient', 'kudos_value', 'value']) await sql`vacuum analyze ${sql.table(t)}`.execute(db);
}
