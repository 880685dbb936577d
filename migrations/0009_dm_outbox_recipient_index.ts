import { sql, type Kysely } from 'kysely';

// Frozen in time: never import from src/ here.

// Queuing a DM looks for the recipient's open batch; without this index that is a scan of every unsent DM.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index if not exists dm_outbox_open_batch_idx on dm_outbox (workspace_id, recipient_id, due_at) where sent_at is null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists dm_outbox_open_batch_idx`.execute(db);
}
