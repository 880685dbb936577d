import { sql, type Kysely } from 'kysely';

// Frozen in time: never import from src/ here.

// A person's own kudos, downloaded through a short-lived link (GET /export/<token>).
// - token_hash: the sha256 (hex) of the link's random token. The token itself is never stored: the link is
//   the only place it exists, so a database dump opens no one's export.
// - Links are deleted with their person or workspace; expired ones when the workspace's next link is made.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('export_link')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'integer', (c) => c.notNull().references('workspace.id').onDelete('cascade'))
    .addColumn('person_id', 'integer', (c) => c.notNull().references('person.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .execute();
  // Deleting a person (or their workspace) looks their links up; creating a link deletes the workspace's expired ones.
  await db.schema.createIndex('export_link_person_idx').on('export_link').column('person_id').execute();
  await db.schema.createIndex('export_link_workspace_expires_idx').on('export_link').columns(['workspace_id', 'expires_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('export_link').execute();
}
