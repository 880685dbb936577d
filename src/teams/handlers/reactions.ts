import { recordTeamOfGive } from '../../core/cross-team';
import { react } from '../../core/reactions';
import { findKudosByCard } from '../../db/queries/teams';
import type { KudosRow } from '../../db/schema';
import { conversationBase } from '../activity';
import type { TeamsContext, Turn } from '../context';
import { teamHere } from './message';

/**
 * A reaction on one of the bot's messages (Teams delivers no others). On a kudos card it is a pile-on: the
 * reactor's own +1 to the same recipients, one per person per card whatever the reaction; taking the last
 * reaction away reverses it. This only finds the kudos the card shows and hands each reaction to the core's
 * react use case, which applies the rules, orders each person's events by the activity's timestamp (so
 * re-deliveries and out-of-order add/remove converge), redraws the card and tells a reactor out of allowance.
 */
export async function onMessageReaction(ctx: TeamsContext, turn: Turn): Promise<void> {
  const a = turn.tc.activity;
  const cardId = a.replyToId;
  if (!cardId || !turn.sender) return;
  // Another of the bot's messages (a digest, a help card) is not a kudos card.
  const parent = pickParent(await findKudosByCard(ctx.db, turn.ws.id, cardId), a.conversation.id);
  if (!parent) return;

  const at = a.timestamp ? new Date(a.timestamp) : ctx.clock();
  const events = [
    ...(a.reactionsAdded ?? []).map((r) => ({ emoji: String(r.type), added: true })),
    ...(a.reactionsRemoved ?? []).map((r) => ({ emoji: String(r.type), added: false })),
  ];
  for (const e of events) {
    const out = await react(turn.core, {
      workspace: turn.ws,
      reactor: turn.sender.external_id,
      emoji: e.emoji,
      // The card's conversation without the thread suffix: one card, whichever way the reaction names it.
      channelId: conversationBase(a.conversation.id),
      messageTs: cardId,
      eventTs: (at.getTime() / 1000).toFixed(3),
      added: e.added,
      on: { kind: 'post', kudosId: parent.id },
      source: 'teams_pileon',
    });
    // A pile-on in a team's channel counts its reactor in that team, like a kudos given there.
    if (out.status === 'given') await recordTeamOfGive(ctx.db, turn.ws.id, teamHere(turn), [out.kudos.giver.id, ...out.kudos.recipients.map((r) => r.id)]);
  }
}

/** The kudos whose card this is; card ids are unique per conversation, so the conversation decides a tie. */
function pickParent(candidates: KudosRow[], conversationId: string): KudosRow | undefined {
  const base = conversationBase(conversationId);
  return candidates.find((k) => k.post_channel_id && conversationBase(k.post_channel_id) === base) ?? (candidates.length === 1 ? candidates[0] : undefined);
}
