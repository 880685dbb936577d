import { sql, type Kysely } from 'kysely';

// Frozen in time: never import from src/ here. Later changes get their own migration.

export async function up(db: Kysely<any>): Promise<void> {
  // Where the bot can write in Teams: one row per conversation it has seen (a team channel, a group chat, a
  // personal chat), refreshed on every inbound activity because the serviceUrl can change. Proactive posts
  // (digest, campaigns, private notes) start from these; they live here, not in memory, so every replica sees them.
  await db.schema
    .createTable('conversation_ref')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('workspace_id', 'integer', (c) => c.notNull().references('workspace.id').onDelete('cascade'))
    // Without the `;messageid=…` suffix a channel reply carries: the channel itself.
    .addColumn('conversation_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('personal', 'groupChat', 'channel')`))
    .addColumn('team_id', 'text')
    .addColumn('channel_id', 'text')
    // The person a personal chat is with.
    .addColumn('person_id', 'integer', (c) => c.references('person.id').onDelete('set null'))
    .addColumn('name', 'text')
    .addColumn('reference', 'jsonb', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('conversation_ref_workspace_conversation_uq', ['workspace_id', 'conversation_id'])
    .execute();
  await db.schema
    .createIndex('conversation_ref_person_idx')
    .on('conversation_ref')
    .columns(['workspace_id', 'person_id'])
    .where(sql.ref('person_id'), 'is not', null)
    .execute();
  await db.schema.createIndex('conversation_ref_team_idx').on('conversation_ref').columns(['workspace_id', 'team_id']).execute();

}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('conversation_ref').ifExists().execute();
}
