import { sql, type Kysely } from 'kysely';

// Frozen in time: never import from src/ here. Later changes get their own migration.

export async function up(db: Kysely<any>): Promise<void> {
  // A week of live kudos (givers, pile-on parents) read from the index alone.
  await sql`create index kudos_live_window_idx on kudos (workspace_id, created_at) include (id, giver_id, parent_id) where revoked_at is null`.execute(db);
  // The few revoked kudos of a week, subtracted from its counts.
  await sql`create index kudos_revoked_window_idx on kudos (workspace_id, created_at) include (id) where revoked_at is not null`.execute(db);
  // A week of thanks (kudos, recipient) read from the index alone.
  await sql`create index kudos_recipient_window_idx on kudos_recipient (workspace_id, created_at) include (kudos_id, recipient_id)`.execute(db);
  // The scheduler's retry scan: runs held or waiting, by when they may be taken (over).
  await sql`create index job_run_pending_idx on job_run (next_attempt_at) where status in ('claimed', 'posting')`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const name of ['job_run_pending_idx', 'kudos_recipient_window_idx', 'kudos_revoked_window_idx', 'kudos_live_window_idx']) {
    await db.schema.dropIndex(name).ifExists().execute();
  }
}
