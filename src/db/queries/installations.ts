import type { Insertable, Kysely, Selectable } from 'kysely';
import type { Database, SlackInstallationTable } from '../schema';

export type SlackInstallationRow = Selectable<SlackInstallationTable>;
export type SlackInstallationInput = Omit<Insertable<SlackInstallationTable>, 'id' | 'installed_at' | 'updated_at'>;

/** Records an installation, replacing the one stored for its key (a reinstall, new scopes, a rotated token). */
export async function upsertSlackInstallation(db: Kysely<Database>, row: SlackInstallationInput): Promise<void> {
  const { install_key: _key, ...changes } = row;
  await db
    .insertInto('slack_installation')
    .values(row)
    .onConflict((oc) => oc.column('install_key').doUpdateSet({ ...changes, updated_at: new Date() }))
    .execute();
}

export function findSlackInstallation(db: Kysely<Database>, installKey: string): Promise<SlackInstallationRow | undefined> {
  return db.selectFrom('slack_installation').selectAll().where('install_key', '=', installKey).executeTakeFirst();
}

export async function deleteSlackInstallation(db: Kysely<Database>, installKey: string): Promise<boolean> {
  const r = await db.deleteFrom('slack_installation').where('install_key', '=', installKey).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** Replaces an installation's bot token after a rotation (oauth.v2.access with its refresh token). */
export async function updateSlackBotToken(
  db: Kysely<Database>,
  installKey: string,
  sealed: { token: string; refreshToken: string | null; expiresAt: Date | null },
): Promise<void> {
  await db
    .updateTable('slack_installation')
    .set({ bot_token_sealed: sealed.token, bot_refresh_token_sealed: sealed.refreshToken, bot_token_expires_at: sealed.expiresAt, updated_at: new Date() })
    .where('install_key', '=', installKey)
    .execute();
}

/**
 * Marks uninstalled the workspaces an installation served: the team's own, or for an org-wide install every
 * workspace of the org (one-workspace mode keys an org install's workspace by the org id itself). Their data
 * stays until the grace period ends.
 */
export async function markSlackWorkspacesUninstalled(db: Kysely<Database>, served: { teamId?: string; enterpriseId?: string }, at: Date): Promise<number> {
  const r = await db
    .updateTable('workspace')
    .set({ uninstalled_at: at })
    .where('platform', '=', 'slack')
    .where('uninstalled_at', 'is', null)
    .where((eb) =>
      served.enterpriseId ? eb.or([eb('enterprise_id', '=', served.enterpriseId), eb('external_id', '=', served.enterpriseId)]) : eb('external_id', '=', served.teamId ?? ''),
    )
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** An org-wide install again: the org's workspaces that an uninstall left marked are back. */
export async function restoreSlackOrgWorkspaces(db: Kysely<Database>, enterpriseId: string): Promise<void> {
  await db
    .updateTable('workspace')
    .set({ uninstalled_at: null })
    .where('platform', '=', 'slack')
    .where('enterprise_id', '=', enterpriseId)
    .where('uninstalled_at', 'is not', null)
    .execute();
}

/** The installation rows that belong to one workspace (its own install; an org-wide install belongs to none). */
export function installationsOf(db: Kysely<Database>, workspaceId: number): Promise<SlackInstallationRow[]> {
  return db.selectFrom('slack_installation').selectAll().where('workspace_id', '=', workspaceId).execute();
}

/** Writes installation rows back exactly as they were read (after their workspace row was deleted and put back). */
export async function putBackInstallations(db: Kysely<Database>, rows: readonly SlackInstallationRow[]): Promise<void> {
  if (rows.length) await db.insertInto('slack_installation').values([...rows]).execute();
}
