import { sql, type Kysely } from 'kysely';
import { batchedOrAlone, inInputOrder } from '../batch';
import type { Database, KudosRow } from '../schema';
import { giveRecord, type RecordKudosArgs } from './record-kudos';

export interface ReactionKey {
  workspaceId: number;
  channelId: string;
  messageTs: string;
  reactor: string;
  emoji: string;
}

export interface ReactionWrite {
  key: ReactionKey;
  /** The platform's event timestamp, which orders one reactor's events on one message. */
  eventTs: string;
  present: boolean;
  /** One reaction, or one reactor's pile-on on one post (then any of their emoji keeps it alive). */
  group: string;
  anyEmoji: boolean;
  reactorId: number;
  /** The kudos to record should the group need one; null when the rules refuse it. */
  give: RecordKudosArgs | null;
  /** When this is applied: the time of a kudos given and of any revocation. */
  at: Date;
}

export type ReactionLedgerOutcome =
  | { status: 'given'; id: number; used: number; revoked: number[] }
  | { status: 'revoked'; revoked: number[] }
  | { status: 'refused' }
  | { status: 'allowance_exceeded'; used: number }
  | { status: 'stale' | 'unchanged'; revoked: number[] };

/**
 * Applies one reaction event (the `kudos_apply_reaction` function of src/db/ledger/kudos_apply_reaction.sql):
 * under the group's lock, the last-writer-wins register takes the event unless it already holds this one or
 * a later one, and then the group's kudos are made to match the register: one counting while it wants one
 * (given from `give`), none otherwise (revoked, allowance returned).
 *
 * Events applied at the same time share one round trip and one transaction (`kudos_apply_reactions`, which
 * takes every group's lock first, in one order). Should that transaction fail, each event is applied again on
 * its own, so one bad event never holds back the others.
 */
export const applyReactionWrite: (db: Kysely<Database>, w: ReactionWrite) => Promise<ReactionLedgerOutcome> = batchedOrAlone(applyBatch, { max: 50, retry: true });

async function applyBatch(db: Kysely<Database>, items: ReactionWrite[]): Promise<ReactionLedgerOutcome[]> {
  const { rows } = await sql<OutcomeRow & { idx: number }>`
    select * from kudos_apply_reactions(${JSON.stringify(items.map(eventRecord))}::jsonb)
  `.execute(db);
  return inInputOrder(rows, items.length, outcomeOf);
}

/** A reaction event as the ledger's SQL takes it (the record `kudos_apply_reaction` reads). */
function eventRecord(w: ReactionWrite) {
  return {
    workspace: w.key.workspaceId,
    channel: w.key.channelId,
    message_ts: w.key.messageTs,
    reactor: w.key.reactor,
    emoji: w.key.emoji,
    event_ts: w.eventTs,
    present: w.present,
    reaction_group: w.group,
    any_emoji: w.anyEmoji,
    reactor_id: w.reactorId,
    at: w.at.toISOString(),
    give: w.give && giveRecord(w.give),
  };
}

interface OutcomeRow {
  o_status: string;
  o_given: number | null;
  o_used: number | null;
  o_revoked: number[] | null;
}

function outcomeOf(r: OutcomeRow): ReactionLedgerOutcome {
  const revoked = (r.o_revoked ?? []).map(Number);
  switch (r.o_status) {
    case 'given':
      return { status: 'given', id: Number(r.o_given), used: Number(r.o_used), revoked };
    case 'revoked':
      return { status: 'revoked', revoked };
    case 'refused':
      return { status: 'refused' };
    case 'allowance_exceeded':
      return { status: 'allowance_exceeded', used: Number(r.o_used) };
    case 'stale':
    case 'unchanged':
      return { status: r.o_status, revoked };
    default:
      throw new Error(`unexpected reaction outcome ${r.o_status}`);
  }
}

/** The kudos whose post is this message (for pile-ons). */
export async function findKudosByPost(db: Kysely<Database>, workspaceId: number, channelId: string, ts: string): Promise<KudosRow | undefined> {
  return db
    .selectFrom('kudos')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('post_channel_id', '=', channelId)
    .where('post_ts', '=', ts)
    .executeTakeFirst();
}

/** Display names of the people whose pile-on on a kudos still counts, in the order they joined. */
export async function activePileOnNames(db: Kysely<Database>, workspaceId: number, parentId: number): Promise<string[]> {
  const rows = await db
    .selectFrom('kudos as k')
    .innerJoin('person as p', 'p.id', 'k.giver_id')
    .select('p.display_name')
    .where('k.workspace_id', '=', workspaceId)
    .where('k.parent_id', '=', parentId)
    .where('k.source', 'in', ['pileon', 'teams_pileon'])
    .where('k.revoked_at', 'is', null)
    .orderBy('k.id')
    .execute();
  return rows.map((r) => r.display_name);
}
