import type { Kysely } from 'kysely';
import type { Database, PersonRow } from '../schema';
import type { Profile } from '../../core/types';

export async function findPeople(db: Kysely<Database>, workspaceId: number, externalIds: string[]): Promise<PersonRow[]> {
  if (externalIds.length === 0) return [];
  return db
    .selectFrom('person')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('external_id', 'in', externalIds)
    .execute();
}

export async function findPersonById(db: Kysely<Database>, workspaceId: number, id: number): Promise<PersonRow | undefined> {
  return db.selectFrom('person').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
}

/**
 * Inserts or refreshes a person from the platform's profile. `fetchedAt` null marks a placeholder made
 * while the platform could not be asked, so it is looked up again next time.
 */
export async function upsertPerson(
  db: Kysely<Database>,
  workspaceId: number,
  p: Profile,
  fetchedAt: Date | null,
): Promise<PersonRow> {
  const values = {
    display_name: p.displayName,
    time_zone: p.timeZone,
    is_bot: p.isBot,
    is_deleted: p.isDeleted,
    is_platform_admin: p.isPlatformAdmin,
    platform_data: JSON.stringify(p.platformData ?? {}),
    profile_fetched_at: fetchedAt,
  };
  return db
    .insertInto('person')
    .values({ workspace_id: workspaceId, external_id: p.externalId, ...values })
    .onConflict((oc) =>
      oc.columns(['workspace_id', 'external_id']).doUpdateSet(
        fetchedAt
          ? values
          : // A placeholder never overwrites what we already knew.
            { profile_fetched_at: (eb) => eb.ref('person.profile_fetched_at') },
      ),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function setPreferences(
  db: Kysely<Database>,
  workspaceId: number,
  personId: number,
  prefs: { dmEnabled?: boolean; rankingsEnabled?: boolean },
): Promise<void> {
  const set: { dm_enabled?: boolean; rankings_enabled?: boolean } = {};
  if (prefs.dmEnabled !== undefined) set.dm_enabled = prefs.dmEnabled;
  if (prefs.rankingsEnabled !== undefined) set.rankings_enabled = prefs.rankingsEnabled;
  if (Object.keys(set).length === 0) return;
  await db.updateTable('person').set(set).where('workspace_id', '=', workspaceId).where('id', '=', personId).execute();
}

/** People by their row ids (for work queued by id, such as the DM outbox). */
export async function findPeopleByIds(db: Kysely<Database>, workspaceId: number, ids: number[]): Promise<PersonRow[]> {
  if (!ids.length) return [];
  return db.selectFrom('person').selectAll().where('workspace_id', '=', workspaceId).where('id', 'in', ids).execute();
}

/** Notes that a person opened the app's Home (Slack), so later kudos refresh it. */
export async function markHomeOpened(db: Kysely<Database>, workspaceId: number, externalId: string, at: Date): Promise<void> {
  await db.updateTable('person').set({ home_opened_at: at }).where('workspace_id', '=', workspaceId).where('external_id', '=', externalId).execute();
}

/** Which of these people have opened the app's Home at least once. */
export async function listHomeOpened(db: Kysely<Database>, workspaceId: number, externalIds: string[]): Promise<string[]> {
  if (externalIds.length === 0) return [];
  const rows = await db
    .selectFrom('person')
    .select('external_id')
    .where('workspace_id', '=', workspaceId)
    .where('external_id', 'in', externalIds)
    .where('home_opened_at', 'is not', null)
    .execute();
  return rows.map((r) => r.external_id);
}
