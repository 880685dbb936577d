import type { BlockAction, Context } from '@slack/bolt';
import type { AdminCheck } from '../../core/admin';
import { SlackCallError } from '../api';
import { NOT_ADMIN_TEXT } from '../blocks/admin-modal-kit';
import type { SlackContext } from '../context';
import { contextOf } from '../workspaces';

/**
 * An admin's button (in the App Home or a form): acked first, then the clicker is checked on the server. A
 * refusal redraws their Home with a notice (when the click came from it) and does nothing else; for an admin,
 * `work` runs with the check, and a Slack error in it (a form that would not open) is logged, not thrown.
 */
export const adminButton =
  <A extends BlockAction>(name: string, work: (ctx: SlackContext, body: A, check: AdminCheck) => Promise<unknown>) =>
  async ({ ack, body, context }: { ack: () => Promise<void>; body: A; context: Context }): Promise<void> => {
    await ack();
    const ctx = contextOf(context);
    const check = await ctx.home.requireAdmin(body.user.id, name);
    if (!check) {
      if (body.view?.type === 'home') await ctx.home.publish(body.user.id, { kind: 'warn', text: NOT_ADMIN_TEXT });
      return;
    }
    try {
      await work(ctx, body, check);
    } catch (err) {
      ctx.logger.warn({ code: err instanceof SlackCallError ? err.code : String(err), action: name }, 'could not open an admin form');
    }
  };
