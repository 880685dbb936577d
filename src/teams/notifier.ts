import type { Activity, TurnContext } from 'botbuilder';
import { threeNotesCompletedText } from '../core/campaign-copy';
import type { LiveReply, Note, Notifier, PostAttempt, PostPlace, SendResult } from '../core/ports';
import type { KudosView } from '../core/types';
import type { PersonRow, WorkspaceRow } from '../db/schema';
import { boldToMarkdown, cardAttachment } from './cards/common';
import { kudosCard, kudosSummary } from './cards/kudos-card';
import { kudosDmMessage, reactionAllowanceMessage } from './cards/messages';
import { connectorAnswer, errorCode, referenceFor, retryAfterSec, sendPrivately, sendProactive } from './conversations';
import type { TeamsContext } from './context';

/**
 * The core's notifier on Teams. Kudos cards go proactively into the place's conversation through the reference
 * stored when the bot last heard from it (a channel thread is the channel's conversation id with
 * `;messageid=<root>`), so the same code serves a live turn and the timers' sweep; the turn a kudos came in is
 * the fallback. Private messages go to the person's personal chat with the bot.
 *
 * The Bot Connector gives a bot no way to read a conversation's messages, so a post interrupted before its id
 * was recorded cannot be looked for: findKudosPost says so (undefined) and the core reports it rather than
 * posting it twice.
 */
export class TeamsNotifier implements Notifier {
  constructor(private readonly ctx: TeamsContext) {}

  async postKudos(ws: WorkspaceRow, kudos: KudosView, place: PostPlace, live?: LiveReply): Promise<PostAttempt> {
    const conversationId = place.channelId;
    const viaLive = async (reason: string): Promise<PostAttempt> => {
      if (!live) return { status: 'failed', channelId: conversationId, reason };
      const r = await live.post(kudos);
      // Not posted either way: for the reason the place could not be used.
      return r.status === 'failed' ? { status: 'failed', channelId: conversationId, reason } : r;
    };
    if (!conversationId) return viaLive('no_place');
    const ref = await referenceFor(this.ctx, ws, conversationId);
    if (!ref) return viaLive('not_in_conversation');
    let id: string | undefined;
    try {
      id = await sendProactive(this.ctx, ref, kudosActivity(kudos));
    } catch (err) {
      const answer = connectorAnswer(err);
      if (answer === 'transient') return later(conversationId, err);
      if (answer === 'permanent') {
        this.ctx.logger.info({ kudosId: kudos.id, code: errorCode(err) }, 'kudos card not accepted in its place');
        return viaLive(errorCode(err));
      }
      // No answer, or a server error: the card may be there. The core leaves the claim to be reported.
      throw err;
    }
    if (!id) throw new Error('the connector answered without an activity id');
    return { status: 'posted', channelId: conversationId, ts: id };
  }

  async findKudosPost(): Promise<undefined> {
    return undefined;
  }

  updateKudosPost(ws: WorkspaceRow, kudos: KudosView, pileOnNames: readonly string[]): Promise<boolean> {
    return this.redraw(ws, kudos, pileOnNames);
  }

  showPileOns(ws: WorkspaceRow, kudos: KudosView, names: string[]): Promise<boolean> {
    return this.redraw(ws, kudos, names);
  }

  sendKudosDm(ws: WorkspaceRow, recipient: PersonRow, kudos: KudosView[]): Promise<SendResult> {
    return sendPrivately(this.ctx, ws, recipient, { type: 'message', text: kudosDmMessage(kudos) });
  }

  sendNote(ws: WorkspaceRow, person: PersonRow, note: Note): Promise<SendResult> {
    switch (note.kind) {
      case 'three_notes':
        return sendPrivately(this.ctx, ws, person, { type: 'message', text: boldToMarkdown(threeNotesCompletedText()) });
      case 'reaction_allowance':
        return sendPrivately(this.ctx, ws, person, { type: 'message', text: reactionAllowanceMessage(note.refusal, note.names) });
    }
  }

  /** Redraws a kudos card in its conversation (withdrawn, or who joined in); false when it could not be updated. */
  private async redraw(ws: WorkspaceRow, kudos: KudosView, pileOnNames: readonly string[]): Promise<boolean> {
    const conversationId = kudos.postChannelId;
    if (!conversationId || !kudos.postTs) return false;
    const ref = await referenceFor(this.ctx, ws, conversationId);
    if (!ref) return false;
    const activity = { ...kudosActivity(kudos, pileOnNames), id: kudos.postTs };
    try {
      await this.ctx.adapter.proactive(ref, async (tc) => {
        await tc.updateActivity(activity);
      });
      return true;
    } catch (err) {
      this.ctx.logger.warn({ kudosId: kudos.id, code: errorCode(err) }, 'could not update a kudos card');
      return false;
    }
  }
}

/** A kudos card as a message. */
export function kudosActivity(k: KudosView, pileOnNames: readonly string[] = []): Partial<Activity> {
  return { type: 'message', summary: kudosSummary(k), attachments: [cardAttachment(kudosCard(k, pileOnNames))] };
}

/**
 * The live answer of a Teams turn: the card as a reply in the conversation the kudos came from. The core uses
 * it when the place itself cannot be posted in (no stored reference, or the connector refused).
 */
export function turnReply(tc: TurnContext): LiveReply {
  const conversationId = tc.activity.conversation.id;
  return {
    async post(kudos) {
      try {
        const res = await tc.sendActivity(kudosActivity(kudos));
        if (!res?.id) throw new Error('the connector answered without an activity id');
        return { status: 'posted', channelId: conversationId, ts: res.id };
      } catch (err) {
        const answer = connectorAnswer(err);
        if (answer === 'transient') return later(conversationId, err);
        if (answer === 'permanent') return { status: 'failed', channelId: conversationId, reason: errorCode(err) };
        throw err;
      }
    },
  };
}

/** Live answers tried in order until one posts (or is told to wait). */
export function firstThatPosts(replies: LiveReply[]): LiveReply {
  return {
    async post(kudos) {
      let last: PostAttempt = { status: 'failed', channelId: null, reason: 'no_place' };
      for (const reply of replies) {
        last = await reply.post(kudos);
        if (last.status !== 'failed') return last;
      }
      return last;
    },
  };
}

function later(conversationId: string, err: unknown): PostAttempt {
  return { status: 'later', channelId: conversationId, afterMs: (retryAfterSec(err) ?? 30) * 1000, reason: errorCode(err) };
}
