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
 */
export async function recordKudos(db: Kysely<Database>, a: RecordKudosArgs): Promise<RecordOutcome> {
  const { rows } = await sql<{ o_status: 'recorded' | 'duplicate' | 'allowance_exceeded'; o_kudos_id: number | null; o_used: number | null }>`
    select * from kudos_record(
      ${a.workspaceId}::int, ${a.giverId}::int, ${a.source}::text, ${a.sourceKey}::text, ${a.message}::text,
      ${a.channelId}::text, ${a.messageTs}::text, ${a.permalink}::text, ${a.emoji}::text, ${a.parentId}::int,
      ${a.reactionGroup}::text, ${a.campaignKey}::text, ${a.createdAt}::timestamptz, ${a.day}::date,
      ${a.recipientIds}::int[], ${a.valueIds}::int[], ${a.limit}::int, ${a.notifyBy}::timestamptz)
  `.execute(db);
  const row = rows[0];
  if (row.o_status === 'recorded') return { status: 'recorded', id: Number(row.o_kudos_id), used: Number(row.o_used) };
  if (row.o_status === 'allowance_exceeded') return { status: 'allowance_exceeded', used: Number(row.o_used) };
  return { status: 'duplicate' };
}
