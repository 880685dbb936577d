import { request, type Dispatcher } from 'undici';
import type { SlackOAuthConfig } from '../config';
import { workspacesWithDueWork } from '../core/publish';
import { deleteExpiredWorkspaces, markSlackUninstalled, workspaceFor } from '../core/workspaces';
import type { WorkspaceRow } from '../db/schema';
import { SlackApi, SlackCallError } from './api';
import type { SlackContext } from './context';
import { payloadTeams, workspaceContext, type SharedParts, type SlackWorkspaces } from './workspaces';
import type { PostgresInstallationStore, ServingInstallation } from './installation-store';

/** How many workspaces' contexts are kept in memory (each holds a client and its App Home refreshes). */
export const CONTEXTS_KEPT = 1_000;
/** A kept context is built again after this long (names, a token rotated by another replica). */
const CONTEXT_TTL_MS = 5 * 60_000;
/** A rotating token is refreshed when it has less than this left (Slack issues them for 12 hours). */
const REFRESH_BEFORE_MS = 2 * 60 * 60_000;
/** Workspaces swept per tick for leftover posts, or for due DMs (those with such work now). */
const SWEEP_PAGE = 50;

interface Kept {
  ctx: SlackContext;
  /** The installation serving it (several workspaces share an org-wide one). */
  installKey: string;
  at: number;
}

/**
 * Any number of workspaces, each installed with "Add to Slack" (src/slack/oauth.ts) and stored, tokens sealed,
 * in `slack_installation`. A request is resolved to its workspace from the payload's team and org (an org-wide
 * Grid install serves every workspace of the org, each its own workspace in Kudos); a request for a workspace
 * that has no installation is not ours. Contexts are kept for a while, a bounded number of them, so a busy
 * workspace costs one installation read every few minutes and a fleet's memory stays flat.
 */
export class InstalledWorkspaces implements SlackWorkspaces {
  private readonly kept = new Map<string, Kept>();

  constructor(
    private readonly shared: SharedParts,
    private readonly opts: {
      store: PostgresInstallationStore;
      oauth: SlackOAuthConfig;
      apiUrl: string | undefined;
      /** One connection pool for every workspace's client. */
      dispatcher: Dispatcher;
      sleep?: (ms: number) => Promise<void>;
      /** Days an uninstalled workspace's data is kept (UNINSTALL_GRACE_DAYS). */
      graceDays: number;
    },
  ) {
    // Installed again here (a new token, new scopes) or removed: its workspaces' contexts are built afresh.
    opts.store.onChange((key) => this.forget(key));
  }

  async start(): Promise<void> {}

  async stop(): Promise<void> {
    for (const { ctx } of this.kept.values()) ctx.home.cancelPending();
    this.kept.clear();
    await this.opts.dispatcher.close();
  }

  ready(): boolean {
    return true;
  }

  /** One workspace's refused token is that workspace's problem (its posts wait, it is logged), not the app's. */
  problem(): string | undefined {
    return undefined;
  }

  async forPayload(body: Record<string, unknown>): Promise<SlackContext | undefined> {
    const refs = payloadTeams(body);
    const org = isEnterpriseInstall(body);
    // An org-wide install's events are authorized for the org, with no team: the workspace is the envelope's team.
    const envelopeTeam = org && body.type === 'event_callback' && typeof body.team_id === 'string' && body.team_id ? body.team_id : undefined;
    const teamId = envelopeTeam ?? refs.teamIds[0] ?? null;
    const enterpriseId = refs.enterpriseIds[0] ?? null;
    const externalId = teamId ?? enterpriseId;
    if (!externalId) return undefined;
    const key = `${enterpriseId ?? ''}/${externalId}`;
    const hit = this.keep(key);
    if (hit) return hit;
    const found = await this.opts.store.findServing({ teamId, enterpriseId, isEnterpriseInstall: org });
    if (!found) return undefined;
    const ws = await workspaceFor(this.shared.db, {
      platform: 'slack',
      externalId,
      enterpriseId,
      name: found.row.is_enterprise_install ? null : found.row.team_name,
      botUserId: found.row.bot_user_id,
    });
    return this.remember(key, found, this.build(ws, found, teamId));
  }

