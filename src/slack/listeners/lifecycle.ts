import type { App } from '@slack/bolt';
import { contextOf } from '../workspaces';

/**
 * The app removed from the workspace, or the bot's token revoked: the workspace is marked uninstalled at once
 * (nothing more is posted there). What else happens is the workspace source's: one workspace keeps its
 * history; an installed one keeps it for the grace period (src/slack/installed-workspaces.ts).
 */
export function register(app: App): void {
  app.event('app_uninstalled', async ({ context }) => {
    await contextOf(context).uninstalled();
  });
  app.event('tokens_revoked', async ({ event, context }) => {
    const ctx = contextOf(context);
    // tokens_revoked lists user ids; only the bot's own token matters here.
    const bots = (event as { tokens?: { bot?: string[] } }).tokens?.bot ?? [];
    if (bots.includes(ctx.botUserId())) await ctx.uninstalled();
  });
}
