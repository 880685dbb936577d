import { sql, type Kysely } from 'kysely';
import { batchedOrAlone, inInputOrder } from '../batch';
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
  /**
   * The request that records the kudos posts it right after its answer: recorded with the claim to post it
   * held until then (saves claiming it in a round trip of its own). Null: recorded pending.
   */
  postLease?: Date | null;
}

export type RecordOutcome =
  | { status: 'recorded'; id: number; used: number }
  | { status: 'duplicate' }
  | { status: 'allowance_exceeded'; used: number };

/**
 * Records a kudos in one round trip, atomic on its own (the `kudos_record_many` function of
 * src/db/ledger/kudos_record.sql, which records each give through `kudos_record`):
 * - keyed by (workspace, source_key): a re-delivery records nothing;
 * - the allowance only grows while `used + n <= limit`, re-checked on the locked row, so concurrent gives
 *   never push past the limit; when it says no, nothing is recorded;
 * - recipient DMs to send later, if asked for, are queued with it.
 *
 * Gives that reach the database at the same time share that round trip and its commit, each recorded as it
 * would be alone. Should their transaction fail, each is recorded again on its own, so one bad give never
 * holds back the others.
 */
export const recordKudos: (db: Kysely<Database>, a: RecordKudosArgs) => Promise<RecordOutcome> = batchedOrAlone(recordMany, { max: 50, retry: true });

type OutcomeRow = { idx: number; o_status: 'recorded' | 'duplicate' | 'allowance_exceeded'; o_kudos_id: number | null; o_used: number | null };

async function recordMany(db: Kysely<Database>, items: RecordKudosArgs[]): Promise<RecordOutcome[]> {
  const { rows } = await sql<OutcomeRow>`
    select * from kudos_record_many(${JSON.stringify(items.map(giveRecord))}::jsonb)
  `.execute(db);
  return inInputOrder(rows, items.length, outcomeOf);
}

/**
 * A give as the ledger's SQL takes it (the record `kudos_record` reads; field names = its columns). The one
 * place a give is turned into that record: recording a kudos and applying a reaction both use it.
 */
export function giveRecord(a: RecordKudosArgs) {
  return {
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
    post_lease: a.postLease?.toISOString() ?? null,
  };
}

function outcomeOf(row: OutcomeRow): RecordOutcome {
  if (row.o_status === 'recorded') return { status: 'recorded', id: Number(row.o_kudos_id), used: Number(row.o_used) };
  if (row.o_status === 'allowance_exceeded') return { status: 'allowance_exceeded', used: Number(row.o_used) };
  return { status: 'duplicate' };
}
