import { sql, type Kysely } from 'kysely';

// Frozen in time: never import from src/ here.

// An admin's export of the whole workspace, by the same short-lived links as a person's own export.
// - scope: 'person' (the link's person's own kudos, as before) or 'workspace' (every kudos, for an admin).
// - from_at, to_at: for a workspace link, the range of kudos it opens ([from_at, to_at)); null for a person link.
// - person_id stays the link's maker: for a workspace link, the admin who asked for it.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('export_link')
    .addColumn('scope', 'text', (c) => c.notNull().defaultTo('person'))
    .addColumn('from_at', 'timestamptz')
    .addColumn('to_at', 'timestamptz')
    .execute();
  await sql`alter table export_link add constraint export_link_scope_check check (scope in ('person', 'workspace'))`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table export_link drop constraint export_link_scope_check`.execute(db);
  await db.schema.alterTable('export_link').dropColumn('scope').dropColumn('from_at').dropColumn('to_at').execute();
}
