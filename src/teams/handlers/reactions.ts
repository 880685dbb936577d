import { applyReaction } from '../../core/reactions';
import { localDay, safeZone } from '../../core/time';
import { loadKudosViews } from '../../db/queries/kudos';
import { firstNotice } from '../../db/queries/notices';
import { findKudosByCard } from '../../db/queries/teams';
import type { KudosRow } from '../../db/schema';
import { conversationBase } from '../activity';
import { refusalMessage } from '../cards/messages';
import { tellPrivately } from '../conversations';
import type { TeamsContext, Turn } from '../context';
import { updateKudosCard } from '../deliver';

/**
 * A reaction on one of the bot's messages (Teams delivers no others). On a kudos card it is a pile-on: the
 * reactor's own +1 to the same recipients, one per person per card whatever the reaction; taking the last
 * reaction away reverses it. The core's reaction register orders each person's events by the activity's
 * timestamp, so re-deliveries and out-of-order add/remove converge on what they last did.
 */
export async function onMessageReaction(ctx: TeamsContext, turn: Turn): Promise<void> {
  const a = turn.tc.activity;
  const cardId = a.replyToId;
  const reactor = turn.sender;
  if (!cardId || !reactor || reactor.is_bot) return;
  const row = pickParent(await findKudosByCard(ctx.db, turn.ws.id, cardId), a.conversation.id);
  if (!row || row.revoked_at) return; // another of the bot's messages (a digest, a help card), or withdrawn
  const [parent] = await loadKudosViews(ctx.db, turn.ws.id, [row.id]);
  // The giver reacting to their own kudos adds nothing.
  if (!parent || parent.giver.externalId === reactor.external_id) return;

  const at = a.timestamp ? new Date(a.timestamp) : ctx.clock();
  const eventTs = (at.getTime() / 1000).toFixed(3);
  const events = [
    ...(a.reactionsAdded ?? []).map((r) => ({ emoji: String(r.type), added: true })),
    ...(a.reactionsRemoved ?? []).map((r) => ({ emoji: String(r.type), added: false })),
  ];
  let changed = false;
  for (const e of events) {
    const outcome = await applyReaction(turn.core, {
      workspace: turn.ws,
      reactor,
      emoji: e.emoji,
      // The card's conversation without the thread suffix: one card, whichever way the reaction names it.
      channelId: conversationBase(a.conversation.id),
      messageTs: cardId,
      eventTs,
      added: e.added,
      target: { kind: 'pileon', parent },
      source: 'teams_pileon',
    });
    if (outcome.status === 'given' || outcome.status === 'revoked') changed = true;
    if (outcome.status === 'refused') {
      const allowance = outcome.refusals.find((r) => r.code === 'allowance');
      // Once a day, not once per reaction.
      const day = localDay(ctx.clock(), safeZone(reactor.time_zone, turn.ws.time_zone));
      if (!allowance || !(await firstNotice(ctx.db, { workspaceId: turn.ws.id, personId: reactor.id, kind: 'reaction_allowance', period: day }))) continue;
      const names = new Map(parent.recipients.map((r) => [r.externalId, r.displayName]));
      await tellPrivately(ctx, turn, { type: 'message', text: refusalMessage([allowance], names, turn.botName) });
    }
  }
  if (changed) await updateKudosCard(ctx, turn.ws, parent.id, turn.tc);
}

/** The kudos whose card this is; card ids are unique per conversation, so the conversation decides a tie. */
function pickParent(candidates: KudosRow[], conversationId: string): KudosRow | undefined {
  const base = conversationBase(conversationId);
  return candidates.find((k) => k.post_channel_id && conversationBase(k.post_channel_id) === base) ?? (candidates.length === 1 ? candidates[0] : undefined);
}
