import type { Activity, TurnContext } from 'botbuilder';
import type { KudosView } from '../core/types';
import { claimPost, loadKudosViews, setPost } from '../db/queries/kudos';
import { activePileOnNames } from '../db/queries/reactions';
import { findConversationRef } from '../db/queries/teams';
import type { WorkspaceRow } from '../db/schema';
import { conversationBase, referenceTo } from './activity';
import { cardAttachment } from './cards/common';
import { kudosCard, kudosSummary } from './cards/kudos-card';
import { errorCode, sendProactive, storedReference } from './conversations';
import type { TeamsContext } from './context';

export type CardTarget = { kind: 'here'; tc: TurnContext } | { kind: 'channel'; channelId: string };

export type CardOutcome =
  | { status: 'posted'; conversationId: string; activityId: string }
  | { status: 'failed'; reason: string }
  /** Someone else is posting (or has posted) this kudos: a re-delivery, or the request that recorded it. */
  | { status: 'claimed_elsewhere' };

export function kudosActivity(k: KudosView, pileOnNames: string[] = []): Partial<Activity> {
  return { type: 'message', summary: kudosSummary(k), attachments: [cardAttachment(kudosCard(k, pileOnNames))] };
}

/**
 * Posts a recorded kudos as a card, in the first of `targets` that takes it, and stores where (conversation id
 * + the card's activity id), so reactions on the card find the kudos. The kudos already counts: a failure ends
 * in a status on it and a note for the giver. Only the caller that moves the kudos from pending to posting
 * posts it, so a kudos recorded just before a crash is posted when its activity is handled again, never twice.
 */
export async function postKudosCard(ctx: TeamsContext, ws: WorkspaceRow, kudos: KudosView, targets: CardTarget[]): Promise<CardOutcome> {
  if (!(await claimPost(ctx.db, ws.id, kudos.id))) return { status: 'claimed_elsewhere' };
  let outcome: Exclude<CardOutcome, { status: 'claimed_elsewhere' }> = { status: 'failed', reason: 'no_target' };
  for (const target of targets) {
    outcome = await postTo(ctx, ws, kudos, target);
    if (outcome.status === 'posted') break;
    ctx.logger.warn({ kudosId: kudos.id, target: target.kind, reason: outcome.reason }, 'kudos card not posted there');
  }
  await setPost(ctx.db, ws.id, kudos.id, {
    status: outcome.status,
    channelId: outcome.status === 'posted' ? outcome.conversationId : null,
    ts: outcome.status === 'posted' ? outcome.activityId : null,
  });
  return outcome;
}

async function postTo(ctx: TeamsContext, ws: WorkspaceRow, kudos: KudosView, target: CardTarget): Promise<Exclude<CardOutcome, { status: 'claimed_elsewhere' }>> {
  try {
    if (target.kind === 'here') {
      const res = await target.tc.sendActivity(kudosActivity(kudos));
      return res?.id ? { status: 'posted', conversationId: target.tc.activity.conversation.id, activityId: res.id } : { status: 'failed', reason: 'no activity id' };
    }
    const ref = await findConversationRef(ctx.db, ws.id, target.channelId);
    if (!ref) return { status: 'failed', reason: 'channel_unknown' };
    const id = await sendProactive(ctx, storedReference(ref), kudosActivity(kudos));
    return id ? { status: 'posted', conversationId: ref.conversation_id, activityId: id } : { status: 'failed', reason: 'no activity id' };
  } catch (err) {
    return { status: 'failed', reason: errorCode(err) };
  }
}

/** What the giver is told when the card did not go out; null when all is well. */
export function cardNotice(outcome: CardOutcome): string | null {
  if (outcome.status !== 'failed') return null;
  return outcome.reason === 'channel_unknown'
    ? "⚠️ Your kudos is recorded and counts, but I couldn't post it: I haven't been added to the kudos channel. Ask an admin to add me to its team."
    : "⚠️ Your kudos is recorded and counts, but I couldn't post its card here. Add me to this team or chat, or ask an admin to set a kudos channel.";
}

/**
 * Redraws a kudos card (withdrawn, or who joined in). In the card's own conversation the current turn is used;
 * otherwise the stored reference for that conversation. Returns false when the card could not be updated.
 */
export async function updateKudosCard(ctx: TeamsContext, ws: WorkspaceRow, kudosId: number, tc?: TurnContext): Promise<boolean> {
  const [kudos] = await loadKudosViews(ctx.db, ws.id, [kudosId]);
  if (!kudos?.postChannelId || !kudos.postTs) return false;
  const names = kudos.revokedAt ? [] : await activePileOnNames(ctx.db, ws.id, kudos.id);
  const activity = { ...kudosActivity(kudos, names), id: kudos.postTs };
  const conversationId = kudos.postChannelId;
  try {
    if (tc && conversationBase(tc.activity.conversation.id) === conversationBase(conversationId)) {
      await tc.updateActivity(activity);
      return true;
    }
    const ref = await findConversationRef(ctx.db, ws.id, conversationBase(conversationId));
    if (!ref) return false;
    await ctx.adapter.proactive(referenceTo(storedReference(ref), conversationId), async (c) => {
      await c.updateActivity(activity);
    });
    return true;
  } catch (err) {
    ctx.logger.warn({ kudosId, code: errorCode(err) }, 'could not update a kudos card');
    return false;
  }
}
