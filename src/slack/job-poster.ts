import type { WorkspaceRow } from '../db/schema';
import { JobPostError, type JobMessage, type JobPoster } from '../jobs/ports';
import type { Logger } from '../logger';
import { SlackCallError, type SlackApi } from './api';
import { campaignMessage } from './blocks/campaign';
import { digestMessage, type SlackMessage } from './blocks/digest';

/** Slack message metadata type on scheduled posts; its payload carries the run id. */
export const JOB_POST_EVENT = 'kudos_job';

/** Slack answers that mean "not now" rather than "never": the run is retried later. */
const TRANSIENT = new Set(['ratelimited', 'internal_error', 'fatal_error', 'service_unavailable']);

/**
 * Scheduled posts (digest, campaign reminders) on Slack. Errors are sorted the way the scheduler needs:
 * - `ratelimited` (after SlackApi's own waits for Retry-After) → JobPostError, retried at Retry-After;
 * - `not_in_channel` → join the channel and post again (public channels; a private one needs an invite);
 * - any other error answer (is_archived, channel_not_found, …) → a permanent JobPostError;
 * - no answer at all (network, 5xx) → rethrown as is: the post may exist, so the run looks for it first.
 */
export class SlackJobPoster implements JobPoster {
  readonly platform = 'slack' as const;

  constructor(
    private readonly deps: {
      /** True for the workspaces whose posts are this poster's to make. */
      serves: (workspace: WorkspaceRow) => boolean;
      /** A Web API client with the workspace's token; undefined when it is not installed (any more). */
      apiFor: (workspace: WorkspaceRow) => Promise<SlackApi | undefined>;
      logger: Logger;
    },
  ) {}

  /** A poster for one workspace with a known client (the App Home's "post now", `kudos digest --post`). */
  static forOne(api: SlackApi, workspace: WorkspaceRow, logger: Logger): SlackJobPoster {
    return new SlackJobPoster({ serves: (ws) => ws.id === workspace.id, apiFor: async (ws) => (ws.id === workspace.id ? api : undefined), logger });
  }

  serves(workspace: WorkspaceRow): boolean {
    return this.deps.serves(workspace);
  }

  async post(workspace: WorkspaceRow, channel: string, message: JobMessage, runId: number): Promise<string> {
    const api = await this.deps.apiFor(workspace);
    if (!api) throw new JobPostError('not_installed', { permanent: true });
    const { text, blocks } = render(message);
    const args = {
      channel,
      text,
      blocks,
      unfurl_links: false,
      unfurl_media: false,
      metadata: { event_type: JOB_POST_EVENT, event_payload: { run_id: runId } },
    };
    try {
      return await send(api, args);
    } catch (err) {
      if (!(err instanceof SlackCallError) || err.code !== 'not_in_channel') throw toJobError(err);
    }
    try {
      await api.call('conversations.join', { channel });
    } catch (err) {
      // A private channel (method_not_supported_for_channel_type) or no channels:join scope: an admin must invite the bot.
      const code = err instanceof SlackCallError ? err.code : 'unknown_error';
      this.deps.logger.warn({ channel, code }, 'could not join the channel for a scheduled post');
      if (err instanceof SlackCallError && TRANSIENT.has(err.code)) throw toJobError(err);
      throw new JobPostError('not_in_channel', { permanent: true });
    }
    try {
      return await send(api, args);
    } catch (err) {
      throw toJobError(err);
    }
  }

  async findPost(workspace: WorkspaceRow, channel: string, runId: number, postedAfter: Date): Promise<string | null | undefined> {
    const api = await this.deps.apiFor(workspace).catch(() => undefined);
    if (!api) return undefined;
    try {
      // One call, rarely made (only after a crash mid-post). Slack allows some apps one history call a minute
      // with at most 15 messages, so ask for exactly that, starting a little before the run began posting.
      const res = await api.call<{
        ok: boolean;
        messages?: Array<{ ts?: string; metadata?: { event_type?: string; event_payload?: { run_id?: unknown } } }>;
        has_more?: boolean;
      }>('conversations.history', {
        channel,
        limit: 15,
        include_all_metadata: true,
        oldest: ((postedAfter.getTime() - 5 * 60_000) / 1000).toFixed(6),
      });
      const mine = (res.messages ?? []).find(
        (m) => m.metadata?.event_type === JOB_POST_EVENT && Number(m.metadata.event_payload?.run_id) === runId && m.ts,
      );
      if (mine) return String(mine.ts);
      return res.has_more ? undefined : null;
    } catch (err) {
      // Without channels:history (missing_scope), or not a member: we cannot tell.
      this.deps.logger.info({ channel, code: err instanceof SlackCallError ? err.code : String(err) }, 'could not look for an earlier post');
      return undefined;
    }
  }

}

/**
 * A scheduled post waits out a short Retry-After; a longer one hands the run back to the scheduler, which tries
 * it again when Retry-After has passed, so a workspace Slack slows down holds up no other workspace's posts.
 */
const MAX_RATE_LIMIT_WAIT_SEC = 10;

async function send(api: SlackApi, args: Record<string, unknown>): Promise<string> {
  const res = await api.call<{ ok: boolean; ts?: string }>('chat.postMessage', args, { maxWaitSec: MAX_RATE_LIMIT_WAIT_SEC });
  return String(res.ts);
}

function render(message: JobMessage): SlackMessage {
  switch (message.kind) {
    case 'digest':
      return digestMessage(message.digest);
    case 'campaign':
      return campaignMessage(message.post);
  }
}

function toJobError(err: unknown): unknown {
  if (!(err instanceof SlackCallError)) return err;
  // No answer, or a server error: the post may or may not exist.
  if (err.code.startsWith('http_5') || err.code === 'http_error' || err.code === 'network' || err.code === 'request_timeout') return err;
  return new JobPostError(err.code, { permanent: !TRANSIENT.has(err.code), retryAfterSec: err.retryAfterSec });
}
