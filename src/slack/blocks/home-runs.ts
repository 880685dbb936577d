import type { JobStatus } from '../../db/schema';
import { slackDate } from './home-kit';
import { truncate } from './text';

/** Scheduled posts (digests, campaigns) as an admin reads them: what happened, and what to do about a failure. */

export interface RunSummary {
  kind: string;
  periodKey: string;
  status: JobStatus;
  dueAt: Date;
  finishedAt: Date | null;
  target: string | null;
  lastError: string | null;
}

export function runIcon(status: JobStatus): string {
  switch (status) {
    case 'posted':
      return ':white_check_mark:';
    case 'failed':
      return ':x:';
    case 'skipped':
      return ':fast_forward:';
    default:
      return ':hourglass_flowing_sand:';
  }
}

export function kindLabel(kind: string): string {
  return kind === 'digest' ? 'Digest' : kind.charAt(0).toUpperCase() + kind.slice(1).replace(/[-_]/g, ' ');
}

export function runStatusText(r: RunSummary): string {
  const where = r.target ? ` in <#${r.target}>` : '';
  switch (r.status) {
    case 'posted':
      return `posted ${slackDate(r.finishedAt ?? r.dueAt)}${where}`;
    case 'failed':
      return `failed ${slackDate(r.finishedAt ?? r.dueAt)}: ${failureReason(r.lastError)}`;
    case 'skipped':
      return `skipped: ${failureReason(r.lastError)}`;
    case 'posting':
    case 'claimed':
      return r.lastError ? `retrying (${failureReason(r.lastError)})` : 'in progress';
  }
}

/** What a job's last error means for an admin, and what to do about it. */
export function failureReason(code: string | null): string {
  const c = (code ?? '').trim();
  if (!c) return 'no reason recorded';
  if (c === 'no_channel') return 'no channel is set: choose a digest or kudos channel';
  if (c.startsWith('not_in_channel')) return "I'm not in the channel: invite me with `/invite @Kudos`";
  if (c.startsWith('channel_not_found')) return 'the channel was not found (deleted, or private without me)';
  if (c.startsWith('is_archived')) return 'the channel is archived: choose another one';
  if (c === 'quiet_week') return 'a quiet week (set to skip)';
  if (c.startsWith('missed')) return 'nobody was running Kudos near the scheduled time';
  if (c.startsWith('ratelimited')) return 'Slack asked me to slow down';
  if (c.startsWith('post_unconfirmed')) return 'interrupted while posting; not posted again in case it went out';
  return `\`${truncate(c.replace(/`/g, "'"), 120)}\``;
}
