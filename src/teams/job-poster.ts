import type { Activity } from 'botbuilder';
import type { WorkspaceRow } from '../db/schema';
import { JobPostError, type JobMessage, type JobPoster } from '../jobs/ports';
import { campaignCard, campaignSummary } from './cards/campaign';
import { cardAttachment } from './cards/common';
import { digestCard, digestSummary } from './cards/digest';
import { connectorAnswer, errorCode, referenceFor, retryAfterSec, sendProactive } from './conversations';
import type { TeamsContext } from './context';

/**
 * Scheduled posts (digest, campaign reminders) on Teams: a proactive Adaptive Card into the configured channel,
 * through the conversation reference stored when the bot was added to its team. The connector gives a bot no
 * way to read a channel's messages, so a run interrupted while posting cannot be checked: findPost says so
 * (undefined) and the scheduler reports the run instead of posting it twice.
 */
export class TeamsJobPoster implements JobPoster {
  readonly platform = 'teams' as const;

  constructor(private readonly ctx: TeamsContext) {}

  serves(workspace: WorkspaceRow): boolean {
    return workspace.platform === 'teams' && !workspace.uninstalled_at;
  }

  async post(workspace: WorkspaceRow, channel: string, message: JobMessage, runId: number): Promise<string> {
    const ref = await referenceFor(this.ctx, workspace, channel);
    if (!ref) {
      this.ctx.logger.warn({ channel, runId }, 'no conversation reference for the channel of a scheduled post: add Kudos to its team');
      throw new JobPostError('channel_unknown', { permanent: true });
    }
    let id: string | undefined;
    try {
      id = await sendProactive(this.ctx, ref, render(message));
    } catch (err) {
      const answer = connectorAnswer(err);
      if (answer === 'permanent') throw new JobPostError(errorCode(err), { permanent: true });
      if (answer === 'transient') throw new JobPostError(errorCode(err), { permanent: false, retryAfterSec: retryAfterSec(err) });
      // No answer, or a server error: the card may or may not be in the channel.
      throw err;
    }
    if (!id) throw new Error('the connector answered without an activity id');
    return id;
  }

  async findPost(): Promise<undefined> {
    return undefined;
  }
}

function render(message: JobMessage): Partial<Activity> {
  switch (message.kind) {
    case 'digest':
      return { type: 'message', summary: digestSummary(message.digest), attachments: [cardAttachment(digestCard(message.digest))] };
    case 'campaign':
      return { type: 'message', summary: campaignSummary(message.post), attachments: [cardAttachment(campaignCard(message.post))] };
  }
}
