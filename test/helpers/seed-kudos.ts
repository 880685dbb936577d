import { sql, type Kysely } from 'kysely';
import type { Database } from '../../src/db/schema';

/**
 * Many kudos for one recipient in one statement (a busy person's history for tests and benchmarks): `count`
 * kudos spread evenly over [start, end), from the givers in turn, two in three tagged with one of the
 * values, and every `revokedEvery`-th one revoked. Messages are numbered: 'Seeded thanks #<n>', the newest
 * having the highest n.
 */
export async function seedReceivedKudos(
  db: Kysely<Database>,
  args: {
    workspaceId: number;
    recipientId: number;
    giverIds: number[];
    valueIds: number[];
    count: number;
    start: Date;
    end: Date;
    revokedEvery?: number;
    tag?: string;
  },
): Promise<void> {
  const tag = args.tag ?? 'seed';
  const span = args.end.getTime() - args.start.getTime();
  await sql`
    with g as (
      select i, ${args.start}::timestamptz + (${span}::float8 * i / ${args.count + 1}) * interval '1 millisecond' as at
      from generate_series(1, ${args.count}) as i
    ), ins as (
      insert into kudos (workspace_id, giver_id, source, source_key, message, created_at, local_day, revoked_at, post_status)
      select ${args.workspaceId}, (array[${sql.join(args.giverIds)}]::int[])[1 + (i % ${args.giverIds.length})], 'command',
             ${tag} || ':' || i, 'Seeded thanks #' || i, at, (at at time zone 'UTC')::date,
             case when ${args.revokedEvery ?? 0} > 0 and i % ${args.revokedEvery ?? 1} = 0 then at end, 'posted'
      from g
      returning id, created_at
    ), rec as (
      insert into kudos_recipient (kudos_id, workspace_id, recipient_id, created_at)
      select id, ${args.workspaceId}, ${args.recipientId}, created_at from ins
      returning kudos_id
    )
    insert into kudos_value (kudos_id, value_id, workspace_id)
    select kudos_id, (array[${sql.join(args.valueIds)}]::int[])[1 + (kudos_id % ${args.valueIds.length})], ${args.workspaceId}
    from rec where kudos_id % 3 <> 0`.execute(db);
}

/**
 * A whole ledger in one statement, in time order as a real one is written: `count` kudos among `people` over
 * [start, end), one in `focus.receivedEvery` to the focus person and one in `focus.givenEvery` from them, so
 * their history is spread across the table like a real person's (not stored together). Two in three kudos
 * carry a value; one in `revokedEvery` is revoked.
 */
export async function seedLedger(
  db: Kysely<Database>,
  args: {
    workspaceId: number;
    people: number[];
    valueIds: number[];
    count: number;
    start: Date;
    end: Date;
    focus: { personId: number; receivedEvery: number; givenEvery: number };
    revokedEvery?: number;
    tag?: string;
  },
): Promise<void> {
  const tag = args.tag ?? 'ledger';
  const n = args.people.length;
  const span = args.end.getTime() - args.start.getTime();
  const { personId, receivedEvery, givenEvery } = args.focus;
  await sql`
    with g as (
      select i, ${args.start}::timestamptz + (${span}::float8 * i / ${args.count + 1}) * interval '1 millisecond' as at,
             (i * 7919) % ${n} as r
      from generate_series(1, ${args.count}) as i
    ), picks as (
      select i, at,
             case when i % ${receivedEvery} = 0 then ${personId} else (array[${sql.join(args.people)}]::int[])[1 + r] end as recipient,
             case when i % ${givenEvery} = 0 and i % ${receivedEvery} <> 0 then ${personId}
                  else (array[${sql.join(args.people)}]::int[])[1 + (r + 1 + i % ${n - 1}) % ${n}] end as giver
      from g
    ), ins as (
      insert into kudos (workspace_id, giver_id, source, source_key, message, created_at, local_day, revoked_at, post_status)
      select ${args.workspaceId}, giver, 'command', ${tag} || ':' || i, 'Ledger thanks #' || i, at, (at at time zone 'UTC')::date,
             case when ${args.revokedEvery ?? 0} > 0 and i % ${args.revokedEvery ?? 1} = 0 then at end, 'posted'
      from picks order by i
      returning id, created_at, source_key
    ), rec as (
      insert into kudos_recipient (kudos_id, workspace_id, recipient_id, created_at)
      select ins.id, ${args.workspaceId}, p.recipient, ins.created_at
      from ins join picks p on ins.source_key = ${tag} || ':' || p.i
      returning kudos_id
    )
    insert into kudos_value (kudos_id, value_id, workspace_id)
    select kudos_id, (array[${sql.join(args.valueIds)}]::int[])[1 + (kudos_id % ${args.valueIds.length})], ${args.workspaceId}
    from rec where kudos_id % 3 <> 0`.execute(db);
}
