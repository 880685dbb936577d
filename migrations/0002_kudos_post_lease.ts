import type { Kysely } from 'kysely';

// Frozen in time: never import from src/ here.

// A kudos post claimed for posting holds the claim until this time; one waiting out a rate limit is not
// tried again before it. A claim whose time has passed was left by a stop and is recovered by the sweep.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('kudos').addColumn('post_lease_until', 'timestamptz').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('kudos').dropColumn('post_lease_until').execute();
}
