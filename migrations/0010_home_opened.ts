import type { Kysely } from 'kysely';

// Frozen in time: never import from src/ here.

// When a person last opened the app's Home: only their Homes are refreshed after kudos.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('person').addColumn('home_opened_at', 'timestamptz').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('person').dropColumn('home_opened_at').execute();
}
