import type { Kysely } from 'kysely';
import type { Database, Platform, WorkspaceRow } from '../schema';
import type { ValueSeed } from '../../core/values';

export interface WorkspaceInput {
  platform: Platform;
  externalId: string;
  enterpriseId?: string | null;
  name?: string | null;
  botUserId?: string | null;
  timeZone?: string | null;
}

/** Creates the workspace (seeding its values) or refreshes its names; returns the row. */
export async function upsertWorkspace(db: Kysely<Database>, input: WorkspaceInput, seedValues: readonly ValueSeed[]): Promise<WorkspaceRow> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('workspace')
      .values({
        platform: input.platform,
        external_id: input.externalId,
        enterprise_id: input.enterpriseId ?? null,
        name: input.name ?? null,
        bot_user_id: input.botUserId ?? null,
        ...(input.timeZone ? { time_zone: input.timeZone } : {}),
      })
      .onConflict((oc) =>
        oc.columns(['platform', 'external_id']).doUpdateSet((eb) => ({
          enterprise_id: eb.fn.coalesce(eb.val(input.enterpriseId ?? null), eb.ref('workspace.enterprise_id')),
          name: eb.fn.coalesce(eb.val(input.name ?? null), eb.ref('workspace.name')),
          bot_user_id: eb.fn.coalesce(eb.val(input.botUserId ?? null), eb.ref('workspace.bot_user_id')),
          uninstalled_at: null,
        })),
      )
      .returningAll()
      .executeTakeFirstOrThrow();
    const hasValues = await trx.selectFrom('value').select('id').where('workspace_id', '=', row.id).limit(1).executeTakeFirst();
    if (!hasValues && seedValues.length) {
      await trx
        .insertInto('value')
        .values(seedValues.map((v, i) => ({ workspace_id: row.id, slug: v.slug, label: v.label, emoji: v.emoji, position: i })))
        .onConflict((oc) => oc.columns(['workspace_id', 'slug']).doNothing())
        .execute();
    }
    return row;
  });
}

export async function findWorkspace(db: Kysely<Database>, platform: Platform, externalId: string): Promise<WorkspaceRow | undefined> {
  return db
    .selectFrom('workspace')
    .selectAll()
    .where('platform', '=', platform)
    .where('external_id', '=', externalId)
    .executeTakeFirst();
}

export async function getWorkspace(db: Kysely<Database>, id: number): Promise<WorkspaceRow> {
  return db.selectFrom('workspace').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

/** Installed workspaces of a platform, a page at a time (by id, after `afterId`). */
export async function listInstalledWorkspaces(db: Kysely<Database>, platform: Platform, afterId: number, limit: number): Promise<WorkspaceRow[]> {
  return db
    .selectFrom('workspace')
    .selectAll()
    .where('platform', '=', platform)
    .where('uninstalled_at', 'is', null)
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** Workspaces of a platform uninstalled before `cutoff` (their grace period over), oldest first. */
export async function listUninstalledBefore(db: Kysely<Database>, platform: Platform, cutoff: Date, limit: number): Promise<WorkspaceRow[]> {
  return db
    .selectFrom('workspace')
    .selectAll()
    .where('platform', '=', platform)
    .where('uninstalled_at', '<', cutoff)
    .orderBy('uninstalled_at')
    .limit(limit)
    .execute();
}

/** Locks the workspace if it is still uninstalled since before `cutoff` (in the caller's transaction). */
export async function lockIfUninstalledBefore(trx: Kysely<Database>, workspaceId: number, cutoff: Date): Promise<boolean> {
  const row = await trx.selectFrom('workspace').select('id').where('id', '=', workspaceId).where('uninstalled_at', '<', cutoff).forUpdate().executeTakeFirst();
  return !!row;
}
