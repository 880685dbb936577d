import type { App, BlockAction } from '@slack/bolt';
import { SlackCallError } from '../api';
import { GIVE_BUTTON_ACTION } from '../blocks/digest';
import { contextOf } from '../workspaces';
import { openGiveModal } from './give-modal';

/** "Give kudos" buttons in the bot's own messages (the quiet-week digest): open the give-kudos form there. */
export function register(app: App): void {
  app.action<BlockAction>(GIVE_BUTTON_ACTION, async ({ ack, body, context }) => {
    const ctx = contextOf(context);
    await ack();
    try {
      // trigger_id is valid for 3 s: open the form before anything else.
      await openGiveModal(ctx, body.trigger_id, { channelId: body.channel?.id ?? null, source: 'modal' });
    } catch (err) {
      ctx.logger.warn({ code: err instanceof SlackCallError ? err.code : String(err) }, 'could not open the give-kudos form from a button');
    }
  });
}
