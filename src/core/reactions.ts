import type { PersonRow, WorkspaceRow } from '../db/schema';
import { loadGiveContext, type GiveContextRows } from '../db/queries/give-context';
import { findKudosById, loadKudosViews } from '../db/queries/kudos';
import { firstNotice } from '../db/queries/notices';
import { activePileOnNames, applyReactionWrite, findKudosByPost } from '../db/queries/reactions';
import { allowanceRefusal, planGive, plannedView, type CoreDeps } from './give';
import { DirectoryUnavailableError, resolvePeople, type Resolved } from './people';
import type { UseCaseDeps } from './ports';
import { congratulateOnThreeNotes } from './publish';
import type { Refusal } from './refusals';
import { settingsFromRows } from './settings';
import { localDay, safeZone } from './time';
import type { GiveRequest, KudosSource, KudosView } from './types';

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
 * applies it to the register and makes the group's kudos match (see src/db/ledger/kudos_apply_reaction.sql).
 *
 * Callers process events that are stored durably before they were acknowledged (the inbox), and applying
 * one again changes nothing: so this commit does not wait for the disk. If the server stops first, the event
 * is not marked processed either (that mark comes later in the write-ahead log) and is applied again.
 */
export async function applyReaction(deps: CoreDeps, e: ReactionEvent, preloaded?: GiveContextRows): Promise<ReactionOutcome> {
  const group = reactionGroup(e, e.reactor.external_id);
  const plan = await planGive(deps, e.workspace, giveRequest(e, group), preloaded);
  const outcome = await applyReactionWrite(deps.db, {
    key: { workspaceId: e.workspace.id, channelId: e.channelId, messageTs: e.messageTs, reactor: e.reactor.external_id, emoji: e.emoji },
    eventTs: e.eventTs,
    present: e.added,
    group,
    anyEmoji: e.target.kind === 'pileon',
    reactorId: e.reactor.id,
    give: plan.status === 'planned' ? plan.record : null,
    at: deps.clock(),
  });
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

/** One reaction as a platform reports it, translated to platform ids. */
export interface ReactionInput {
  workspace: WorkspaceRow;
  /** The reacting person's platform id. */
  reactor: string;
  /** The reaction without skin tone (`thumbsup`, Teams' `like`). */
  emoji: string;
  channelId: string;
  messageTs: string;
  eventTs: string;
  added: boolean;
  /**
   * What was reacted to: a person's message (thanks to its author, if the emoji means thanks), or one of the
   * bot's own posts (a pile-on when it is a kudos post; `kudosId` when the platform already knows which).
   */
  on: { kind: 'message'; author: string; permalink: string | null } | { kind: 'post'; kudosId?: number };
  /** The ledger source of a pile-on (Teams records 'teams_pileon'). */
  source?: KudosSource;
  /** Recipients' DMs for reaction kudos go out together within this window (null: no DMs on this platform). */
  notifyBatchMs?: number | null;
}

export type ReactOutcome =
  /** Not a kudos at all (another emoji, a bot, one's own message or kudos): nothing recorded, nothing said. */
  | { status: 'ignored' }
  | (ReactionOutcome & { involved: string[]; parent?: KudosView });

/**
 * The react use case, whole: decides whether a reaction is a kudos at all (the emoji, who reacted to whom, a
 * pile-on on a kudos post), applies it to the ledger exactly once, then does what follows: the giver's
 * Customer Service Week congratulation, a pile-on shown on its post, and, once a day, a note to a reactor whose
 * allowance is used up. Everything that is not a kudos is ignored silently.
 */
export async function react(deps: UseCaseDeps, r: ReactionInput): Promise<ReactOutcome> {
  const ws = r.workspace;
  let parent: KudosView | undefined;
  if (r.on.kind === 'post') {
    const post = r.on.kudosId !== undefined ? await findKudosById(deps.db, ws.id, r.on.kudosId) : await findKudosByPost(deps.db, ws.id, r.channelId, r.messageTs);
    if (post && !post.revoked_at) [parent] = await loadKudosViews(deps.db, ws.id, [post.id]);
  }
  const aim = reactionAim(r, parent);
  if (aim.kind === 'ignore') return { status: 'ignored' };
  const involved = aim.kind === 'pileon' ? [r.reactor, ...aim.parent.recipients.map((p) => p.externalId)] : [r.reactor, aim.author];

  // Settings, values and the people involved in one round trip, handed on to the give.
  const context = await loadGiveContext(deps.db, ws.id, involved);
  let target: ReactionTarget;
  if (aim.kind === 'pileon') {
    target = { kind: 'pileon', parent: aim.parent };
  } else {
    const valueSlugs = thanksEmoji(r.emoji, context.values, settingsFromRows(context.settings).settings.reactionEmoji);
    if (!valueSlugs) return { status: 'ignored' };
    target = { kind: 'message', author: aim.author, permalink: aim.permalink, valueSlugs };
  }
  const now = deps.clock();
  const people = await resolvePeople(deps.db, deps.directory, ws, involved, now, context.people, [r.reactor]);
  // Someone the platform could not be asked about may be a bot: the event fails and is handled again later.
  const unavailable = [...people].flatMap(([id, p]) => (!p.found && p.unavailable ? [id] : []));
  if (unavailable.length) throw new DirectoryUnavailableError(unavailable);
  const reactor = people.get(r.reactor);
  const author = target.kind === 'message' ? people.get(target.author) : undefined;
  if (!canThank(reactor) || (target.kind === 'message' && !canThank(author)) || !reactor?.found) return { status: 'ignored' };
  const known = [...people.values()].flatMap((p) => (p.found ? [p.person] : []));

  const outcome = await applyReaction(
    deps,
    {
      workspace: ws,
      reactor: reactor.person,
      emoji: r.emoji,
      channelId: r.channelId,
      messageTs: r.messageTs,
      eventTs: r.eventTs,
      added: r.added,
      target,
      source: r.source,
      notifyBatchMs: r.notifyBatchMs ?? undefined,
    },
    { ...context, people: known },
  );
  if (outcome.status === 'given') await congratulateOnThreeNotes(deps, ws, outcome.kudos, reactor.person);
  if (parent && (outcome.status === 'given' || outcome.status === 'revoked') && deps.notifier.showPileOns) {
    await deps.notifier.showPileOns(ws, parent, await activePileOnNames(deps.db, ws.id, parent.id)).catch(() => false);
  }
  if (outcome.status === 'refused') await noteAllowanceOnceADay(deps, ws, reactor.person, r.channelId, outcome.refusals, parent);
  return { ...outcome, involved, parent };
}

/** What a reaction aims at, by the rules that need no lookup of people. */
export type ReactionAim =
  | { kind: 'ignore'; why: 'own_message' | 'not_a_kudos_post' | 'own_kudos' }
  | { kind: 'pileon'; parent: KudosView }
  | { kind: 'message'; author: string; permalink: string | null };

/**
 * The first rules of a reaction: on a person's message it thanks the author (never oneself); on the bot's post
 * it is a pile-on only when the post is a kudos still standing (`parent`), and not by that kudos' own giver.
 */
export function reactionAim(r: Pick<ReactionInput, 'reactor' | 'on'>, parent: KudosView | undefined): ReactionAim {
  if (r.on.kind === 'message') {
    return r.on.author === r.reactor ? { kind: 'ignore', why: 'own_message' } : { kind: 'message', author: r.on.author, permalink: r.on.permalink };
  }
  if (!parent || parent.revokedAt) return { kind: 'ignore', why: 'not_a_kudos_post' };
  return parent.giver.externalId === r.reactor ? { kind: 'ignore', why: 'own_kudos' } : { kind: 'pileon', parent };
}

/**
 * Whether an emoji on a message means thanks: a value's emoji (the kudos then carries those values) or one of
 * the workspace's thank-you reactions. Null when it is any other emoji.
 */
export function thanksEmoji(emoji: string, values: ReadonlyArray<{ slug: string; emoji: string }>, reactionEmoji: readonly string[]): string[] | null {
  const valueSlugs = values.filter((v) => v.emoji === emoji).map((v) => v.slug);
  return valueSlugs.length || reactionEmoji.includes(emoji) ? valueSlugs : null;
}

/** People who can take part in a reaction kudos: known to the platform, not a bot, not deactivated. */
export function canThank(p: Resolved | undefined): boolean {
  return !!p?.found && !p.person.is_bot && !p.person.is_deleted;
}

/** Tells a reactor, once per local day, that their reactions stopped counting (the allowance is used up). */
async function noteAllowanceOnceADay(
  deps: UseCaseDeps,
  ws: WorkspaceRow,
  reactor: PersonRow,
  channelId: string,
  refusals: Refusal[],
  parent: KudosView | undefined,
): Promise<void> {
  const refusal = refusals.find((x): x is Extract<Refusal, { code: 'allowance' }> => x.code === 'allowance');
  if (!refusal) return;
  const day = localDay(deps.clock(), safeZone(reactor.time_zone, ws.time_zone));
  if (!(await firstNotice(deps.db, { workspaceId: ws.id, personId: reactor.id, kind: 'reaction_allowance', period: day }))) return;
  const names = new Map((parent?.recipients ?? []).map((p) => [p.externalId, p.displayName]));
  await deps.notifier.sendNote(ws, reactor, { kind: 'reaction_allowance', refusal, channelId, names }).catch(() => 'retry');
}
