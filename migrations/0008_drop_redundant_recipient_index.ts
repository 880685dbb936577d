import { sql, type Kysely } from 'kysely';

// Frozen in time: never import from src/ here.

// kudos_recipient_window_idx (0003) has the same key and more columns: the older index only costs writes.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists kudos_recipient_workspace_created_idx`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`create index if not exists kudos_recipient_workspace_created_idx on kudos_recipient (workspace_id, created_at)`.execute(db);
}
