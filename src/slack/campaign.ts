import { threeNotesCompletedText, threeNotesProgressText } from '../core/campaign-copy';
import { challengeProgress, progressInCampaign, THREE_NOTES_NOTICE } from '../core/campaigns';
import type { KudosView } from '../core/types';
import { forgetNotice } from '../db/queries/campaigns';
import { firstNotice } from '../db/queries/notices';
import type { PersonRow } from '../db/schema';
import { SlackCallError } from './api';
import { copySections } from './blocks/campaign';
import type { SlackContext } from './context';
import type { StatsExtras } from './listeners/thanks-command';

/**
 * Customer Service Week on the Slack side of a give: the three-notes congratulation, and the challenge line of
 * `/thanks stats`. Both are called after the acknowledgement, never in its way.
 */

/**
 * After a kudos tagged with a campaign: when it brings its giver to three different people thanked, DMs them a
 * congratulation, once per campaign (the notice row is the "once", even with gives racing). A DM that Slack
 * refuses gives the notice back, so their next kudos tries again.
 */
export async function congratulateOnThreeNotes(ctx: SlackContext, kudos: Pick<KudosView, 'campaignKey'>, giver: PersonRow): Promise<boolean> {
  if (!kudos.campaignKey || giver.is_bot || giver.is_deleted || !giver.dm_enabled) return false;
  const ws = ctx.workspace();
  const progress = await progressInCampaign(ctx.db, ws.id, giver.id, kudos.campaignKey);
  if (!progress.completed) return false;
  const notice = { workspaceId: ws.id, personId: giver.id, kind: THREE_NOTES_NOTICE, period: kudos.campaignKey };
  if (!(await firstNotice(ctx.db, notice))) return false;
  const text = threeNotesCompletedText();
  try {
    await ctx.api.postMessage({ channel: giver.external_id, text: text.replace(/\*/g, ''), blocks: copySections(text) });
    return true;
  } catch (err) {
    ctx.logger.info({ code: err instanceof SlackCallError ? err.code : String(err) }, 'three-notes congratulation not sent');
    await forgetNotice(ctx.db, notice);
    return false;
  }
}

/** Runs the congratulation as background work (the caller has answered Slack already or is about to). */
export function afterCampaignGive(ctx: SlackContext, kudos: Pick<KudosView, 'campaignKey'>, giver: PersonRow): void {
  if (!kudos.campaignKey) return;
  ctx.background.run('three-notes congratulation', () => congratulateOnThreeNotes(ctx, kudos, giver), 'delivery');
}

/** `/thanks stats` while Customer Service Week runs: the person's three-notes progress. */
export const campaignStatsExtras: StatsExtras = async (ctx, personId) => {
  const progress = await challengeProgress(ctx.db, ctx.workspace(), personId, ctx.clock());
  return progress ? [threeNotesProgressText(progress.distinct)] : [];
};
