import type { Kysely } from 'kysely';
import { findWorkspace, listInstalledWorkspaces, upsertWorkspace, type WorkspaceInput } from '../db/queries/workspaces';
import type { Database, Platform, WorkspaceRow } from '../db/schema';
import { DEFAULT_VALUES } from './values';

export type { WorkspaceInput };

/**
 * A workspace (a Slack team or Grid org, a Teams tenant) seen by the bot: created with the default values the
 * first time, its names refreshed after, and back from an uninstall when it is seen again.
 */
export function connectWorkspace(db: Kysely<Database>, input: WorkspaceInput): Promise<WorkspaceRow> {
  return upsertWorkspace(db, input, DEFAULT_VALUES);
}

/** The installed workspace for a platform id, connecting it when it is new (or was uninstalled). */
export async function workspaceFor(db: Kysely<Database>, input: WorkspaceInput): Promise<WorkspaceRow> {
  const ws = await findWorkspace(db, input.platform, input.externalId);
  return ws && !ws.uninstalled_at ? ws : connectWorkspace(db, input);
}

/** The next page of a platform's installed workspaces (for work done for each of them in turn). */
export function installedWorkspaces(db: Kysely<Database>, platform: Platform, afterId: number, limit: number): Promise<WorkspaceRow[]> {
  return listInstalledWorkspaces(db, platform, afterId, limit);
}
