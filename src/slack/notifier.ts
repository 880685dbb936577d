import { threeNotesCompletedText } from '../core/campaign-copy';
import type { LiveReply, Note, Notifier, PostAttempt, PostPlace, SendResult } from '../core/ports';
import { refusalText } from '../core/refusals';
import type { KudosView } from '../core/types';
import type { PersonRow, WorkspaceRow } from '../db/schema';
import type { Logger } from '../logger';
import { AUTH_FAILURES, NOT_A_MEMBER, SlackCallError, type SlackApi } from './api';
import { copySections } from './blocks/campaign';
import { batchedDmBlocks, batchedDmText, KUDOS_POST_EVENT, kudosPostBlocks, kudosPostText, recipientDmBlocks, recipientDmText } from './blocks/kudos-post';
import { mention } from './blocks/text';

/** Slack's answers to a DM that mean the person can never receive it (so it is not tried again). */
const PERMANENT_DM_FAILURES = new Set(['account_inactive', 'user_not_found', 'channel_not_found', 'cannot_dm_bot', 'user_disabled']);

/** How long a post waits before it is tried again when Slack refuses the token. */
const AUTH_RETRY_MS = 5 * 60_000;

/**
 * The core's notifier on Slack: kudos posts carry the kudos id in message metadata (so a post made by an
 * attempt that stopped before recording it is found again with one history call), DMs go to the person's id,
 * and a rate limit comes back to the core as "later" instead of being waited out here.
 */
export class SlackNotifier implements Notifier {
  constructor(private readonly deps: { api: SlackApi; logger: Logger }) {}

  async postKudos(_ws: WorkspaceRow, kudos: KudosView, place: PostPlace, live?: LiveReply): Promise<PostAttempt> {
    const channel = place.channelId;
    const viaLive = async (reason: string): Promise<PostAttempt> => {
      if (!live) return { status: 'failed', channelId: channel, reason };
      const r = await live.post(kudos);
      // Posted (or not) another way, for the reason the channel could not be used.
      return r.status === 'failed' || r.status === 'fallback' ? { status: r.status, channelId: channel, reason } : r;
    };
    if (!channel) return viaLive('no_channel');
    try {
      return await this.post(kudos, channel, place.threadTs ?? null);
    } catch (err) {
      const code = answeredCode(err);
      if (code === 'ratelimited') return later(channel, err);
      if (code === 'not_in_channel' && channel.startsWith('C')) {
        try {
          await this.deps.api.call('conversations.join', { channel });
          return await this.post(kudos, channel, place.threadTs ?? null);
        } catch (joinErr) {
          if (answeredCode(joinErr) === 'ratelimited') return later(channel, joinErr);
          this.deps.logger.info({ channel, code: answeredCode(joinErr) }, 'could not join the channel to post a kudos');
          return viaLive(code);
        }
      }
      if (NOT_A_MEMBER.has(code) || code === 'is_archived') return viaLive(code);
      // The token is refused: the post waits (it is tried again) until an admin fixes the install.
      if (AUTH_FAILURES.has(code)) return { status: 'later', channelId: channel, afterMs: AUTH_RETRY_MS, reason: code };
      return { status: 'failed', channelId: channel, reason: code };
    }
  }

  async findKudosPost(_ws: WorkspaceRow, kudos: KudosView, place: PostPlace, postedAfter: Date): Promise<{ channelId: string; ts: string } | null | undefined> {
    const channel = place.channelId;
    if (!channel) return null;
    type Listing = { messages?: Array<{ ts?: string; metadata?: { event_type?: string; event_payload?: { kudos_id?: unknown } } }>; has_more?: boolean };
    // One call, rarely made (only after a stop mid-post): the channel's messages since just before the kudos, or
    // the thread's replies when it went in a thread.
    const oldest = ((postedAfter.getTime() - 60_000) / 1000).toFixed(6);
    const res = place.threadTs
      ? await this.deps.api.call<Listing & { ok: boolean }>('conversations.replies', { channel, ts: place.threadTs, oldest, limit: 100, include_all_metadata: true })
      : await this.deps.api.call<Listing & { ok: boolean }>('conversations.history', { channel, oldest, limit: 15, include_all_metadata: true });
    const mine = (res.messages ?? []).find((m) => m.metadata?.event_type === KUDOS_POST_EVENT && Number(m.metadata.event_payload?.kudos_id) === kudos.id && m.ts);
    if (mine) return { channelId: channel, ts: String(mine.ts) };
    return res.has_more ? undefined : null;
  }

