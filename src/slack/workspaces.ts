import type { Context } from '@slack/bolt';
import type { Kysely } from 'kysely';
import { seedAdmins, slackSeedAdmins } from '../core/admin';
import type { Clock } from '../core/clock';
import type { CoreDeps } from '../core/give';
import { connectWorkspace, markSlackUninstalled } from '../core/workspaces';
import type { Database, WorkspaceRow } from '../db/schema';
import type { Logger } from '../logger';
import type { Background } from '../server/background';
import { AUTH_FAILURES, SlackCallError, type SlackApi } from './api';
import type { SlackContext } from './context';
import { SlackDirectory } from './directory';
import { SlackHome, type SlackHomeOptions } from './home';
import { fetchIdentity, type SlackIdentity } from './identity';
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
  /**
   * The workspace a payload belongs to; undefined when Kudos is not installed there (answered 401, no retry).
   * Known at once when there is one workspace; otherwise it may take a read of the installation.
   */
  forPayload(body: Record<string, unknown>): SlackContext | undefined | Promise<SlackContext | undefined>;
  /** The context to post for a stored workspace (scheduled posts); undefined when it is not served here. */
  forWorkspace(ws: WorkspaceRow): Promise<SlackContext | undefined>;
  /** True when scheduled posts for this workspace are this source's to make (no database call). */
  serves(ws: WorkspaceRow): boolean;
  /** The workspaces to sweep for leftover posts, or for DMs due: those that have such work now. */
  toSweep(kind: 'leftovers' | 'dms'): Promise<SlackContext[]>;
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

  forPayload(body: Record<string, unknown>): SlackContext | undefined {
    return this.ctx && belongsTo(body, this.ctx.identity()) ? this.ctx : undefined;
  }

  async forWorkspace(ws: WorkspaceRow): Promise<SlackContext | undefined> {
    return this.serves(ws) ? this.ctx : undefined;
  }

  serves(ws: WorkspaceRow): boolean {
    return this.ctx?.workspace().id === ws.id;
  }

  async toSweep(): Promise<SlackContext[]> {
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
    await markSlackUninstalled(this.shared.db, { teamId: ws.external_id }, this.shared.clock());
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

/** Where the workspace's context travels in Bolt's per-request `context` (set by the adapter's authorize). */
export const CONTEXT_KEY = 'kudos';

/** The workspace context of the request a listener is handling. */
export function contextOf(context: Context): SlackContext {
  const ctx = (context as Record<string, unknown>)[CONTEXT_KEY] as SlackContext | undefined;
  if (!ctx) throw new Error('a Slack request reached a listener without its workspace');
  return ctx;
}

/**
 * Bolt's authorize answer for a workspace: the bot's ids (Bolt's ignoreSelf uses them) and the workspace context
 * for the listeners. No token and no team id: listeners call Slack through `ctx.api`, and Bolt keeps a Web API
 * client per team and token it is given, for ever, which a fleet of workspaces would only grow.
 */
export function authorization(ctx: SlackContext): { botUserId: string; botId: string | undefined } {
  const id = ctx.identity();
  return { botUserId: id.botUserId, botId: id.botId ?? undefined, [CONTEXT_KEY]: ctx } as { botUserId: string; botId: string | undefined };
}

/** The workspace's key in the core: the org for an org-wide Grid install, else the team. */
export function workspaceKey(id: SlackIdentity): string {
  return id.isEnterpriseInstall && id.enterpriseId ? id.enterpriseId : (id.teamId ?? id.enterpriseId ?? 'unknown');
}

interface TeamRefs {
  teamIds: string[];
  enterpriseIds: string[];
}

/**
 * The teams and orgs a payload speaks for, following Bolt's own rules: an Events API envelope is authorised by
 * `authorizations[0]` (in Slack Connect the top-level team may be the *other* org); interactions carry
 * `team`, `enterprise` and the user's team; commands carry `team_id` and `enterprise_id`.
 */
export function payloadTeams(body: Record<string, unknown>): TeamRefs {
  const teamIds: string[] = [];
  const enterpriseIds: string[] = [];
  const add = (list: string[], v: unknown) => {
    if (typeof v === 'string' && v) list.push(v);
  };
  if (body.type === 'event_callback') {
    const auth = Array.isArray(body.authorizations) ? (body.authorizations[0] as Record<string, unknown> | undefined) : undefined;
    if (auth) {
      add(teamIds, auth.team_id);
      add(enterpriseIds, auth.enterprise_id);
    } else {
      add(teamIds, body.team_id);
      add(enterpriseIds, body.enterprise_id);
    }
    return { teamIds, enterpriseIds };
  }
  if (typeof body.command === 'string') {
    add(teamIds, body.team_id);
    add(enterpriseIds, body.enterprise_id);
    return { teamIds, enterpriseIds };
  }
  const team = body.team as Record<string, unknown> | null | undefined;
  const enterprise = body.enterprise as Record<string, unknown> | null | undefined;
  const user = body.user as Record<string, unknown> | undefined;
  add(teamIds, team?.id);
  add(enterpriseIds, team?.enterprise_id);
  add(enterpriseIds, enterprise?.id);
  if (!team) add(teamIds, user?.team_id);
  const view = body.view as Record<string, unknown> | undefined;
  if (!team && view) add(teamIds, view.team_id);
  return { teamIds, enterpriseIds };
}

/** True when the payload belongs to the installed workspace (or, for an org-wide install, its org). */
export function belongsTo(body: Record<string, unknown>, id: SlackIdentity): boolean {
  const refs = payloadTeams(body);
  if (id.isEnterpriseInstall) return !!id.enterpriseId && refs.enterpriseIds.includes(id.enterpriseId);
  return !!id.teamId && refs.teamIds.includes(id.teamId);
}
