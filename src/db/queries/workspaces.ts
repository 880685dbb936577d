import { sql, type Kysely } from 'kysely';
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
    if (!hasValues) await insertSeedValues(trx, row.id, seedValues);
    return row;
  });
}

async function insertSeedValues(db: Kysely<Database>, workspaceId: number, seedValues: readonly ValueSeed[]): Promise<void> {
  if (!seedValues.length) return;
  await db
    .insertInto('value')
    .values(seedValues.map((v, i) => ({ workspace_id: workspaceId, slug: v.slug, label: v.label, emoji: v.emoji, position: i })))
    .onConflict((oc) => oc.columns(['workspace_id', 'slug']).doNothing())
    .execute();
}

/** Locks a workspace's row for the rest of the caller's transaction; undefined when it is not there. */
export async function lockWorkspace(trx: Kysely<Database>, workspaceId: number): Promise<WorkspaceRow | undefined> {
  return trx.selectFrom('workspace').selectAll().where('id', '=', workspaceId).forUpdate().executeTakeFirst();
}

/**
 * Puts a deleted workspace's row back as it was (same id, platform ids, names, zone and install time) with the
 * seed values, in the caller's transaction: a fresh start for a workspace whose data was deleted while Kudos stays
 * installed there. The id is kept so that every running replica's reference to the workspace stays right.
 */
export async function restoreWorkspaceRow(trx: Kysely<Database>, row: WorkspaceRow, seedValues: readonly ValueSeed[]): Promise<void> {
  await sql`
    insert into workspace (id, platform, external_id, enterprise_id, name, time_zone, bot_user_id, installed_at, uninstalled_at)
    overriding system value
    values (${row.id}, ${row.platform}, ${row.external_id}, ${row.enterprise_id}, ${row.name}, ${row.time_zone}, ${row.bot_user_id}, ${row.installed_at}, ${row.uninstalled_at})`.execute(trx);
  await insertSeedValues(trx, row.id, seedValues);
}

/** How many of a workspace's rows hold what people did: its kudos and its people (for the audit log). */
export async function countWorkspaceData(db: Kysely<Database>, workspaceId: number): Promise<{ kudos: number; people: number }> {
  const row = await db
    .selectNoFrom((eb) => [
      eb.selectFrom('kudos').select(eb.fn.countAll<string>().as('n')).where('workspace_id', '=', workspaceId).as('kudos'),
      eb.selectFrom('person').select(eb.fn.countAll<string>().as('n')).where('workspace_id', '=', workspaceId).as('people'),
    ])
    .executeTakeFirstOrThrow();
  return { kudos: Number(row.kudos), people: Number(row.people) };
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

/**
 * A platform's installed workspaces that have publishing work due (up to `limit`, by id): kudos whose post is
 * unsettled and no longer held (`leftovers`), or DMs due (`dms`: owed on a kudos row, or waiting in the
 * outbox). One read for any size of fleet, on the partial indexes those columns have.
 */
export async function listWorkspacesWithDueWork(
  db: Kysely<Database>,
  platform: Platform,
  work: { kind: 'leftovers'; now: Date; recordedBefore: Date } | { kind: 'dms'; now: Date },
  limit: number,
): Promise<WorkspaceRow[]> {
  const due =
    work.kind === 'leftovers'
      ? sql<{ workspace_id: number }>`
          select workspace_id from kudos
          where post_status in ('pending', 'posting')
            and (post_lease_until <= ${work.now} or (post_lease_until is null and created_at <= ${work.recordedBefore}))`
      : sql<{ workspace_id: number }>`
          select workspace_id from kudos where dms_due_at is not null and dms_due_at <= ${work.now}
          union
          select workspace_id from dm_outbox
          where sent_at is null and due_at <= ${work.now} and (locked_until is null or locked_until < ${work.now})`;
  return db
    .selectFrom('workspace')
    .selectAll()
    .where('platform', '=', platform)
    .where('uninstalled_at', 'is', null)
    .where(sql<boolean>`id in (${due})`)
    .orderBy('id')
    .limit(limit)
    .execute();
}
