import type { GiveResult } from '../core/give';
import type { PostPlace } from '../core/ports';
import { planPost, publishKudos, reportPost, type GivenAt, type PostReport, type PostWhere, type PublishOutcome } from '../core/publish';
import type { WorkspaceRow } from '../db/schema';
import type { SlackContext } from './context';
import { responseUrlReply } from './notifier';

/**
 * After a give from `/thanks` or the form, once Slack has its answer: the App Homes of the people involved are
 * refreshed (once, a little later), and the kudos is published where the settings say, with the request's
 * response_url as the way to post when that channel cannot be used (it posts where the request came from, so
 * it only helps when that is the place).
 */
export async function publishGiven(
  ctx: SlackContext,
  workspace: WorkspaceRow,
  given: Extract<GiveResult, { status: 'given' }>,
  from: GivenAt & { responseUrl: string | null },
): Promise<{ place: PostPlace; where: PostWhere; outcome: PublishOutcome; report: PostReport }> {
  const { kudos } = given;
  ctx.home.touch([kudos.giver.externalId, ...kudos.recipients.map((r) => r.externalId)]);
  // The same decision the form stated (openGiveModal): the place, and how the giver is told it.
  const { place, where } = planPost(given.settings, from);
  const live = place.channelId === from.channelId ? responseUrlReply(ctx.api, from.responseUrl, from.channelId, ctx.logger) : undefined;
  const outcome = await publishKudos(ctx.core(), workspace, kudos, place, { live, held: given.postClaim, notify: given.notify });
  return { place, where, outcome, report: reportPost(given.settings, from, where, outcome) };
}