  async forWorkspace(ws: WorkspaceRow): Promise<SlackContext | undefined> {
    if (ws.platform !== 'slack' || ws.uninstalled_at) return undefined;
    const key = `${ws.enterprise_id ?? ''}/${ws.external_id}`;
    const hit = this.keep(key);
    if (hit) return hit;
    const found = await this.opts.store.findServing({ teamId: ws.external_id, enterpriseId: ws.enterprise_id });
    if (!found) return undefined;
    return this.remember(key, found, this.build(ws, found, ws.external_id));
  }

  serves(ws: WorkspaceRow): boolean {
    return ws.platform === 'slack';
  }

  async toSweep(kind: 'leftovers' | 'dms'): Promise<SlackContext[]> {
    const page = await workspacesWithDueWork(this.shared.db, 'slack', kind, this.shared.clock(), SWEEP_PAGE);
    const found: SlackContext[] = [];
    for (const ws of page) {
      const ctx = await this.forWorkspace(ws);
      if (ctx) found.push(ctx);
    }
    return found;
  }

  recent(): Iterable<SlackContext> {
    return [...this.kept.values()].map((k) => k.ctx);
  }

  async purgeExpired(): Promise<number> {
    const deleted = await deleteExpiredWorkspaces(this.shared.db, 'slack', this.shared.clock(), this.opts.graceDays);
    for (const ws of deleted) {
      this.shared.logger.warn({ workspace: ws.external_id, uninstalledAt: ws.uninstalled_at, graceDays: this.opts.graceDays }, 'deleted the data of a workspace uninstalled longer ago than the grace period');
    }
    return deleted.length;
  }

  /** Drops the kept contexts of an installation's workspaces. */
  private forget(installKey: string): void {
    for (const [key, k] of this.kept) {
      if (k.installKey !== installKey) continue;
      k.ctx.home.cancelPending();
      this.kept.delete(key);
    }
  }

  private keep(key: string): SlackContext | undefined {
    const k = this.kept.get(key);
    if (!k) return undefined;
    // Refused tokens and old entries are read again (a reinstall, a rotation by another replica).
    if (this.shared.clock().getTime() - k.at > CONTEXT_TTL_MS || k.ctx.api.tokenRefused) {
      this.kept.delete(key);
      return undefined;
    }
    // Most recently used last, so the first key is the one to drop when full.
    this.kept.delete(key);
    this.kept.set(key, k);
    return k.ctx;
  }

  private remember(key: string, found: ServingInstallation, ctx: SlackContext): SlackContext {
    this.kept.set(key, { ctx, installKey: found.row.install_key, at: this.shared.clock().getTime() });
    while (this.kept.size > CONTEXTS_KEPT) {
      const oldest = this.kept.keys().next().value as string;
      this.kept.get(oldest)?.ctx.home.cancelPending();
      this.kept.delete(oldest);
    }
    return ctx;
  }

  private build(ws: WorkspaceRow, found: ServingInstallation, teamId: string | null): SlackContext {
    const row = found.row;
    const logger = this.shared.logger.child({ workspace: ws.external_id });
    const api = new SlackApi({
      token: this.tokenFor(found),
      apiUrl: this.opts.apiUrl,
      logger,
      sleep: this.opts.sleep,
      dispatcher: this.opts.dispatcher,
      now: () => this.shared.clock().getTime(),
      whenRefused: 'an admin of the workspace adds Kudos again (Add to Slack)',
    });
    const identity = {
      teamId,
      enterpriseId: row.enterprise_id,
      isEnterpriseInstall: row.is_enterprise_install,
      botUserId: row.bot_user_id,
      botId: row.bot_id,
      teamName: ws.name,
      url: null,
    };
    return workspaceContext(this.shared, { ws, identity, api, logger, uninstalled: () => this.uninstalled(found, ws) });
  }