  async updateKudosPost(_ws: WorkspaceRow, kudos: KudosView): Promise<boolean> {
    if (!kudos.postChannelId || !kudos.postTs) return false;
    try {
      await this.deps.api.call('chat.update', { channel: kudos.postChannelId, ts: kudos.postTs, text: kudosPostText(kudos), blocks: kudosPostBlocks(kudos) });
      return true;
    } catch (err) {
      this.deps.logger.warn({ code: answeredCode(err), kudosId: kudos.id }, 'could not update a kudos post');
      return false;
    }
  }

  sendKudosDm(_ws: WorkspaceRow, recipient: PersonRow, kudos: KudosView[]): Promise<SendResult> {
    const [only] = kudos;
    // A single written kudos reads as itself; several (a burst of reactions) as one summary.
    const written = kudos.length === 1 && only.message !== '';
    const where = written && only.postChannelId ? `<#${only.postChannelId}>` : null;
    return this.dm(recipient.external_id, written ? recipientDmText(only) : batchedDmText(kudos), written ? recipientDmBlocks(only, where) : batchedDmBlocks(kudos));
  }

  async sendNote(_ws: WorkspaceRow, person: PersonRow, note: Note): Promise<SendResult> {
    switch (note.kind) {
      case 'three_notes': {
        const text = threeNotesCompletedText();
        return this.dm(person.external_id, text.replace(/\*/g, ''), copySections(text));
      }
      case 'reaction_allowance': {
        const text = `${refusalText(note.refusal, mention)} Reactions stop counting as kudos until then; your reactions still show.`;
        try {
          await this.deps.api.call('chat.postEphemeral', { channel: note.channelId, user: person.external_id, text });
          return 'sent';
        } catch (err) {
          this.deps.logger.info({ code: answeredCode(err) }, 'allowance notice not sent');
          return 'gone';
        }
      }
    }
  }

  private async post(kudos: KudosView, channel: string, threadTs: string | null): Promise<PostAttempt> {
    const res = await this.deps.api.call<{ ok: boolean; ts?: string; channel?: string }>(
      'chat.postMessage',
      {
        channel,
        text: kudosPostText(kudos),
        blocks: kudosPostBlocks(kudos),
        unfurl_links: false,
        ...(threadTs ? { thread_ts: threadTs } : {}),
        metadata: { event_type: KUDOS_POST_EVENT, event_payload: { kudos_id: kudos.id } },
      },
      { waitOnRateLimit: false },
    );
    return { status: 'posted', channelId: res.channel ?? channel, ts: String(res.ts) };
  }

  private async dm(userId: string, text: string, blocks: unknown[]): Promise<SendResult> {
    try {
      await this.deps.api.postMessage({ channel: userId, text, blocks });
      return 'sent';
    } catch (err) {
      const code = answeredCode(err);
      this.deps.logger.info({ code }, 'DM not sent');
      return PERMANENT_DM_FAILURES.has(code) ? 'gone' : 'retry';
    }
  }
}

/**
 * Slack's error code when Slack answered; a call that got no answer (the post may exist) is rethrown, so the
 * core leaves the claim to the sweep that looks for the post.
 */
function answeredCode(err: unknown): string {
  if (!(err instanceof SlackCallError)) throw err;
  if (err.code === 'network' || err.code.startsWith('http_5')) throw err;
  return err.code;
}

function later(channel: string, err: unknown): PostAttempt {
  const sec = err instanceof SlackCallError ? (err.retryAfterSec ?? 30) : 30;
  return { status: 'later', channelId: channel, afterMs: Math.max(1, sec) * 1000, reason: 'ratelimited' };
}

/** The live answer of a slash command or a form: its one-time response_url, posting in the channel it came from. */
export function responseUrlReply(api: SlackApi, url: string | null | undefined, channelId: string | null, logger: Logger): LiveReply | undefined {
  if (!url) return undefined;
  return {
    async post(kudos) {
      try {
        await api.respond(url, { response_type: 'in_channel', text: kudosPostText(kudos), blocks: kudosPostBlocks(kudos) });
        return { status: 'fallback', channelId, reason: 'response_url' };
      } catch (err) {
        logger.warn({ err: String(err) }, 'response_url post failed');
        return { status: 'failed', channelId, reason: 'response_url_failed' };
      }
    },
  };
}
