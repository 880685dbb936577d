import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { buildDigest } from '../../core/digest';
import { periodLabel } from '../../core/digest-text';
import { recordAdminAction } from '../../core/admin';
import type { Settings } from '../../core/settings';
import type { WorkspaceRow } from '../../db/schema';
import { digestJob, digestZone, latestDigestPeriod } from '../../jobs/digest-job';
import type { DueRun } from '../../jobs/ports';
import { postRunNow, type PostNowOutcome, type SchedulerDeps } from '../../jobs/scheduler';
import { SlackCallError } from '../api';
import { digestPreviewModal } from '../blocks/admin-notices';
import { digestMessage } from '../blocks/digest';
import type { HomeNotice } from '../blocks/home';
import { HOME_ACTION, slackDate } from '../blocks/home-kit';
import { failureReason } from '../blocks/home-runs';
import { contextOf } from '../workspaces';
import { SlackJobPoster } from '../job-poster';

export interface AdminDigestOptions {
  /** The app's scheduler (its grace window, its replica id); a local one is made when absent. */
  scheduler?: () => SchedulerDeps | undefined;
}

/** The digest that "Post digest now" posts and "Preview digest" shows: the latest one that came due. */
export function digestDueNow(workspace: WorkspaceRow, settings: Settings, now: Date): DueRun {
  const period = latestDigestPeriod(settings.digest, digestZone(workspace, settings), now);
  return { periodKey: period.key, dueAt: period.end, target: settings.digest.channel ?? settings.kudosChannel };
}

/**
 * The digest from the App Home, for admins: a preview in a modal, and "post now" through the scheduler's own
 * once-per-period claim (a period already posted is not posted again, whoever asks and however often).
 */
export function register(app: App, opts: AdminDigestOptions = {}): void {
  app.action<BlockAction<ButtonAction>>(HOME_ACTION.previewDigest, async ({ ack, body, context }) => {
    const ctx = contextOf(context);
    await ack();
    const check = await ctx.home.requireAdmin(body.user.id, 'preview digest');
    if (!check) return void (await ctx.home.publish(body.user.id, { kind: 'warn', text: 'Only Kudos admins can preview the digest.' }));
    const ws = ctx.workspace();
    const settings = check.snapshot.settings;
    const now = ctx.clock();
    const zone = digestZone(ws, settings);
    const period = latestDigestPeriod(settings.digest, zone, now);
    const digest = await buildDigest(ctx.db, ws, period, settings.digest);
    const target = settings.digest.channel ?? settings.kudosChannel;
    const intro = [
      `The digest for *${period.key}* (${periodLabel(digest.period.startDay, digest.period.endDay)}), as *Post digest now* would post it ${target ? `in <#${target}>` : '(no digest or kudos channel is set yet)'}.`,
      settings.digest.enabled ? `It was due ${slackDate(period.end)}.` : 'The weekly digest is off, so nothing is posted on schedule.',
      digest.quiet && settings.digest.quietWeek === 'skip' ? 'Nobody gave kudos in this period, and quiet weeks are skipped: nothing would be posted.' : '',
    ]
      .filter(Boolean)
      .join(' ');
    try {
      await ctx.api.call('views.open', { trigger_id: body.trigger_id, view: digestPreviewModal({ intro, blocks: digestMessage(digest).blocks }) });
    } catch (err) {
      ctx.logger.warn({ code: err instanceof SlackCallError ? err.code : String(err) }, 'could not open the digest preview');
    }
  });

  app.action<BlockAction<ButtonAction>>(HOME_ACTION.postDigest, async ({ ack, body, context }) => {
    const ctx = contextOf(context);
    await ack();
    const check = await ctx.home.requireAdmin(body.user.id, 'post digest now');
    if (!check) return void (await ctx.home.publish(body.user.id, { kind: 'warn', text: 'Only Kudos admins can post the digest.' }));
    const ws = ctx.workspace();
    const due = digestDueNow(ws, check.snapshot.settings, ctx.clock());
    if (!due.target) {
      await ctx.home.publish(body.user.id, { kind: 'warn', text: 'Nothing was posted: choose a channel for the digest (or a kudos channel) first.' });
      return;
    }
    const poster = SlackJobPoster.forOne(ctx.api, ws, ctx.logger);
    const deps: SchedulerDeps = {
      ...(opts.scheduler?.() ?? { sources: [digestJob], graceHours: 24, replicaId: 'app-home', logger: ctx.logger }),
      db: ctx.db,
      clock: ctx.clock,
      posters: [poster],
    };
    const out = await postRunNow(deps, { workspace: ws, poster, source: digestJob, due });
    await recordAdminAction(ctx.db, check, {
      action: 'digest.post',
      target: due.periodKey,
      before: null,
      after: { outcome: out.status, channel: out.run.target, error: out.run.last_error },
    });
    ctx.logger.info({ user: body.user.id, period: due.periodKey, outcome: out.status }, 'digest posted from the App Home');
    await ctx.home.publish(body.user.id, postNowNotice(due.periodKey, out));
  });
}

export function postNowNotice(key: string, out: PostNowOutcome): HomeNotice {
  const run = out.run;
  const where = run.target ? `<#${run.target}>` : 'the digest channel';
  switch (out.status) {
    case 'posted':
      return { kind: 'ok', text: `Posted the digest for ${key} in ${where}.` };
    case 'already_posted':
      return { kind: 'info', text: `The digest for ${key} was already posted in ${where} ${slackDate(new Date(run.finished_at ?? run.due_at))}. It is never posted twice.` };
    case 'in_progress':
      return { kind: 'info', text: `The digest for ${key} is being posted right now.` };
    case 'skipped':
      return { kind: 'info', text: `Nothing was posted for ${key}: ${failureReason(run.last_error)}.` };
    case 'retrying':
      return { kind: 'warn', text: `Slack could not take the digest for ${key} just now (${failureReason(run.last_error)}). It will be tried again shortly.` };
    default:
      return { kind: 'warn', text: `Could not post the digest for ${key}: ${failureReason(run.last_error)}.` };
  }
}
