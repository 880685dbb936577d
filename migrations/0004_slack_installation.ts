import { sql, type Kysely } from 'kysely';

// Frozen in time: never import from src/ here.

// Slack installations made through "Add to Slack" (OAuth v2), one per workspace key: the team, or the Grid org
// for an org-wide install. Tokens are sealed (AES-256-GCM, src/core/secrets.ts): the columns never hold a
// token as Slack issued it. The installation goes with its workspace when that is deleted.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('slack_installation')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('workspace_id', 'integer', (c) => c.notNull().unique().references('workspace.id').onDelete('cascade'))
    .addColumn('install_key', 'text', (c) => c.notNull().unique())
    .addColumn('team_id', 'text')
    .addColumn('team_name', 'text')
    .addColumn('enterprise_id', 'text')
    .addColumn('enterprise_name', 'text')
    .addColumn('is_enterprise_install', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('app_id', 'text')
    .addColumn('bot_id', 'text', (c) => c.notNull())
    .addColumn('bot_user_id', 'text', (c) => c.notNull())
    .addColumn('bot_scopes', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('bot_token_sealed', 'text', (c) => c.notNull())
    .addColumn('bot_refresh_token_sealed', 'text')
    .addColumn('bot_token_expires_at', 'timestamptz')
    .addColumn('installer_user_id', 'text')
    .addColumn('installed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('slack_installation').execute();
}
