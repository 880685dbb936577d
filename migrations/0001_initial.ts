import { sql, type Kysely } from 'kysely';

// Frozen in time: never import from src/ here. Later changes get their own migration.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('workspace')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('platform', 'text', (c) => c.notNull().check(sql`platform in ('slack', 'teams')`))
    .addColumn('external_id', 'text', (c) => c.notNull())
    .addColumn('enterprise_id', 'text')
    .addColumn('name', 'text')
    .addColumn('time_zone', 'text', (c) => c.notNull().defaultTo('UTC'))
    .addColumn('bot_user_id', 'text')
    .addColumn('installed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('uninstalled_at', 'timestamptz')
    .addUniqueConstraint('workspace_platform_external_uq', ['platform', 'external_id'])
    .execute();

  await db.schema
    .createTable('person')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('workspace_id', 'integer', (c) => c.notNull().references('workspace.id').onDelete('cascade'))
    .addColumn('external_id', 'text', (c) => c.notNull())
    .addColumn('display_name', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('time_zone', 'text')
    .addColumn('is_bot', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('is_deleted', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('is_platform_admin', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('dm_enabled', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('rankings_enabled', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('platform_data', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('profile_fetched_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('person_workspace_external_uq', ['workspace_id', 'external_id'])
    .execute();

  await db.schema
    .createTable('value')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('workspace_id', 'integer', (c) => c.notNull().references('workspace.id').onDelete('cascade'))
    .addColumn('slug', 'text', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('emoji', 'text', (c) => c.notNull())
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('value_workspace_slug_uq', ['workspace_id', 'slug'])
    .execute();

  await db.schema
    .createTable('kudos')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('workspace_id', 'integer', (c) => c.notNull().references('workspace.id').onDelete('cascade'))
    .addColumn('giver_id', 'integer', (c) => c.notNull().references('person.id'))
    .addColumn('source', 'text', (c) => c.notNull())
    // The platform's natural idempotency key (trigger_id, reaction key, activity id): a re-delivery is a no-op.
    .addColumn('source_key', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    // Where the thanks happened (command channel, reacted message, shortcut message).
    .addColumn('channel_id', 'text')
    .addColumn('message_ts', 'text')
    .addColumn('permalink', 'text')
    .addColumn('emoji', 'text')
    // The bot's own post about this kudos, found again for pile-ons and withdrawal.
    .addColumn('post_channel_id', 'text')
    .addColumn('post_ts', 'text')
    .addColumn('post_status', 'text', (c) => c.notNull().defaultTo('none'))
    .addColumn('parent_id', 'integer', (c) => c.references('kudos.id'))
    .addColumn('campaign_key', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    // The giver's local day at creation: the allowance day this kudos consumed.
    .addColumn('local_day', 'date', (c) => c.notNull())
    .addColumn('revoked_at', 'timestamptz')
    .addColumn('revoked_by', 'integer', (c) => c.references('person.id'))
    .addColumn('revoked_reason', 'text')
    .addUniqueConstraint('kudos_workspace_source_key_uq', ['workspace_id', 'source_key'])
    .execute();
  await db.schema.createIndex('kudos_workspace_created_idx').on('kudos').columns(['workspace_id', 'created_at']).execute();
  await db.schema
    .createIndex('kudos_giver_created_idx')
    .on('kudos')
    .columns(['workspace_id', 'giver_id', 'created_at'])
    .execute();
  await db.schema
    .createIndex('kudos_post_idx')
    .on('kudos')
    .columns(['workspace_id', 'post_channel_id', 'post_ts'])
    .where(sql.ref('post_ts'), 'is not', null)
    .execute();
  await db.schema.createIndex('kudos_parent_idx').on('kudos').column('parent_id').where(sql.ref('parent_id'), 'is not', null).execute();
  await db.schema
    .createIndex('kudos_campaign_idx')
    .on('kudos')
    .columns(['workspace_id', 'campaign_key'])
    .where(sql.ref('campaign_key'), 'is not', null)
    .execute();

  await db.schema
    .createTable('kudos_recipient')
    .addColumn('kudos_id', 'integer', (c) => c.notNull().references('kudos.id').onDelete('cascade'))
    .addColumn('workspace_id', 'integer', (c) => c.notNull())
    .addColumn('recipient_id', 'integer', (c) => c.notNull().references('person.id'))
    // Copied from the kudos so that "received this week" is one index range per person.
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('kudos_recipient_pk', ['kudos_id', 'recipient_id'])
    .execute();
  await db.schema
    .createIndex('kudos_recipient_person_idx')
    .on('kudos_recipient')
    .columns(['workspace_id', 'recipient_id', 'created_at'])
    .execute();
  await db.schema
    .createIndex('kudos_recipient_workspace_created_idx')
    .on('kudos_recipient')
    .columns(['workspace_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('kudos_value')
    .addColumn('kudos_id', 'integer', (c) => c.notNull().references('kudos.id').onDelete('cascade'))
    .addColumn('value_id', 'integer', (c) => c.notNull().references('value.id'))
    .addColumn('workspace_id', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('kudos_value_pk', ['kudos_id', 'value_id'])
    .execute();
  await db.schema.createIndex('kudos_value_value_idx').on('kudos_value').columns(['workspace_id', 'value_id']).execute();

  await db.schema
    .createTable('allowance_usage')
    .addColumn('workspace_id', 'integer', (c) => c.notNull())
    .addColumn('person_id', 'integer', (c) => c.notNull().references('person.id').onDelete('cascade'))
    .addColumn('day', 'date', (c) => c.notNull())
    .addColumn('used', 'integer', (c) => c.notNull().check(sql`used >= 0`))
    .addPrimaryKeyConstraint('allowance_usage_pk', ['person_id', 'day'])
    .execute();

  await db.schema
    .createTable('setting')
    .addColumn('workspace_id', 'integer', (c) => c.notNull().references('workspace.id').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('value', 'jsonb', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_by', 'integer', (c) => c.references('person.id'))
    .addPrimaryKeyConstraint('setting_pk', ['workspace_id', 'key'])
    .execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('workspace_id', 'integer', (c) => c.notNull().references('workspace.id').onDelete('cascade'))
    .addColumn('actor_id', 'integer', (c) => c.references('person.id'))
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('before', 'jsonb')
    .addColumn('after', 'jsonb')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('audit_log_workspace_idx').on('audit_log').columns(['workspace_id', 'created_at']).execute();

  // One-off notices (e.g. "out of allowance" once per day, a challenge congratulation once per campaign).
  await db.schema
    .createTable('notice')
    .addColumn('workspace_id', 'integer', (c) => c.notNull())
    .addColumn('person_id', 'integer', (c) => c.notNull().references('person.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('notice_pk', ['workspace_id', 'person_id', 'kind', 'period'])
    .execute();

  // Durable inbox for platform events: stored before the ack, processed after, swept after a crash.
  await db.schema
    .createTable('event_inbox')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('delivery_id', 'text', (c) => c.notNull())
    .addColumn('workspace_id', 'integer')
    .addColumn('body', 'jsonb', (c) => c.notNull())
    .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('locked_until', 'timestamptz')
    .addColumn('processed_at', 'timestamptz')
    .addColumn('last_error', 'text')
    .addUniqueConstraint('event_inbox_delivery_uq', ['platform', 'delivery_id'])
    .execute();
  await db.schema
    .createIndex('event_inbox_pending_idx')
    .on('event_inbox')
    .column('received_at')
    .where(sql.ref('processed_at'), 'is', null)
    .execute();

  // Scheduled posts (digest, campaign prompts), claimed once per (workspace, kind, period).
  await db.schema
    .createTable('job_run')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('workspace_id', 'integer', (c) => c.notNull().references('workspace.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('period_key', 'text', (c) => c.notNull())
    .addColumn('due_at', 'timestamptz', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('target', 'text')
    .addColumn('message_ref', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'timestamptz')
    .addColumn('last_error', 'text')
    .addColumn('claimed_by', 'text')
    .addColumn('claimed_at', 'timestamptz')
    .addColumn('finished_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('job_run_claim_uq', ['workspace_id', 'kind', 'period_key'])
    .execute();
  await db.schema.createIndex('job_run_workspace_idx').on('job_run').columns(['workspace_id', 'created_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    'job_run',
    'event_inbox',
    'notice',
    'audit_log',
    'setting',
    'allowance_usage',
    'kudos_value',
    'kudos_recipient',
    'kudos',
    'value',
    'person',
    'workspace',
  ]) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
