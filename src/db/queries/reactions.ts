import { sql, type Kysely } from 'kysely';
import type { Database, KudosRow } from '../schema';
import type { RecordKudosArgs } from './record-kudos';

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
 * Applies one reaction event in one round trip (the `kudos_apply_reaction` function, migration 0012): under
 * the group's lock, the last-writer-wins register takes the event unless it already holds this one or a later
 * one, and then the group's kudos are made to match the register: one counting while it wants one (given from
 * `give`), none otherwise (revoked, allowance returned).
 */
export async function applyReactionWrite(db: Kysely<Database>, w: ReactionWrite): Promise<ReactionLedgerOutcome> {
  const g = w.give;
  const { rows } = await sql<{ o_status: string; o_given: number | null; o_used: number | null; o_revoked: number[] | null }>`
    select * from kudos_apply_reaction(
      ${w.key.workspaceId}::int, ${w.key.channelId}::text, ${w.key.messageTs}::text, ${w.key.reactor}::text,
      ${w.key.emoji}::text, ${w.eventTs}::numeric, ${w.present}::boolean,
      ${w.group}::text, ${w.anyEmoji}::boolean, ${w.reactorId}::int,
      ${g !== null}::boolean, ${g?.source ?? null}::text, ${g?.sourceKey ?? null}::text, ${g?.permalink ?? null}::text,
      ${g?.parentId ?? null}::int, ${g?.campaignKey ?? null}::text, ${w.at}::timestamptz,
      ${g?.day ?? null}::date, ${g?.recipientIds ?? []}::int[], ${g?.valueIds ?? []}::int[], ${g?.limit ?? null}::int,
      ${g?.notifyBy ?? null}::timestamptz)
  `.execute(db);
  const r = rows[0];
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
