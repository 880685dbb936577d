import type { App, types } from '@slack/bolt';
import { react, type ReactionInput } from '../../core/reactions';
import type { SlackContext } from '../context';
import { contextOf } from '../workspaces';
import { permalinkFor } from '../identity';

/** How long the first reaction kudos waits for company before its recipient is DMed (ten reactions, one DM). */
export const REACTION_DM_WINDOW_MS = 60_000;

/** `thumbsup::skin-tone-3` is still `thumbsup`. */
export function baseEmoji(name: string): string {
  return name.split('::')[0];
}

/**
 * Reactions become kudos through the core's react use case; this only translates Slack's event. What can never
 * be a kudos is dropped here without asking the core: files, DMs with the bot, an author Slack does not name.
 */
export function register(app: App): void {
  app.event('reaction_added', async ({ event, context }) => onReaction(contextOf(context), event, true));
  app.event('reaction_removed', async ({ event, context }) => onReaction(contextOf(context), event, false));
}

async function onReaction(ctx: SlackContext, ev: types.ReactionAddedEvent | types.ReactionRemovedEvent, added: boolean): Promise<void> {
  const input = translate(ctx, ev, added);
  if (!input) return;
  const outcome = await react(ctx.core(), input);
  if (outcome.status === 'given' || outcome.status === 'revoked') ctx.home.touch(outcome.involved);
}

/** The core's view of a Slack reaction event; undefined when it cannot be a kudos. */
export function translate(ctx: SlackContext, ev: types.ReactionAddedEvent | types.ReactionRemovedEvent, added: boolean): ReactionInput | undefined {
  const item = ev.item as { type?: string; channel?: string; ts?: string };
  const channel = item.channel;
  const ts = item.ts;
  const author = ev.item_user;
  if (item.type !== 'message' || !channel || !ts || !ev.user || !ev.reaction || !ev.event_ts) return undefined;
  // A DM with the bot is not a place for public thanks; and an author Slack does not name cannot be thanked.
  if (channel.startsWith('D') || !author) return undefined;
  if (!/^\d+(\.\d+)?$/.test(ev.event_ts)) return undefined;
  return {
    workspace: ctx.workspace(),
    reactor: ev.user,
    emoji: baseEmoji(ev.reaction),
    channelId: channel,
    messageTs: ts,
    eventTs: ev.event_ts,
    added,
    on: author === ctx.botUserId() ? { kind: 'post' } : { kind: 'message', author, permalink: permalinkFor(ctx.identity(), channel, ts) },
    notifyBatchMs: REACTION_DM_WINDOW_MS,
  };
}
