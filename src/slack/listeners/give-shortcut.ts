import type { App, MessageShortcut } from '@slack/bolt';
import { SlackCallError } from '../api';
import { contextOf } from '../workspaces';
import { permalinkFor } from '../identity';
import { openGiveModal } from './give-modal';

export const GIVE_SHORTCUT_CALLBACK = 'give_kudos_shortcut';

/**
 * "Give kudos" from a message's menu: the modal, prefilled with the message's author and a link to it. The
 * kudos is posted in that message's thread, or, when an admin set a kudos channel, in that channel with a link
 * to the message (core planPost decides; the form says which before it is sent).
 */
export function register(app: App): void {
  app.shortcut<MessageShortcut>({ callback_id: GIVE_SHORTCUT_CALLBACK, type: 'message_action' }, async ({ ack, shortcut, context }) => {
    const ctx = contextOf(context);
    await ack();
    const message = shortcut.message as { ts: string; thread_ts?: string; user?: string; bot_id?: string };
    const channelId = shortcut.channel.id;
    const author = message.user && !message.bot_id && message.user !== shortcut.user.id ? message.user : undefined;
    try {
      // The link to the message is built from the workspace's address; without one, Slack is asked for it.
      const permalink =
        permalinkFor(ctx.identity(), channelId, message.ts, message.thread_ts) ??
        (await ctx.api
          .call<{ ok: boolean; permalink?: string }>('chat.getPermalink', { channel: channelId, message_ts: message.ts })
          .then((r) => r.permalink ?? null)
          .catch(() => null));
      await openGiveModal(
        ctx,
        shortcut.trigger_id,
        {
          channelId,
          threadTs: message.thread_ts ?? message.ts,
          messageTs: message.ts,
          permalink,
          source: 'shortcut',
        },
        { initialRecipients: author ? [author] : [], lockChannel: true },
      );
    } catch (err) {
      ctx.logger.warn({ code: err instanceof SlackCallError ? err.code : String(err) }, 'could not open the give-kudos form from a shortcut');
      await ctx.api
        .call('chat.postEphemeral', { channel: channelId, user: shortcut.user.id, text: "I couldn't open the kudos form just now. Please try again." })
        .catch(() => undefined);
    }
  });
}
