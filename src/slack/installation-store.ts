import type { Installation, InstallationQuery, InstallationStore } from '@slack/oauth';
import type { Kysely } from 'kysely';
import type { Secrets } from '../core/secrets';
import { connectWorkspace } from '../core/workspaces';
import {
  deleteSlackInstallation,
  findSlackInstallation,
  restoreSlackOrgWorkspaces,
  updateSlackBotToken,
  upsertSlackInstallation,
  type SlackInstallationRow,
} from '../db/queries/installations';
import type { Database } from '../db/schema';

/**
 * Where "Add to Slack" installations live: Postgres (or the embedded database), one row per workspace key (the
 * team, or the Grid org for an org-wide install), the tokens sealed with `secrets` so that the database never
 * holds one as Slack issued it. Implements @slack/oauth's InstallationStore, which InstallProvider and Bolt's
 * authorize use. Storing an installation also connects its workspace (values seeded the first time; back from
 * an uninstall on a reinstall).
 */
export class PostgresInstallationStore implements InstallationStore {
  private readonly changed: Array<(installKey: string) => void> = [];

  constructor(
    private readonly db: Kysely<Database>,
    private readonly secrets: Secrets,
  ) {}

  async storeInstallation<AuthVersion extends 'v1' | 'v2'>(installation: Installation<AuthVersion, boolean>): Promise<void> {
    const bot = installation.bot;
    if (!bot) throw new Error('an installation without a bot token cannot run Kudos (the app must request bot scopes)');
    const isOrg = installation.isEnterpriseInstall === true;
    const key = installKey({ isEnterpriseInstall: isOrg, teamId: installation.team?.id, enterpriseId: installation.enterprise?.id });
    // A team's install connects its workspace now. An org-wide install serves each workspace of the org, each
    // connected when Kudos first hears from it; those an earlier uninstall marked are back at once.
    const ws = isOrg
      ? undefined
      : await connectWorkspace(this.db, {
          platform: 'slack',
          externalId: key,
          enterpriseId: installation.enterprise?.id ?? null,
          name: installation.team?.name ?? null,
          botUserId: bot.userId,
        });
    if (isOrg) await restoreSlackOrgWorkspaces(this.db, key);
    await upsertSlackInstallation(this.db, {
      workspace_id: ws?.id ?? null,
      install_key: key,
      team_id: installation.team?.id ?? null,
      team_name: installation.team?.name ?? null,
      enterprise_id: installation.enterprise?.id ?? null,
      enterprise_name: installation.enterprise?.name ?? null,
      is_enterprise_install: isOrg,
      app_id: installation.appId ?? null,
      bot_id: bot.id,
      bot_user_id: bot.userId,
      bot_scopes: bot.scopes.join(','),
      bot_token_sealed: this.secrets.seal(bot.token),
      bot_refresh_token_sealed: bot.refreshToken ? this.secrets.seal(bot.refreshToken) : null,
      // Slack's expiresAt is in seconds since the epoch.
      bot_token_expires_at: bot.expiresAt ? new Date(bot.expiresAt * 1000) : null,
      installer_user_id: installation.user?.id ?? null,
    });
    this.notify(key);
  }

  /** Calls `listener` with the installation's key after it is stored (installed again) or deleted, in this process. */
  onChange(listener: (installKey: string) => void): void {
    this.changed.push(listener);
  }

  private notify(key: string): void {
    for (const listener of this.changed) listener(key);
  }

  async fetchInstallation(query: InstallationQuery<boolean>): Promise<Installation<'v2', boolean>> {
    const found = await findSlackInstallation(this.db, installKey(query));
    // A team's query never gets an org-wide installation, nor the other way round.
    const row = found && found.is_enterprise_install === !!query.isEnterpriseInstall ? found : undefined;
    if (!row) throw new Error(`no installation for ${query.isEnterpriseInstall ? `org ${query.enterpriseId}` : `team ${query.teamId}`}`);
    const enterprise = row.enterprise_id ? { id: row.enterprise_id, name: row.enterprise_name ?? undefined } : undefined;
    return {
      team: row.is_enterprise_install ? undefined : { id: row.team_id ?? row.install_key, name: row.team_name ?? undefined },
      enterprise,
      isEnterpriseInstall: row.is_enterprise_install,
      user: { id: row.installer_user_id ?? '', token: undefined, scopes: undefined },
      bot: {
        token: this.secrets.open(row.bot_token_sealed),
        refreshToken: row.bot_refresh_token_sealed ? this.secrets.open(row.bot_refresh_token_sealed) : undefined,
        expiresAt: row.bot_token_expires_at ? Math.floor(new Date(row.bot_token_expires_at).getTime() / 1000) : undefined,
        scopes: row.bot_scopes ? row.bot_scopes.split(',') : [],
        id: row.bot_id,
        userId: row.bot_user_id,
      },
      appId: row.app_id ?? undefined,
      tokenType: 'bot',
      authVersion: 'v2',
    } as Installation<'v2', boolean>;
  }

  async deleteInstallation(query: InstallationQuery<boolean>): Promise<void> {
    const key = installKey(query);
    await deleteSlackInstallation(this.db, key);
    this.notify(key);
  }

  /**
   * The installation serving a request or a workspace, its tokens opened: the org's for an org-wide install,
   * else the team's. A team with no installation of its own inside an org that installed Kudos org-wide is
   * served by the org's (Slack does not always say `is_enterprise_install` in a payload).
   */
  async findServing(q: { teamId?: string | null; enterpriseId?: string | null; isEnterpriseInstall?: boolean }): Promise<ServingInstallation | undefined> {
    const tryKey = async (key: string | null | undefined, org: boolean) => {
      if (!key) return undefined;
      const row = await findSlackInstallation(this.db, key);
      return row && row.is_enterprise_install === org ? row : undefined;
    };
    const row = q.isEnterpriseInstall ? await tryKey(q.enterpriseId, true) : ((await tryKey(q.teamId, false)) ?? (await tryKey(q.enterpriseId, true)));
    return row ? this.opened(row) : undefined;
  }

  /** Records a rotated bot token (sealed, like every token here). */
  async saveRotatedToken(key: string, t: { token: string; refreshToken: string | null; expiresAt: Date | null }): Promise<void> {
    await updateSlackBotToken(this.db, key, {
      token: this.secrets.seal(t.token),
      refreshToken: t.refreshToken ? this.secrets.seal(t.refreshToken) : null,
      expiresAt: t.expiresAt,
    });
  }

  private opened(row: SlackInstallationRow): ServingInstallation {
    return {
      row,
      botToken: this.secrets.open(row.bot_token_sealed),
      refreshToken: row.bot_refresh_token_sealed ? this.secrets.open(row.bot_refresh_token_sealed) : null,
      expiresAt: row.bot_token_expires_at ? new Date(row.bot_token_expires_at) : null,
    };
  }
}

/** An installation with its tokens opened, for the workspaces it serves (never logged, never stored as is). */
export interface ServingInstallation {
  row: SlackInstallationRow;
  botToken: string;
  refreshToken: string | null;
  expiresAt: Date | null;
}

/** The workspace key of an installation or a query: the org for an org-wide install, else the team. */
export function installKey(q: { isEnterpriseInstall?: boolean; teamId?: string; enterpriseId?: string }): string {
  const key = q.isEnterpriseInstall ? q.enterpriseId : q.teamId;
  if (!key) throw new Error(q.isEnterpriseInstall ? 'an org-wide installation without an enterprise id' : 'an installation without a team id');
  return key;
}
