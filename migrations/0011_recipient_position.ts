import { sql, type Kysely } from 'kysely';

// Frozen in time: never import from src/ here.

// Recipients keep the order the giver named them in, so every rendering of a kudos reads the same way.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('kudos_recipient')
    .addColumn('position', 'smallint', (c) => c.notNull().defaultTo(sql`0`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('kudos_recipient').dropColumn('position').execute();
}
