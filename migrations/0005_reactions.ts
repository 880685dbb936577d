import { sql, type Kysely } from 'kysely';

// Frozen in time: never import from src/ here.

export async function up(db: Kysely<any>): Promise<void> {
  // The latest reaction event applied per natural key (workspace, channel, message ts, reactor, emoji):
  // a last-writer-wins register, so re-deliveries and out-of-order add/remove converge.
  await db.schema
    .createTable('reaction_state')
    .addColumn('workspace_id', 'integer', (c) => c.notNull().references('workspace.id').onDelete('cascade'))
    .addColumn('channel_id', 'text', (c) => c.notNull())
    .addColumn('message_ts', 'text', (c) => c.notNull())
    .addColumn('reactor', 'text', (c) => c.notNull())
    .addColumn('emoji', 'text', (c) => c.notNull())
    .addColumn('event_ts', 'numeric(20, 6)', (c) => c.notNull())
    .addColumn('present', 'boolean', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('reaction_state_pk', ['workspace_id', 'channel_id', 'message_ts', 'reactor', 'emoji'])
    .execute();

  // The group a kudos answers for (one reaction, or one reactor's pile-on on one post), so reconciling a
  // group finds its kudos without scanning.
  await db.schema.alterTable('kudos').addColumn('reaction_group', 'text').execute();
  await db.schema
    .createIndex('kudos_reaction_group_idx')
    .on('kudos')
    .columns(['workspace_id', 'reaction_group'])
    .where(sql.ref('reaction_group'), 'is not', null)
    .execute();

  // Recipient DMs waiting to be sent together (ten reactions in a minute are one DM).
  await db.schema
    .createTable('dm_outbox')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('workspace_id', 'integer', (c) => c.notNull().references('workspace.id').onDelete('cascade'))
    .addColumn('recipient_id', 'integer', (c) => c.notNull().references('person.id').onDelete('cascade'))
    .addColumn('kudos_id', 'integer', (c) => c.notNull().references('kudos.id').onDelete('cascade'))
    .addColumn('due_at', 'timestamptz', (c) => c.notNull())
    .addColumn('sent_at', 'timestamptz')
    .addColumn('locked_until', 'timestamptz')
    .addUniqueConstraint('dm_outbox_kudos_recipient_uq', ['kudos_id', 'recipient_id'])
    .execute();
  await db.schema.createIndex('dm_outbox_due_idx').on('dm_outbox').column('due_at').where(sql.ref('sent_at'), 'is', null).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('dm_outbox').ifExists().execute();
  await db.schema.dropIndex('kudos_reaction_group_idx').ifExists().execute();
  await db.schema.alterTable('kudos').dropColumn('reaction_group').execute();
  await db.schema.dropTable('reaction_state').ifExists().execute();
}
