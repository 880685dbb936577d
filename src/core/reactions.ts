import { sql } from 'kysely';
import type { PersonRow, WorkspaceRow } from '../db/schema';
import type { GiveContextRows } from '../db/queries/give-context';
import { applyReactionEvent, groupState } from '../db/queries/reactions';
import { giveKudos, type CoreDeps } from './give';
import type { Refusal } from './refusals';
import { revokeKudos } from './reverse';
import type { KudosSource, KudosView } from './types';

/**
 * Reactions as kudos, exactly once whatever the platform delivers and in whatever order.
 *
 * Each event first goes through a last-writer-wins register per natural key (message, reactor, emoji):
 * an older or repeated event changes nothing. Then the reaction's *group* is reconciled with the ledger:
 * a plain reaction is its own group; a pile-on is one reactor on one kudos post, whatever the emoji, alive
 * while any of their reactions remains. A group should have exactly one counting kudos while the register
 * wants one and none otherwise.
 *
 * Events of one group are applied one at a time (a transaction holding the group's advisory lock); each
 * fixes what the register and the ledger show (missing → give; extra → revoke all but the oldest; unwanted →
 * revoke) and reads again until there is nothing to fix. (The read that comes with the register write sees
 * the group as it was before that write: it may decide to give, since a fresh read follows every give, but
 * never that nothing needs doing.)
 */

export type ReactionTarget =
  /** A person's message: a kudos from the reactor to its author. */
  | { kind: 'message'; author: string; permalink: string | null; valueSlugs: string[] }
  /** The bot's post about a kudos: the reactor's +1 to the same people, with the same values. */
  | { kind: 'pileon'; parent: KudosView };

export interface ReactionEvent {
  workspace: WorkspaceRow;
  reactor: PersonRow;
  emoji: string;
  channelId: string;
  messageTs: string;
  /** The platform's event timestamp (Slack's event_ts), which orders one reactor's events. */
  eventTs: string;
  added: boolean;
  target: ReactionTarget;
  /** The ledger source of the kudos given; by default 'pileon' or 'reaction' (Teams records 'teams_pileon'). */
  source?: KudosSource;
  /** Where the platform DMs recipients: queue their DMs to go out together within this window. */
  notifyBatchMs?: number;
}

export type ReactionOutcome =
  | { status: 'stale' }
  | { status: 'unchanged' }
  | { status: 'given'; kudos: KudosView; recipients: PersonRow[] }
  | { status: 'revoked'; kudos: KudosView[] }
  | { status: 'refused'; refusals: Refusal[] };

export function reactionGroup(e: Pick<ReactionEvent, 'channelId' | 'messageTs' | 'emoji' | 'target'>, reactor: string): string {
  return e.target.kind === 'pileon'
    ? `pileon:${e.target.parent.id}:${reactor}`
    : `reaction:${e.channelId}:${e.messageTs}:${reactor}:${e.emoji}`;
}

/** Rounds of fixing one event may take while others race on its group; each ends with a fresh read. */
const MAX_ROUNDS = 6;

/**
 * Applies one reaction event in a transaction of its own, holding the group's lock, so the events of one
 * group are applied one after another and every read sees the ones before.
 *
 * Callers process events that are stored durably before they were acknowledged (the inbox), and applying
 * one again changes nothing: so this commit does not wait for the disk. If the server stops first, the event
 * is not marked processed either (that mark comes later in the write-ahead log) and is applied again.
 */
export async function applyReaction(deps: CoreDeps, e: ReactionEvent, preloaded?: GiveContextRows): Promise<ReactionOutcome> {
  const group = reactionGroup(e, e.reactor.external_id);
  return deps.db.transaction().execute(async (trx) => {
    await sql`select set_config('synchronous_commit', 'off', true), pg_advisory_xact_lock(hashtextextended(${group}, ${e.workspace.id}))`.execute(trx);
    return applyLocked({ ...deps, db: trx }, e, group, preloaded);
  });
}

async function applyLocked(deps: CoreDeps, e: ReactionEvent, group: string, preloaded?: GiveContextRows): Promise<ReactionOutcome> {
  const { db } = deps;
  const ws = e.workspace;
  const pileon = e.target.kind === 'pileon';
  const key = { workspaceId: ws.id, channelId: e.channelId, messageTs: e.messageTs, reactor: e.reactor.external_id, emoji: e.emoji };
  const applied = await applyReactionEvent(db, key, e.eventTs, e.added, group);

  // An add with nothing counting yet gives at once (a fresh read follows); anything else reads first. An
  // event the register has already seen still reconciles: applied again after a stop between its register
  // write and its kudos, it finishes the work.
  let state = applied.present && applied.activeBefore === 0 ? { wanted: true, active: [] as number[] } : await groupState(db, key, group, pileon);
  let given: { kudos: KudosView; recipients: PersonRow[] } | undefined;
  const revoked: KudosView[] = [];
  // Fix what the read shows, then read again, until a read shows nothing to fix: whichever event writes
  // last also reads last, so racing events end in the state the register says.
  for (let round = 0; round < MAX_ROUNDS; round++) {
    if (state.wanted && state.active.length === 0) {
      const result = await giveFor(deps, e, group, round, preloaded);
      if (result.status === 'refused') return { status: 'refused', refusals: result.refusals };
      if (result.status === 'given') given = { kudos: result.kudos, recipients: result.recipients };
    } else {
      const extra = state.wanted ? state.active.slice(1) : state.active;
      if (extra.length === 0) break;
      for (const id of extra) {
        const r = await revokeKudos(deps, ws, id, { personId: e.reactor.id, reason: state.wanted ? 'duplicate_reaction' : 'reaction_removed' });
        if (r.status === 'revoked') revoked.push(r.kudos);
      }
    }
    state = await groupState(db, key, group, pileon);
  }
  if (given && !revoked.some((k) => k.id === given.kudos.id)) return { status: 'given', ...given };
  if (revoked.length && !given) return { status: 'revoked', kudos: revoked };
  return applied.present === undefined ? { status: 'stale' } : { status: 'unchanged' };
}

function giveFor(deps: CoreDeps, e: ReactionEvent, group: string, round: number, preloaded?: GiveContextRows) {
  const t = e.target;
  return giveKudos(
    deps,
    e.workspace,
    {
      workspaceId: e.workspace.id,
      giver: e.reactor.external_id,
      recipients: t.kind === 'pileon' ? t.parent.recipients.map((r) => r.externalId) : [t.author],
      message: '',
      values: t.kind === 'pileon' ? t.parent.values.map((v) => v.slug) : t.valueSlugs,
      source: e.source ?? (t.kind === 'pileon' ? 'pileon' : 'reaction'),
      // One kudos per event (and per round, when a race undid the first); the group keeps one counting.
      sourceKey: `${group}@${e.eventTs}${round ? `#${round}` : ''}`,
      channelId: e.channelId,
      messageTs: e.messageTs,
      permalink: t.kind === 'pileon' ? t.parent.permalink : t.permalink,
      emoji: e.emoji,
      parentId: t.kind === 'pileon' ? t.parent.id : null,
      reactionGroup: group,
      messageOptional: true,
      notifyBatchMs: e.notifyBatchMs ?? null,
    },
    preloaded,
  );
}
