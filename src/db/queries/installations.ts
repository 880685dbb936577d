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
