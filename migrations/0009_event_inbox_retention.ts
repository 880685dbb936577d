import { sql, type Kysely } from 'kysely';

// Frozen in time: never import from src/ here.

// The nightly retention run deletes a workspace's processed deliveries received before a cutoff, and deleting a
// workspace deletes all of its deliveries. Without an index both read the whole inbox, which holds every
// delivery of every workspace for a week: this one lets each find only its workspace's rows.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index event_inbox_workspace_idx on event_inbox (workspace_id, received_at)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists event_inbox_workspace_idx`.execute(db);
}
