import { sql, type Kysely } from 'kysely';
import { batched, perDatabase } from '../batch';
import type { Database, KudosRow } from '../schema';

export interface ReactionKey {
  workspaceId: number;
  channelId: string;
  messageTs: string;
  reactor: string;
  emoji: string;
}

interface RegisterWrite {
  key: ReactionKey;
  eventTs: string;
  present: boolean;
  group: string;
}

const sameKey = (a: ReactionKey, b: ReactionKey) =>
  a.workspaceId === b.workspaceId && a.channelId === b.channelId && a.messageTs === b.messageTs && a.reactor === b.reactor && a.emoji === b.emoji;

/**
 * Applies one reaction event to its last-writer-wins register. `present` is undefined when the register
 * already holds this event or a later one (a re-delivery, a duplicate with a new event id, or an add that
 * arrives after its own removal). `activeBefore` counts the group's counting kudos as the statement found
 * them, *before* its own write: good enough to decide to give (a fresh read follows any give), never to
 * decide that nothing needs doing.
 *
 * Events arriving together share one statement; two events for the same reaction never do (an upsert cannot
 * touch a row twice), so the later one goes in the next and the register still sees them in turn.
 */
const writeRegister = perDatabase((db) =>
  batched<RegisterWrite, { present: boolean | undefined; activeBefore: number }>(
    async (items) => {
      const col = <T>(f: (w: RegisterWrite) => T) => items.map(f);
      const { rows } = await sql<{ idx: number; present: boolean | null; active: number }>`
        with input as (
          select * from unnest(
            ${col((w) => w.key.workspaceId)}::int[], ${col((w) => w.key.channelId)}::text[], ${col((w) => w.key.messageTs)}::text[],
            ${col((w) => w.key.reactor)}::text[], ${col((w) => w.key.emoji)}::text[], ${col((w) => w.eventTs)}::numeric[],
            ${col((w) => w.present)}::boolean[], ${col((w) => w.group)}::text[]
          ) with ordinality as t(ws, ch, ts, re, em, ets, pr, grp, idx)
        ),
        applied as (
          insert into reaction_state (workspace_id, channel_id, message_ts, reactor, emoji, event_ts, present)
          select ws, ch, ts, re, em, ets, pr from input
          on conflict (workspace_id, channel_id, message_ts, reactor, emoji)
          do update set event_ts = excluded.event_ts, present = excluded.present, updated_at = now()
          where reaction_state.event_ts < excluded.event_ts
          returning workspace_id, channel_id, message_ts, reactor, emoji, present
        )
        select i.idx, a.present,
               (select count(*) from kudos k where k.workspace_id = i.ws and k.reaction_group = i.grp and k.revoked_at is null) as active
        from input i
        left join applied a on a.workspace_id = i.ws and a.channel_id = i.ch and a.message_ts = i.ts and a.reactor = i.re and a.emoji = i.em
        order by i.idx
      `.execute(db);
      return rows.map((r) => ({ present: r.present ?? undefined, activeBefore: Number(r.active) }));
    },
    { canJoin: (batch, next) => !batch.some((w) => sameKey(w.key, next.key)) },
  ),
);

export function applyReactionEvent(
  db: Kysely<Database>,
  key: ReactionKey,
  eventTs: string,
  present: boolean,
  group: string,
): Promise<{ present: boolean | undefined; activeBefore: number }> {
  return writeRegister(db, { key, eventTs, present, group });
}

interface GroupQuery {
  key: ReactionKey;
  group: string;
  anyEmoji: boolean;
}

/**
 * A group as it stands now: whether the register wants a kudos (for a pile-on, whether any of the reactor's
 * reactions on the post remains; otherwise this one reaction), and the group's counting kudos, oldest first.
 * Always its own statement, after the caller's writes; reads made together share one.
 */
const readGroups = perDatabase((db) =>
  batched<GroupQuery, { wanted: boolean; active: number[] }>(async (items) => {
    const col = <T>(f: (q: GroupQuery) => T) => items.map(f);
    const { rows } = await sql<{ wanted: boolean; active: number[] | null }>`
      select exists (
               select 1 from reaction_state s
               where s.workspace_id = t.ws and s.channel_id = t.ch and s.message_ts = t.ts and s.reactor = t.re
                 and s.present and (t.any_emoji or s.emoji = t.em)
             ) as wanted,
             (select array_agg(k.id order by k.id) from kudos k
               where k.workspace_id = t.ws and k.reaction_group = t.grp and k.revoked_at is null) as active
      from unnest(
        ${col((q) => q.key.workspaceId)}::int[], ${col((q) => q.key.channelId)}::text[], ${col((q) => q.key.messageTs)}::text[],
        ${col((q) => q.key.reactor)}::text[], ${col((q) => q.key.emoji)}::text[], ${col((q) => q.group)}::text[],
        ${col((q) => q.anyEmoji)}::boolean[]
      ) with ordinality as t(ws, ch, ts, re, em, grp, any_emoji, idx)
      order by t.idx
    `.execute(db);
    return rows.map((r) => ({ wanted: r.wanted, active: (r.active ?? []).map(Number) }));
  }),
);

export function groupState(db: Kysely<Database>, key: ReactionKey, group: string, anyEmoji: boolean): Promise<{ wanted: boolean; active: number[] }> {
  return readGroups(db, { key, group, anyEmoji });
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
