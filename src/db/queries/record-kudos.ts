import { sql, type Kysely } from 'kysely';
import type { Database, KudosSource } from '../schema';

export interface RecordKudosArgs {
  workspaceId: number;
  giverId: number;
  source: KudosSource;
  sourceKey: string;
  message: string;
  channelId: string | null;
  messageTs: string | null;
  permalink: string | null;
  emoji: string | null;
  parentId: number | null;
  reactionGroup: string | null;
  campaignKey: string | null;
  createdAt: Date;
  /** The giver's local day: the allowance day this kudos consumes. */
  day: string;
  recipientIds: number[];
  valueIds: number[];
  /** Recipients per giver per day; null = unlimited (usage is still counted). */
  limit: number | null;
  /**
   * Queue a DM for each recipient who has DMs on, due by this time (or with the recipient's batch already
   * waiting): recorded with the kudos, so a stop right after cannot lose it. Null: the caller tells them.
   */
  notifyBy: Date | null;
}

export type RecordOutcome = { status: 'recorded'; id: number; used: number } | { status: 'duplicate' } | { status: 'allowance_exceeded' };

const REFUSED = 'KD001';

/**
 * Records a kudos in one statement, so it is atomic without a transaction and costs one round trip:
 * - the insert is keyed by (workspace, source_key): a re-delivery inserts nothing and the rest does nothing;
 * - the allowance upsert only increments while `used + n <= limit`, a condition Postgres re-checks on the
 *   locked row, so concurrent gives can never push past the limit;
 * - when the allowance says no, `kudos_refuse()` raises and the whole statement, insert included, is undone;
 * - recipient DMs to send later, if asked for, land in the outbox in the same statement.
 */
export async function recordKudos(db: Kysely<Database>, a: RecordKudosArgs): Promise<RecordOutcome> {
  // Inside a caller's transaction, a refusal must undo only this statement, not the caller's work.
  if (!db.isTransaction) return record(db, a);
  await sql`savepoint record_kudos`.execute(db);
  const outcome = await record(db, a).catch(async (err: unknown) => {
    await sql`rollback to savepoint record_kudos`.execute(db);
    throw err;
  });
  if (outcome.status === 'allowance_exceeded') await sql`rollback to savepoint record_kudos`.execute(db);
  else await sql`release savepoint record_kudos`.execute(db);
  return outcome;
}

async function record(db: Kysely<Database>, a: RecordKudosArgs): Promise<RecordOutcome> {
  const n = a.recipientIds.length;
  try {
    const { rows } = await sql<{ id: number; used: number | null }>`
      with k as (
        insert into kudos (workspace_id, giver_id, source, source_key, message, channel_id, message_ts, permalink, emoji,
                           parent_id, reaction_group, campaign_key, post_status, created_at, local_day)
        values (${a.workspaceId}, ${a.giverId}, ${a.source}, ${a.sourceKey}, ${a.message}, ${a.channelId}, ${a.messageTs},
                ${a.permalink}, ${a.emoji}, ${a.parentId}, ${a.reactionGroup}, ${a.campaignKey},
                ${a.reactionGroup ? 'none' : 'pending'}, ${a.createdAt}, ${a.day}::date)
        on conflict (workspace_id, source_key) do nothing
        returning id, created_at
      ),
      a as (
        insert into allowance_usage (workspace_id, person_id, day, used)
        select ${a.workspaceId}, ${a.giverId}, ${a.day}::date, ${n}::int from k
        where ${a.limit}::int is null or ${n}::int <= ${a.limit}::int
        on conflict (person_id, day) do update set used = allowance_usage.used + excluded.used
        where ${a.limit}::int is null or allowance_usage.used + excluded.used <= ${a.limit}::int
        returning used
      ),
      r as (
        insert into kudos_recipient (kudos_id, workspace_id, recipient_id, position, created_at)
        select k.id, ${a.workspaceId}, u.rid, u.pos - 1, k.created_at
        from k, a, unnest(${a.recipientIds}::int[]) with ordinality as u(rid, pos)
        returning 1
      ),
      v as (
        insert into kudos_value (kudos_id, value_id, workspace_id)
        select k.id, vid, ${a.workspaceId} from k, a, unnest(${a.valueIds}::int[]) as vid
        returning 1
      ),
      d as (
        insert into dm_outbox (workspace_id, recipient_id, kudos_id, due_at)
        select ${a.workspaceId}, p.id, k.id,
               coalesce((select min(o.due_at) from dm_outbox o
                         where o.workspace_id = ${a.workspaceId} and o.recipient_id = p.id and o.sent_at is null),
                        ${a.notifyBy}::timestamptz)
        from k, a, person p
        where ${a.notifyBy}::timestamptz is not null
          and p.workspace_id = ${a.workspaceId} and p.id = any(${a.recipientIds}::int[]) and p.dm_enabled
        on conflict (kudos_id, recipient_id) do nothing
        returning 1
      )
      select k.id, a.used,
             case when a.used is null then kudos_refuse('allowance') end as refused,
             (select count(*) from r) + (select count(*) from v) + (select count(*) from d) as written
      from k left join a on true
    `.execute(db);
    const row = rows[0];
    return row ? { status: 'recorded', id: row.id, used: Number(row.used) } : { status: 'duplicate' };
  } catch (err) {
    if ((err as { code?: string }).code === REFUSED) return { status: 'allowance_exceeded' };
    throw err;
  }
}
