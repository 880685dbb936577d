import type { Kysely } from 'kysely';
import { seedAdmins, slackSeedAdmins } from '../core/admin';
import type { Clock } from '../core/clock';
import type { CoreDeps } from '../core/give';
import { connectWorkspace } from '../core/workspaces';
import type { Database, WorkspaceRow } from '../db/schema';
import type { Logger } from '../logger';
import type { Background } from '../server/background';
import { AUTH_FAILURES, SlackCallError, type SlackApi } from './api';
import type { SlackContext } from './context';
import { SlackDirectory } from './directory';
import { SlackHome, type SlackHomeOptions } from './home';
import { belongsTo, fetchIdentity, workspaceKey, type SlackIdentity } from './identity';
import { SlackNotifier } from './notifier';

/**
 * Where the Slack adapter finds the workspace a request or a scheduled post is for, with its token:
 * - `SingleWorkspace`: one workspace, the token in SLACK_BOT_TOKEN (and Socket Mode);
 * - `InstalledWorkspaces` (installed-workspaces.ts): any number, each installed with "Add to Slack".
 * Everything else in the adapter is the same for both.
 */
export interface SlackWorkspaces {
  /** Learns what it needs before requests are served (one workspace: who the bot is, from auth.test). */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** False until requests can be served (503 meanwhile). */
  ready(): boolean;
  /** What keeps Slack from working as a whole, for /readyz; undefined when fine. */
  problem(): string | undefined;
  /** The workspace a payload belongs to; undefined when Kudos is not installed there (answered 401, no retry). */
  forPayload(body: Record<string, unknown>): Promise<SlackContext | undefined>;
  /** The context to post for a stored workspace (scheduled posts); undefined when it is not served here. */
  forWorkspace(ws: WorkspaceRow): Promise<SlackContext | undefined>;
  /** True when scheduled posts for this workspace are this source's to make (no database call). */
  serves(ws: WorkspaceRow): boolean;
  /** The next few workspaces to sweep for leftover posts and due DMs (round robin over the whole fleet). */
  nextToSweep(): Promise<SlackContext[]>;
  /** The workspaces met lately (whose App Homes may have refreshes waiting). */
  recent(): Iterable<SlackContext>;
  /** Deletes the data of workspaces uninstalled longer ago than the grace period; the ids deleted. */
  purgeExpired(): Promise<number>;
}

/** What every workspace's context shares. */
export interface SharedParts {
  db: Kysely<Database>;
  clock: Clock;
  logger: Logger;
  background: Background;
  campaignKeyAt?: CoreDeps['campaignKeyAt'];
  home?: SlackHomeOptions;
}

/** One workspace's context: its row, the bot's identity there, and a Web API client with its token. */
export function workspaceContext(
  shared: SharedParts,
  parts: { ws: WorkspaceRow; identity: SlackIdentity; api: SlackApi; logger?: Logger; uninstalled: () => Promise<void> },
): SlackContext {
  const { db, clock, background, campaignKeyAt } = shared;
  const logger = parts.logger ?? shared.logger;
  const { ws, identity, api } = parts;
  const directory = new SlackDirectory(api);
  const notifier = new SlackNotifier({ api, logger });
  const ctx: Omit<SlackContext, 'home'> & { home?: SlackHome } = {
    db,
    api,
    directory,
    notifier,
    clock,
    logger,
    background,
    workspace: () => ws,
    botUserId: () => identity.botUserId,
    identity: () => identity,
    core: () => ({ db, directory, notifier, clock, campaignKeyAt }),
    uninstalled: parts.uninstalled,
  };
  ctx.home = new SlackHome(ctx as SlackContext, shared.home);
  return ctx as SlackContext;
}

/** Errors that mean the token itself is wrong: retrying cannot help, the operator must act. */
const FATAL_AUTH = new Set([...AUTH_FAILURES, 'no_permission']);

/**
 * One workspace, from SLACK_BOT_TOKEN: who the bot is comes from auth.test at start (retried while Slack is
 * unreachable), and a payload from any other team or org is not ours.
 */
export class SingleWorkspace implements SlackWorkspaces {
  private ctx: SlackContext | undefined;
  private stopped = false;

  constructor(
    private readonly shared: SharedParts,
    private readonly api: SlackApi,
    private readonly opts: { seedAdmins?: readonly string[]; identityRetryMs?: number },
  ) {}

  async start(): Promise<void> {
    for (;;) {
      try {
        const identity = await fetchIdentity(this.api);
        const ws = await connectWorkspace(this.shared.db, {
          platform: 'slack',
          externalId: workspaceKey(identity),
          enterpriseId: identity.enterpriseId,
          name: identity.teamName,
          botUserId: identity.botUserId,
        });
        this.ctx = workspaceContext(this.shared, { ws, identity, api: this.api, uninstalled: () => this.markUninstalled(ws) });
        this.shared.logger.info({ workspace: ws.external_id, name: identity.teamName }, 'connected to Slack');
        await this.seedAdminList(ws);
        return;
      } catch (err) {
        const code = err instanceof SlackCallError ? err.code : String(err);
        if (FATAL_AUTH.has(code)) throw new Error(`Slack rejected SLACK_BOT_TOKEN (${code}). Check the token in your environment.`);
        if (this.stopped) return;
        this.shared.logger.warn({ code }, 'Slack is not reachable yet; retrying');
        await new Promise((r) => setTimeout(r, this.opts.identityRetryMs ?? 5000));
      }
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.ctx?.home.cancelPending();
    await this.api.close();
  }

  ready(): boolean {
    return !!this.ctx;
  }

  problem(): string | undefined {
    if (this.api.tokenRefused) return `Slack refuses the bot token (${this.api.tokenRefused})`;
    if (!this.ctx) return 'not connected to Slack yet';
    return undefined;
  }

  async forPayload(body: Record<string, unknown>): Promise<SlackContext | undefined> {
    return this.ctx && belongsTo(body, this.ctx.identity()) ? this.ctx : undefined;
  }

  async forWorkspace(ws: WorkspaceRow): Promise<SlackContext | undefined> {
    return this.serves(ws) ? this.ctx : undefined;
  }

  serves(ws: WorkspaceRow): boolean {
    return this.ctx?.workspace().id === ws.id;
  }

  async nextToSweep(): Promise<SlackContext[]> {
    return this.ctx ? [this.ctx] : [];
  }

  recent(): Iterable<SlackContext> {
    return this.ctx ? [this.ctx] : [];
  }

  /** One workspace keeps its history when uninstalled, as it always has: it is connected again at the next start. */
  async purgeExpired(): Promise<number> {
    return 0;
  }

  /** The one workspace: its history kept, scheduled posts stopped (they check uninstalled_at). */
  private async markUninstalled(ws: WorkspaceRow): Promise<void> {
    await this.shared.db.updateTable('workspace').set({ uninstalled_at: this.shared.clock() }).where('id', '=', ws.id).execute();
    this.shared.logger.warn({ workspace: ws.external_id }, 'Kudos was uninstalled from the workspace');
  }

  /** KUDOS_ADMINS into the admin list, the first time (it shows in the App Home and the audit log). */
  private async seedAdminList(ws: WorkspaceRow): Promise<void> {
    const seeds = slackSeedAdmins(this.opts.seedAdmins ?? []);
    if (!seeds.length) return;
    try {
      if (await seedAdmins(this.shared.db, ws.id, seeds)) this.shared.logger.info({ count: seeds.length }, 'admin list seeded from KUDOS_ADMINS');
    } catch (err) {
      this.shared.logger.warn({ err }, 'could not seed the admin list');
    }
  }
}
