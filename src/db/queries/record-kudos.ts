import { sql, type Kysely } from 'kysely';
import { batchedOrAlone } from '../batch';
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

export type RecordOutcome =
  | { status: 'recorded'; id: number; used: number }
  | { status: 'duplicate' }
  | { status: 'allowance_exceeded'; used: number };

/**
 * Records a kudos in one round trip (the `kudos_record` function, migration 0012), atomic on its own:
 * - keyed by (workspace, source_key): a re-delivery records nothing;
 * - the allowance only grows while `used + n <= limit`, re-checked on the locked row, so concurrent gives
 *   never push past the limit; when it says no, nothing is recorded;
 * - recipient DMs to send later, if asked for, are queued with it.
 *
 * Gives that reach the database at the same time share one round trip and one commit (`kudos_record_many`,
 * migration 0014), each item recorded as it would be alone. Should that transaction fail, each is recorded
 * again on its own, so one bad give never holds back the others.
 */
export const recordKudos: (db: Kysely<Database>, a: RecordKudosArgs) => Promise<RecordOutcome> = batchedOrAlone(recordMany, recordOne, {
  max: 50,
});

type OutcomeRow = { o_status: 'recorded' | 'duplicate' | 'allowance_exceeded'; o_kudos_id: number | null; o_used: number | null };

async function recordOne(db: Kysely<Database>, a: RecordKudosArgs): Promise<RecordOutcome> {
  const { rows } = await sql<OutcomeRow>`
    select * from kudos_record(
      ${a.workspaceId}::int, ${a.giverId}::int, ${a.source}::text, ${a.sourceKey}::text, ${a.message}::text,
      ${a.channelId}::text, ${a.messageTs}::text, ${a.permalink}::text, ${a.emoji}::text, ${a.parentId}::int,
      ${a.reactionGroup}::text, ${a.campaignKey}::text, ${a.createdAt}::timestamptz, ${a.day}::date,
      ${a.recipientIds}::int[], ${a.valueIds}::int[], ${a.limit}::int, ${a.notifyBy}::timestamptz)
  `.execute(db);
  return outcomeOf(rows[0]);
}

async function recordMany(db: Kysely<Database>, items: RecordKudosArgs[]): Promise<RecordOutcome[]> {
  const { rows } = await sql<OutcomeRow & { idx: number }>`
    select * from kudos_record_many(${JSON.stringify(items.map(itemArgs))}::jsonb)
  `.execute(db);
  const byIdx = new Map(rows.map((r) => [Number(r.idx), outcomeOf(r)]));
  return items.map((_, i) => {
    const outcome = byIdx.get(i);
    if (!outcome) throw new Error('a kudos in the batch was not recorded');
    return outcome;
  });
}

/** One give as `kudos_record_many` takes it (field names = its record columns). */
function itemArgs(a: RecordKudosArgs, idx: number) {
  return {
    idx,
    workspace: a.workspaceId,
    giver: a.giverId,
    source: a.source,
    source_key: a.sourceKey,
    message: a.message,
    channel: a.channelId,
    message_ts: a.messageTs,
    permalink: a.permalink,
    emoji: a.emoji,
    parent: a.parentId,
    reaction_group: a.reactionGroup,
    campaign: a.campaignKey,
    created_at: a.createdAt.toISOString(),
    day: a.day,
    recipients: a.recipientIds,
    values: a.valueIds,
    lim: a.limit,
    notify_by: a.notifyBy?.toISOString() ?? null,
  };
}

function outcomeOf(row: OutcomeRow): RecordOutcome {
  if (row.o_status === 'recorded') return { status: 'recorded', id: Number(row.o_kudos_id), used: Number(row.o_used) };
  if (row.o_status === 'allowance_exceeded') return { status: 'allowance_exceeded', used: Number(row.o_used) };
  return { status: 'duplicate' };
}