  /**
   * The installation's bot token, refreshed with its refresh token when it has less than two hours left (token
   * rotation). The new pair is stored sealed; two refreshes at once in this process share one call.
   */
  private tokenFor(found: ServingInstallation): () => Promise<string> {
    let current = { token: found.botToken, refreshToken: found.refreshToken, expiresAt: found.expiresAt };
    let refreshing: Promise<void> | undefined;
    return async () => {
      const due = current.expiresAt && current.refreshToken && current.expiresAt.getTime() - this.shared.clock().getTime() < REFRESH_BEFORE_MS;
      if (!due) return current.token;
      refreshing ??= this.refresh(found.row.install_key, current.refreshToken!)
        .then((next) => {
          current = next;
        })
        .finally(() => {
          refreshing = undefined;
        });
      await refreshing;
      return current.token;
    };
  }

  private async refresh(installKey: string, refreshToken: string): Promise<{ token: string; refreshToken: string | null; expiresAt: Date | null }> {
    const base = (this.opts.apiUrl ?? 'https://slack.com/api/').replace(/\/?$/, '/');
    const res = await request(`${base}oauth.v2.access`, {
      method: 'POST',
      dispatcher: this.opts.dispatcher,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: this.opts.oauth.clientId,
        client_secret: this.opts.oauth.clientSecret,
        grant_type: 'refresh_token',
        refresh_token: refreshToken,
      }).toString(),
    }).catch(() => {
      throw new SlackCallError('oauth.v2.access', 'network');
    });
    const answer = (await res.body.json().catch(() => ({}))) as { ok?: boolean; error?: string; access_token?: string; refresh_token?: string; expires_in?: number };
    if (res.statusCode !== 200 || !answer.ok || !answer.access_token) {
      throw new SlackCallError('oauth.v2.access', answer.error ?? `http_${res.statusCode}`);
    }
    const next = {
      token: answer.access_token,
      refreshToken: answer.refresh_token ?? refreshToken,
      expiresAt: answer.expires_in ? new Date(this.shared.clock().getTime() + answer.expires_in * 1000) : null,
    };
    await this.opts.store.saveRotatedToken(installKey, next);
    this.shared.logger.info({ installation: installKey }, 'rotated a Slack bot token');
    return next;
  }

  /**
   * app_uninstalled, or the bot's token revoked: the installation's tokens are deleted and every workspace it
   * served is marked uninstalled at once (nothing more is posted there); their data is kept for the grace
   * period, and a reinstall within it brings them back as they were.
   */
  private async uninstalled(found: ServingInstallation, ws: WorkspaceRow): Promise<void> {
    const row = found.row;
    const now = this.shared.clock();
    // Deleting it through the store drops its workspaces' kept contexts here (onChange).
    const org = row.is_enterprise_install;
    await this.opts.store.deleteInstallation({ isEnterpriseInstall: org, enterpriseId: org ? row.install_key : undefined, teamId: org ? undefined : row.install_key });
    const served = org ? { enterpriseId: row.install_key } : { teamId: row.install_key };
    const marked = await markSlackUninstalled(this.shared.db, served, now);
    this.shared.logger.warn({ workspace: ws.external_id, installation: row.install_key, workspaces: marked }, 'Kudos was uninstalled; its data is kept for the grace period');
  }
}

/** Whether the payload comes from an org-wide install (commands say it as text, events per authorization). */
export function isEnterpriseInstall(body: Record<string, unknown>): boolean {
  if (body.type === 'event_callback' && Array.isArray(body.authorizations)) {
    return (body.authorizations[0] as { is_enterprise_install?: unknown } | undefined)?.is_enterprise_install === true;
  }
  const v = body.is_enterprise_install;
  return v === true || v === 'true';
}
