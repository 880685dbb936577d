import { request } from 'undici';
import { claimPost, setPost } from '../db/queries/kudos';
import type { KudosView } from '../core/types';
import type { PersonRow } from '../db/schema';
import { SlackCallError } from './api';
import { KUDOS_POST_EVENT, kudosPostBlocks, kudosPostText, recipientDmBlocks, recipientDmText } from './blocks/kudos-post';
import type { SlackContext } from './context';

export interface DeliveryTarget {
  /** Where to post (the kudos channel when configured, else where the thanks happened). */
  channelId: string | null;
  threadTs?: string | null;
  /** A one-time link from the command or the modal, for channels the bot cannot post in. */
  responseUrl?: string | null;
}

export type DeliveryOutcome =
  | { status: 'posted'; channelId: string; ts: string }
  /** Someone else (the request or the sweeper) is posting it. */
  | { status: 'claimed_elsewhere' }
  | { status: 'fallback'; channelId: string | null; reason: string }
  | { status: 'failed'; channelId: string | null; reason: string };

type Attempt = Exclude<DeliveryOutcome, { status: 'claimed_elsewhere' }>;

const NOT_A_MEMBER = new Set(['not_in_channel', 'channel_not_found', 'method_not_supported_for_channel_type']);

/**
 * Posts a recorded kudos. The kudos is already safe in the ledger, so every failure here ends in a status on
 * the kudos and a sentence for the giver, never in a lost kudos: not a member of a public channel → join and
 * post; a private channel or DM → post through the response_url; anything else → recorded as failed.
 */
export async function postKudos(ctx: SlackContext, kudos: KudosView, target: DeliveryTarget): Promise<DeliveryOutcome> {
  const ws = ctx.workspace();
  const channel = target.channelId;
  // The giver's and the recipients' App Homes now show other numbers (refreshed once, a little later).
  ctx.homes?.touch([kudos.giver.externalId, ...kudos.recipients.map((r) => r.externalId)]);
  if (!(await claimPost(ctx.db, ws.id, kudos.id))) return { status: 'claimed_elsewhere' };
  const outcome = await attempt();
  await setPost(ctx.db, ws.id, kudos.id, {
    status: outcome.status,
    channelId: outcome.channelId,
    ts: outcome.status === 'posted' ? outcome.ts : null,
  });
  if (outcome.status !== 'posted') ctx.logger.warn({ kudosId: kudos.id, status: outcome.status, reason: outcome.reason }, 'kudos not posted normally');
  return outcome;

  async function attempt(): Promise<Attempt> {
    if (!channel) return viaResponseUrl('no_channel');
    try {
      return await post(channel);
    } catch (err) {
      const code = err instanceof SlackCallError ? err.code : 'unknown_error';
      if (code === 'not_in_channel' && channel.startsWith('C')) {
        try {
          await ctx.api.call('conversations.join', { channel });
          return await post(channel);
        } catch (joinErr) {
          const joinCode = joinErr instanceof SlackCallError ? joinErr.code : 'unknown_error';
          ctx.logger.info({ channel, code: joinCode }, 'could not join the channel to post a kudos');
          return viaResponseUrl(code);
        }
      }
      if (NOT_A_MEMBER.has(code) || code === 'is_archived') return viaResponseUrl(code);
      return { status: 'failed', channelId: channel, reason: code };
    }
  }

  async function post(ch: string): Promise<Attempt> {
    const res = await ctx.api.postMessage({
      channel: ch,
      text: kudosPostText(kudos),
      blocks: kudosPostBlocks(kudos),
      unfurl_links: false,
      ...(target.threadTs ? { thread_ts: target.threadTs } : {}),
      metadata: { event_type: KUDOS_POST_EVENT, event_payload: { kudos_id: kudos.id } },
    });
    return { status: 'posted', channelId: res.channel ?? ch, ts: String(res.ts) };
  }

  async function viaResponseUrl(reason: string): Promise<Attempt> {
    if (!target.responseUrl) return { status: 'failed', channelId: channel, reason };
    try {
      await respondTo(target.responseUrl, { response_type: 'in_channel', text: kudosPostText(kudos), blocks: kudosPostBlocks(kudos) });
      return { status: 'fallback', channelId: channel, reason };
    } catch (err) {
      ctx.logger.warn({ err: String(err) }, 'response_url post failed');
      return { status: 'failed', channelId: channel, reason };
    }
  }
}

/** What the giver is told when the post did not go out normally; null when all is well. */
export function deliveryNotice(outcome: DeliveryOutcome): string | null {
  if (outcome.status === 'posted' || outcome.status === 'claimed_elsewhere') return null;
  const where = outcome.channelId ? `<#${outcome.channelId}>` : 'this conversation';
  if (outcome.status === 'fallback') {
    return `:information_source: Your kudos is posted, but I'm not a member of ${where}, so people can't add their thanks with a reaction. Invite me with \`/invite @Kudos\` to fix that.`;
  }
  const why =
    outcome.reason === 'ratelimited'
      ? 'Slack asked me to slow down'
      : outcome.reason === 'is_archived'
        ? 'that channel is archived'
        : NOT_A_MEMBER.has(outcome.reason)
          ? "I'm not a member there"
          : 'Slack could not be reached';
  return `:warning: Your kudos is recorded and counts, but I couldn't post it in ${where} (${why}). Invite me with \`/invite @Kudos\`, or ask an admin to check the kudos channel.`;
}

/** DMs each recipient who has not turned DMs off. Failures (a deactivated account, …) are logged and skipped. */
export async function notifyRecipients(ctx: SlackContext, kudos: KudosView, people: PersonRow[], where: string | null): Promise<number> {
  let sent = 0;
  for (const p of people) {
    if (!p.dm_enabled || p.is_deleted || p.is_bot) continue;
    try {
      await ctx.api.postMessage({ channel: p.external_id, text: recipientDmText(kudos), blocks: recipientDmBlocks(kudos, where) });
      sent++;
    } catch (err) {
      ctx.logger.info({ code: err instanceof SlackCallError ? err.code : String(err), kudosId: kudos.id }, 'recipient DM not sent');
    }
  }
  return sent;
}

/** POSTs to a response_url (slash command or modal) with JSON, as Slack expects. */
export async function respondTo(url: string, body: Record<string, unknown>): Promise<void> {
  const res = await request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  await res.body.dump();
  if (res.statusCode < 200 || res.statusCode >= 300) throw new Error(`response_url answered ${res.statusCode}`);
}
