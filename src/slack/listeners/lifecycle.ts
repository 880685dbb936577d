import type { App } from '@slack/bolt';
import type { SlackContext } from '../context';

/** The app removed from the workspace: keep the history, stop scheduled posts (they check uninstalled_at). */
export function register(app: App, ctx: SlackContext): void {
  const uninstall = async () => {
    const ws = ctx.workspace();
    await ctx.db.updateTable('workspace').set({ uninstalled_at: ctx.clock() }).where('id', '=', ws.id).execute();
    ctx.logger.warn({ workspace: ws.external_id }, 'Kudos was uninstalled from the workspace');
  };
  app.event('app_uninstalled', uninstall);
  app.event('tokens_revoked', async ({ event }) => {
    // tokens_revoked lists user ids; only the bot's own token matters here.
    const bots = (event as { tokens?: { bot?: string[] } }).tokens?.bot ?? [];
    if (bots.includes(ctx.botUserId())) await uninstall();
  });
}
