import { checkAdmin, slackSeedAdmins, type AdminCheck, type AdminVia } from '../core/admin';
import { loadAdminOverview } from '../core/admin-home';
import { loadHomeData, type CampaignsPort } from '../core/home';
import { homesOpened } from '../core/preferences';
import { listWallLinks } from '../core/wall';
import type { Settings } from '../core/settings';
import type { JobRunRow, WorkspaceRow } from '../db/schema';
import { DIGEST_KIND, digestZone, latestDigestPeriod, nextDigestPeriod } from '../jobs/digest-job';
import { findRun, listRecentRuns } from '../jobs/runs';
import { SlackCallError } from './api';
import { homeView, type HomeNotice } from './blocks/home';
import type { AdminHome } from './blocks/home-admin';
import { HOME_LIMITS } from './blocks/home-kit';
import type { RunSummary } from './blocks/home-runs';
import type { SlackContext } from './context';
import type { HomeView } from './types';

export interface SlackHomeOptions {
  /** KUDOS_ADMINS (only Slack user ids among them are used). */
  seedAdmins?: readonly string[];
  campaigns?: CampaignsPort;
  /** Least time between two refreshes of one person's Home after kudos (default 10 s). */
  refreshDelayMs?: number;
  /** Replaces the Home's content (a benchmark compares the real Home with a static one). */
  render?: (userId: string) => Promise<HomeView | null>;
  /** PUBLIC_URL: the Kudos Wall section offers links only when people can reach Kudos. */
  publicUrl?: string;
}

export const DEFAULT_REFRESH_DELAY_MS = 10_000;

/**
 * The App Home for the Slack adapter: builds and publishes a person's Home (their own kudos; for admins the
 * settings, the digest and the audit log), checks admins on the server, and refreshes Homes after kudos are
 * given or received, debounced per person so a burst of kudos costs one views.publish.
 */
export class SlackHome {
  private readonly pending = new Map<string, number>();
  private readonly seeds: string[];
  private warnedNotEnabled = false;

  constructor(
    private readonly ctx: SlackContext,
    private readonly opts: SlackHomeOptions = {},
  ) {
    this.seeds = slackSeedAdmins(opts.seedAdmins ?? []);
  }

  /** Operator-named admins that are Slack ids. */
  operatorAdmins(): string[] {
    return this.seeds;
  }

  /** The acting user's admin status, checked now (never from anything the payload claims). */
  checkAdmin(userId: string): Promise<AdminCheck> {
    return checkAdmin(this.ctx, this.ctx.workspace(), userId, this.seeds);
  }

  /** Checks an admin action; a refusal is logged with who and what. */
  async requireAdmin(userId: string, action: string): Promise<AdminCheck | null> {
    const check = await this.checkAdmin(userId);
    if (check.admin) return check;
    this.ctx.logger.warn({ user: userId, action }, 'refused an admin action from someone who is not an admin');
    return null;
  }

  /**
   * A person's Home; null for someone Slack does not know (or a bot). Whether it has the admin part is decided
   * by the same check as every admin action (core/admin.ts), so a platform admin flag older than 15 minutes is
   * read again first: someone demoted in Slack stops seeing the settings, someone promoted starts, within 15 minutes.
   */
  async view(userId: string, notice?: HomeNotice | null): Promise<HomeView | null> {
    if (this.opts.render) return this.opts.render(userId);
    const ctx = this.ctx;
    const ws = ctx.workspace();
    const { person, via, snapshot } = await this.checkAdmin(userId);
    if (!person || person.is_bot) return null;
    const [home, admin] = await Promise.all([
      loadHomeData({ db: ctx.db, clock: ctx.clock, campaigns: this.opts.campaigns }, ws, person, snapshot.settings),
      via ? this.adminHome(ws, snapshot.settings, via) : Promise.resolve(null),
    ]);
    return homeView({ home, admin, notice });
  }

