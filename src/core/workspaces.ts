import type { Kysely } from 'kysely';
import { installationsOf, markSlackWorkspacesUninstalled, putBackInstallations } from '../db/queries/installations';
import { insertAudit } from '../db/queries/audit';
import {
  countWorkspaceData,
  findWorkspace,
  listUninstalledBefore,
  lockIfUninstalledBefore,
  lockWorkspace,
  restoreWorkspaceRow,
  upsertWorkspace,
  type WorkspaceInput,
} from '../db/queries/workspaces';
import type { Database, Platform, WorkspaceRow } from '../db/schema';
import type { AdminCheck } from './admin';
import { saveSetting } from './settings-store';
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

/**
 * Marks uninstalled the Slack workspaces an installation served (a team's own, or every workspace of an org):
 * nothing more is posted there, and their data stays until the grace period ends.
 */
export function markSlackUninstalled(db: Kysely<Database>, served: { teamId?: string; enterpriseId?: string }, at: Date): Promise<number> {
  return markSlackWorkspacesUninstalled(db, served, at);
}

/**
 * Deletes a workspace and every row it has, in one transaction (or in the caller's, when `db` is one): its
 * people, values, kudos and everything hanging off them go with the workspace row (the foreign keys cascade,
 * migrations/0003_workspace_delete_cascade.ts); the event inbox has no foreign key to it, so its deliveries
 * are deleted here. Nothing of another workspace is touched. Returns whether the workspace was there.
 */
export async function deleteWorkspace(db: Kysely<Database>, workspaceId: number): Promise<boolean> {
  const run = async (trx: Kysely<Database>): Promise<boolean> => {
    await trx.deleteFrom('event_inbox').where('workspace_id', '=', workspaceId).execute();
    const deleted = await trx.deleteFrom('workspace').where('id', '=', workspaceId).executeTakeFirst();
    return Number(deleted.numDeletedRows) > 0;
  };
  return db.isTransaction ? run(db) : db.transaction().execute(run);
}

/**
 * Deletes, each in full and in its own transaction, the workspaces of a platform that were uninstalled longer ago
 * than the grace period (a reinstall within it clears uninstalled_at, and they are kept). Safe to run on every
 * replica at once: a workspace deleted by one is simply not found by the others. Returns the ids deleted.
 */
export async function deleteExpiredWorkspaces(db: Kysely<Database>, platform: Platform, now: Date, graceDays: number, limit = 20): Promise<WorkspaceRow[]> {
  const cutoff = new Date(now.getTime() - graceDays * 24 * 60 * 60_000);
  const due = await listUninstalledBefore(db, platform, cutoff, limit);
  const deleted: WorkspaceRow[] = [];
  for (const ws of due) {
    // Deleted only if still uninstalled before the cutoff: a reinstall a moment ago wins.
    const gone = await db.transaction().execute(async (trx) => ((await lockIfUninstalledBefore(trx, ws.id, cutoff)) ? deleteWorkspace(trx, ws.id) : false));
    if (gone) deleted.push(ws);
  }
  return deleted;
}

/** What an admin types to confirm "Delete all data" (compared without case or surrounding spaces). */
export const DELETE_ALL_PHRASE = 'delete all data';

export type DeleteAllOutcome = { status: 'deleted'; kudos: number; people: number } | { status: 'not_allowed' } | { status: 'not_confirmed' };

/**
 * An admin's "Delete all data": every row the workspace has (kudos, people, values, settings, the audit log,
 * scheduled posts, stored deliveries, links…) is deleted in one transaction, as at the end of an uninstall's grace
 * period. Kudos stays installed, so the workspace row itself and its installation are put back as they were (same
 * id, the default values) in that same transaction: the workspace starts over as if Kudos had just been added,
 * and nothing of before is left. The new audit log's first entry says who did it and how much went (counts only);
 * an admin by the admin list (the only kind Teams has) is put back on it, so the fresh start does not lock them
 * out. The admin check is the server's own; a refusal is audited and deletes nothing.
 */
export async function deleteAllData(db: Kysely<Database>, workspace: WorkspaceRow, check: AdminCheck, typed: string): Promise<DeleteAllOutcome> {
  const actor = check.person?.external_id ?? '';
  if (!check.admin) {
    await insertAudit(db, { workspaceId: workspace.id, actorId: check.person?.id ?? null, action: 'data.delete_all.refused', target: actor, before: null, after: null });
    return { status: 'not_allowed' };
  }
  if (typed.trim().toLowerCase() !== DELETE_ALL_PHRASE) return { status: 'not_confirmed' };
  return db.transaction().execute(async (trx) => {
    const row = await lockWorkspace(trx, workspace.id);
    if (!row) return { status: 'deleted', kudos: 0, people: 0 };
    const counts = await countWorkspaceData(trx, row.id);
    // The installation (Kudos's token there) is how Kudos stays installed: it is kept as it was.
    const installations = await installationsOf(trx, row.id);
    await deleteWorkspace(trx, row.id);
    await restoreWorkspaceRow(trx, row, DEFAULT_VALUES);
    await putBackInstallations(trx, installations);
    // The actor's person row went with everything else: the entry names them by their platform id.
    await insertAudit(trx, { workspaceId: row.id, actorId: null, action: 'data.delete_all', target: actor, before: counts, after: null });
    if (check.via === 'settings' && actor) await saveSetting(trx, { workspaceId: row.id, key: 'admins', value: [actor], expectedVersion: 0, actorId: null });
    return { status: 'deleted', ...counts };
  });
}
