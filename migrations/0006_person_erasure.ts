import { sql, type Kysely } from 'kysely';

// Frozen in time: never import from src/ here.

// Erasing a person (src/core/erasure.ts): their name and profile are removed, their kudos kept.
// - person.erased_at: when they were erased; null for everyone else. A refresh from the platform's directory
//   keeps an erased person's placeholder name and cleared profile (src/core/people.ts).
// - person_deactivated_idx: the nightly retention sweep looks for deactivated people not erased yet, by when
//   their profile was last read: only those rows, never every person.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('person').addColumn('erased_at', 'timestamptz').execute();
  await sql`create index person_deactivated_idx on person (workspace_id, profile_fetched_at) where is_deleted and erased_at is null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists person_deactivated_idx`.execute(db);
  await db.schema.alterTable('person').dropColumn('erased_at').execute();
}