  /**
   * Publishes a person's Home. Slack's refusals are logged, never thrown: `not_enabled` means the Home tab is
   * off in the app's settings (the manifest turns it on), and nothing here can fix that.
   */
  async publish(userId: string, notice?: HomeNotice | null): Promise<boolean> {
    this.pending.delete(userId);
    const view = await this.view(userId, notice);
    if (!view) return false;
    try {
      await this.ctx.api.call('views.publish', { user_id: userId, view });
      return true;
    } catch (err) {
      const code = err instanceof SlackCallError ? err.code : String(err);
      if (code === 'not_enabled') {
        if (!this.warnedNotEnabled) this.ctx.logger.warn('the App Home tab is not enabled for this app: turn on "Home Tab" in the app settings (the manifest does)');
        this.warnedNotEnabled = true;
      } else {
        this.ctx.logger.warn({ code, user: userId }, 'could not publish the App Home');
      }
      return false;
    }
  }

  /**
   * Asks for these people's Homes to be refreshed (after kudos given or received). Each person is refreshed
   * once, when the delay has passed: further kudos meanwhile join the same refresh, so a Home is published at
   * most once per delay whatever the burst. Only Homes someone has opened are refreshed (the others are drawn
   * when first opened): views.publish is rate-limited per workspace. In memory: a restart only loses
   * refreshes, never kudos.
   */
  touch(userIds: Iterable<string>): void {
    const due = this.ctx.clock().getTime() + (this.opts.refreshDelayMs ?? DEFAULT_REFRESH_DELAY_MS);
    for (const id of userIds) {
      if (id && !this.pending.has(id)) this.pending.set(id, due);
    }
  }

  /** People waiting for a refresh (tests, diagnostics). */
  pendingRefreshes(): string[] {
    return [...this.pending.keys()];
  }

  /** Publishes the Homes whose refresh is due by the clock (the adapter's timer calls it every few seconds). */
  async flushDue(): Promise<number> {
    const now = this.ctx.clock().getTime();
    const due = [...this.pending].filter(([, at]) => at <= now).map(([id]) => id);
    // Taken at once, so a flush that starts while this one waits (a rate limit) never publishes them again.
    for (const id of due) this.pending.delete(id);
    if (!due.length) return 0;
    const opened = await homesOpened(this.ctx.db, this.ctx.workspace(), due);
    let published = 0;
    for (const id of opened) {
      if (await this.publish(id).catch(() => false)) published++;
    }
    return published;
  }

  /** Forgets the refreshes not yet made (on stop; tests between cases). */
  cancelPending(): void {
    this.pending.clear();
  }

  private async adminHome(ws: WorkspaceRow, settings: Settings, via: AdminVia): Promise<AdminHome> {
    const { db } = this.ctx;
    const now = this.ctx.clock();
    const zone = digestZone(ws, settings);
    const latest = latestDigestPeriod(settings.digest, zone, now);
    const [overview, runs, latestRun, wallLinks] = await Promise.all([
      loadAdminOverview(db, ws.id, undefined, now),
      listRecentRuns(db, ws.id, HOME_LIMITS.runs),
      findRun(db, ws.id, DIGEST_KIND, latest.key),
      listWallLinks(db, ws.id, now),
    ]);
    return {
      ...overview,
      via,
      settings,
      workspaceTimeZone: ws.time_zone,
      operatorAdmins: this.seeds,
      digest: {
        zone,
        next: nextDigestPeriod(settings.digest, zone, now).end,
        latest: { key: latest.key, dueAt: latest.end, target: settings.digest.channel ?? settings.kudosChannel, run: latestRun ? runSummary(latestRun) : null },
      },
      runs: runs.map(runSummary),
      wall: { links: wallLinks, publicUrl: !!this.opts.publicUrl, frameAncestors: settings.wall.frameAncestors },
    };
  }
}

export function runSummary(r: JobRunRow): RunSummary {
  return {
    kind: r.kind,
    periodKey: r.period_key,
    status: r.status,
    dueAt: new Date(r.due_at),
    finishedAt: r.finished_at ? new Date(r.finished_at) : null,
    target: r.target,
    lastError: r.last_error,
  };
}
