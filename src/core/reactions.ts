import type { PersonRow, WorkspaceRow } from '../db/schema';
import type { GiveContextRows } from '../db/queries/give-context';
import { applyReactionWrite } from '../db/queries/reactions';
import { retryOnConnectionLoss } from '../db/retry';
import { allowanceRefusal, planGive, plannedView, type CoreDeps } from './give';
import type { Refusal } from './refusals';
import type { GiveRequest, InboxDelivery, KudosSource, KudosView } from './types';

/**
 * Reactions as kudos, exactly once whatever the platform delivers and in whatever order.
 *
 * Each event first goes through a last-writer-wins register per natural key (message, reactor, emoji):
 * an older or repeated event changes nothing. Then the reaction's *group* is reconciled with the ledger:
 * a plain reaction is its own group; a pile-on is one reactor on one kudos post, whatever the emoji, alive
 * while any of their reactions remains. A group should have exactly one counting kudos while the register
 * wants one and none otherwise.
 *
 * Events of one group are applied one at a time, under the group's advisory lock, in one round trip to the
 * database: missing → give; extra → revoke all but the oldest; unwanted → revoke. What the rules would refuse
 * (a deleted recipient, say) is decided here first and only matters if the group needs a kudos.
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
  /** The stored delivery the event came in, settled with the write when the ledger takes the event. */
  delivery?: InboxDelivery;
}

export type ReactionOutcome =
  | { status: 'stale' }
  | { status: 'unchanged' }
  | { status: 'given'; kudos: KudosView; recipients: PersonRow[] }
  | { status: 'revoked'; kudosIds: number[] }
  | { status: 'refused'; refusals: Refusal[] };

export function reactionGroup(e: Pick<ReactionEvent, 'channelId' | 'messageTs' | 'emoji' | 'target'>, reactor: string): string {
  return e.target.kind === 'pileon'
    ? `pileon:${e.target.parent.id}:${reactor}`
    : `reaction:${e.channelId}:${e.messageTs}:${reactor}:${e.emoji}`;
}

/**
 * Applies one reaction event: the rules judge the kudos it may give (outside any lock), then one round trip
 * applies it to the register and makes the group's kudos match (see kudos_apply_reaction, migration 0012).
 *
 * Callers process events that are stored durably before they were acknowledged (the inbox), and applying
 * one again changes nothing: so this commit does not wait for the disk. If the server stops first, the event
 * is not marked processed either (that mark comes later in the write-ahead log) and is applied again.
 */
export async function applyReaction(deps: CoreDeps, e: ReactionEvent, preloaded?: GiveContextRows): Promise<ReactionOutcome> {
  const group = reactionGroup(e, e.reactor.external_id);
  const plan = await planGive(deps, e.workspace, giveRequest(e, group), preloaded);
  const outcome = await retryOnConnectionLoss(() =>
    applyReactionWrite(deps.db, {
      key: { workspaceId: e.workspace.id, channelId: e.channelId, messageTs: e.messageTs, reactor: e.reactor.external_id, emoji: e.emoji },
      eventTs: e.eventTs,
      present: e.added,
      group,
      anyEmoji: e.target.kind === 'pileon',
      reactorId: e.reactor.id,
      give: plan.status === 'planned' ? plan.record : null,
      at: deps.clock(),
      inboxId: e.delivery?.id,
    }),
  );
  // The ledger marked the delivery processed unless it refused the event (the caller may owe a notice then).
  if (e.delivery && outcome.status !== 'refused' && outcome.status !== 'allowance_exceeded') e.delivery.settled = true;
  switch (outcome.status) {
    case 'given':
      if (plan.status !== 'planned') throw new Error('a reaction kudos was recorded without a plan');
      return { status: 'given', kudos: plannedView(plan, outcome.id), recipients: plan.recipients };
    case 'refused':
      return { status: 'refused', refusals: plan.status === 'refused' ? plan.refusals : [] };
    case 'allowance_exceeded':
      if (plan.status !== 'planned') throw new Error('a refused reaction kudos reached the allowance');
      return { status: 'refused', refusals: allowanceRefusal(plan, outcome.used).refusals };
    case 'revoked':
      return { status: 'revoked', kudosIds: outcome.revoked };
    default:
      return { status: outcome.status };
  }
}

function giveRequest(e: ReactionEvent, group: string): GiveRequest {
  const t = e.target;
  return {
    workspaceId: e.workspace.id,
    giver: e.reactor.external_id,
    recipients: t.kind === 'pileon' ? t.parent.recipients.map((r) => r.externalId) : [t.author],
    message: '',
    values: t.kind === 'pileon' ? t.parent.values.map((v) => v.slug) : t.valueSlugs,
    source: e.source ?? (t.kind === 'pileon' ? 'pileon' : 'reaction'),
    // One kudos per event (the ledger adds a round suffix should that key be taken by a revoked one).
    sourceKey: `${group}@${e.eventTs}`,
    channelId: e.channelId,
    messageTs: e.messageTs,
    permalink: t.kind === 'pileon' ? t.parent.permalink : t.permalink,
    emoji: e.emoji,
    parentId: t.kind === 'pileon' ? t.parent.id : null,
    reactionGroup: group,
    messageOptional: true,
    notifyBatchMs: e.notifyBatchMs ?? null,
  };
}
