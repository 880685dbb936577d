import { sql, type Kysely } from 'kysely';

// Frozen in time: never import from src/ here.

// Publishing a kudos exactly once, and its recipients' DMs with it:
// - post_lease_until: a kudos post claimed for posting holds the claim until this time; one waiting out a rate
//   limit is not tried again before it. A claim whose time has passed was left by a stop and is recovered.
// - dms_due_at: a kudos published by the request that recorded it owes its recipients' DMs until that request
//   sends them; past this time the outbox takes them over (they go out even if the request stopped).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('kudos').addColumn('post_lease_until', 'timestamptz').addColumn('dms_due_at', 'timestamptz').execute();
  await sql`create index kudos_dms_due_idx on kudos (dms_due_at) where dms_due_at is not null`.execute(db);
  // The sweep looks for unfinished posts every minute: only those rows, never the whole ledger.
  await sql`create index kudos_unsettled_post_idx on kudos (workspace_id, id) where post_status in ('pending', 'posting')`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists kudos_unsettled_post_idx`.execute(db);
  await sql`drop index if exists kudos_dms_due_idx`.execute(db);
  await db.schema.alterTable('kudos').dropColumn('dms_due_at').dropColumn('post_lease_until').execute();
}
