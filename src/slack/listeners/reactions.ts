import type { App } from '@slack/bolt';
import { resolvePeople } from '../../core/people';
import { applyReaction, type ReactionTarget } from '../../core/reactions';
import { refusalText } from '../../core/refusals';
import type { InboxDelivery } from '../../core/types';
import { settingsFromRows } from '../../core/settings';
import { localDay, safeZone } from '../../core/time';
import { DM_BATCH_WINDOW_MS } from '../../db/queries/dm-outbox';
import { loadGiveContext } from '../../db/queries/give-context';
import { loadKudosViews } from '../../db/queries/kudos';
import { firstNotice } from '../../db/queries/notices';
import { findKudosByPost } from '../../db/queries/reactions';
import { SlackCallError } from '../api';
import { deliveryOf } from '../delivery';
import { afterCampaignGive } from '../campaign';
import type { SlackContext } from '../context';
import { permalinkFor } from '../identity';
import { mention } from '../blocks/text';

interface ReactionEventPayload {
  type: 'reaction_added' | 'reaction_removed';
  user?: string;
  reaction?: string;
  item_user?: string;
  item?: { type?: string; channel?: string; ts?: string };
  event_ts?: string;
}

/** `thumbsup::skin-tone-3` is still `thumbsup`. */
export function baseEmoji(name: string): string {
  return name.split('::')[0];
}

/**
 * Reactions become kudos on the ledger (core/reactions.ts). Everything that is not a kudos is ignored
 * silently: other emoji, files, DMs with the bot, bots reacting or reacted to, authors Slack does not name,
 * and the bot's posts that are not kudos (digests, reminders).
 */
export function register(app: App, ctx: SlackContext): void {
  // Reactions are most of what Slack sends. Bolt offers each event to every listener's matchers in turn; this
  // global middleware (it runs after Bolt's own, such as ignoring the bot's own events) takes reactions to their
  // handler at once, and their dispatch ends there.
  app.use(async ({ body, context, next }) => {
    const ev = reactionEvent(body);
    if (!ev) return next();
    await onReaction(ctx, ev, ev.type === 'reaction_added', deliveryOf(context));
  });
}

function reactionEvent(body: unknown): ReactionEventPayload | undefined {
  const b = body as { type?: unknown; event?: { type?: unknown } };
  if (b.type !== 'event_callback' || !b.event) return undefined;
  return b.event.type === 'reaction_added' || b.event.type === 'reaction_removed' ? (b.event as ReactionEventPayload) : undefined;
}

async function onReaction(ctx: SlackContext, ev: ReactionEventPayload, added: boolean, delivery: InboxDelivery | undefined): Promise<void> {
  const channel = ev.item?.channel;
  const ts = ev.item?.ts;
  const reactor = ev.user;
  const author = ev.item_user;
  if (ev.item?.type !== 'message' || !channel || !ts || !reactor || !ev.reaction || !ev.event_ts) return;
  // A DM with the bot is not a place for public thanks; and an author Slack does not name cannot be thanked.
  if (channel.startsWith('D') || !author || author === reactor) return;
  if (!/^\d+(\.\d+)?$/.test(ev.event_ts)) return;
  const ws = ctx.workspace();
  const emoji = baseEmoji(ev.reaction);
  const now = ctx.clock();

  let target: ReactionTarget;
  let involved: string[];
  if (author === ctx.botUserId()) {
    const post = await findKudosByPost(ctx.db, ws.id, channel, ts);
    if (!post || post.revoked_at) return;
    const [parent] = await loadKudosViews(ctx.db, ws.id, [post.id]);
    // The giver reacting to their own kudos post adds nothing.
    if (!parent || parent.giver.externalId === reactor) return;
    target = { kind: 'pileon', parent };
    involved = [reactor, ...parent.recipients.map((r) => r.externalId)];
  } else {
    target = { kind: 'message', author, permalink: permalinkFor(ctx.identity(), channel, ts), valueSlugs: [] };
    involved = [reactor, author];
  }

  // Settings, values and the people involved in one round trip, handed on to the give.
  const context = await loadGiveContext(ctx.db, ws.id, involved);
  if (target.kind === 'message') {
    const valueSlugs = context.values.filter((v) => v.emoji === emoji).map((v) => v.slug);
    if (!valueSlugs.length && !settingsFromRows(context.settings).settings.reactionEmoji.includes(emoji)) return;
    target.valueSlugs = valueSlugs;
  }
  const people = await resolvePeople(ctx.db, ctx.directory, ws, involved, now, context.people);
  const giver = people.get(reactor);
  if (!giver?.found || giver.person.is_bot || giver.person.is_deleted) return;
  if (target.kind === 'message') {
    const a = people.get(author);
    if (!a?.found || a.person.is_bot || a.person.is_deleted) return;
  }
  const known = [...people.values()].flatMap((r) => (r.found ? [r.person] : []));

  const outcome = await applyReaction(
    ctx.core(),
    { workspace: ws, reactor: giver.person, emoji, channelId: channel, messageTs: ts, eventTs: ev.event_ts, added, target, notifyBatchMs: DM_BATCH_WINDOW_MS, delivery },
    { ...context, people: known },
  );
  if (outcome.status === 'given' || outcome.status === 'revoked') ctx.homes?.touch(involved);
  if (outcome.status === 'given') {
    // The recipients' DMs were queued with the kudos itself (batched over DM_BATCH_WINDOW_MS).
    afterCampaignGive(ctx, outcome.kudos, giver.person);
    return;
  }
  if (outcome.status === 'refused') {
    const allowance = outcome.refusals.find((r) => r.code === 'allowance');
    if (!allowance) return;
    // Once a day, not once per reaction.
    const day = localDay(now, safeZone(giver.person.time_zone, ws.time_zone));
    if (!(await firstNotice(ctx.db, { workspaceId: ws.id, personId: giver.person.id, kind: 'reaction_allowance', period: day }))) return;
    const text = `${refusalText(allowance, mention)} Reactions stop counting as kudos until then; your reactions still show.`;
    await ctx.api.call('chat.postEphemeral', { channel, user: reactor, text }).catch((err: unknown) => {
      ctx.logger.info({ code: err instanceof SlackCallError ? err.code : String(err) }, 'allowance notice not sent');
    });
  }
}
