import type { App, BlockAction, ButtonAction, Context } from '@slack/bolt';
import { noteHomeOpened, setMyPreference } from '../../core/preferences';
import { HOME_ACTION } from '../blocks/home-kit';
import { contextOf } from '../workspaces';

interface HomeOpenedEvent {
  type: 'app_home_opened';
  user: string;
  /** 'home' or 'messages': only the Home tab is ours to draw. */
  tab?: string;
}

/**
 * The App Home for everyone: published each time someone opens the Home tab (Slack sends app_home_opened on
 * every open, through the event inbox), and the two preferences on it.
 */
export function register(app: App): void {
  app.event('app_home_opened', async ({ event, context }) => {
    const ctx = contextOf(context);
    const e = event as unknown as HomeOpenedEvent;
    if (e.tab !== 'home' || !e.user) return;
    await ctx.home.publish(e.user);
    await noteHomeOpened(ctx.db, ctx.workspace(), e.user, ctx.clock());
  });

  const preference = (field: 'dmEnabled' | 'rankingsEnabled') =>
    async ({ ack, body, action, context }: { ack: () => Promise<void>; body: BlockAction; action: ButtonAction; context: Context }) => {
      await ack();
      const ctx = contextOf(context);
      // The person is who Slack says clicked (body.user), whatever the button's value claims about anyone.
      const on = action.value === 'on';
      const me = await setMyPreference(ctx, ctx.workspace(), body.user.id, field, on);
      if (!me) return;
      const text =
        field === 'dmEnabled'
          ? on
            ? "DMs are on: I'll tell you when someone thanks you."
            : "DMs are off: you'll still see every kudos here and in the channel."
          : on
            ? 'You may appear in the weekly rankings again.'
            : "You won't be named in the weekly rankings. Your kudos still count.";
      await ctx.home.publish(body.user.id, { kind: 'ok', text });
    };
  app.action<BlockAction<ButtonAction>>(HOME_ACTION.dm, preference('dmEnabled'));
  app.action<BlockAction<ButtonAction>>(HOME_ACTION.rankings, preference('rankingsEnabled'));
}
