import { sql, type Kysely } from 'kysely';

// Frozen in time: never import from src/ here.

export async function up(db: Kysely<any>): Promise<void> {
  // A person's kudos received (the App Home, /thanks stats) as an index-only scan: the recipient index carries
  // the kudos id, so 10,000 kudos received spread across the table cost index pages, not 10,000 heap visits.
  // It replaces the same index without the id.
  await sql`create index kudos_recipient_person_cover_idx on kudos_recipient (workspace_id, recipient_id, created_at) include (kudos_id)`.execute(db);
  await sql`drop index if exists kudos_recipient_person_idx`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`create index if not exists kudos_recipient_person_idx on kudos_recipient (workspace_id, recipient_id, created_at)`.execute(db);
  await sql`drop index if exists kudos_recipient_person_cover_idx`.execute(db);
}
