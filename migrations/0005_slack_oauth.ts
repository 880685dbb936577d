import { sql, type Kysely } from 'kysely';

// Frozen in time: never import from src/ here.

// "Add to Slack" for several workspaces.
// - slack_oauth_state: each install link's state, so that it is used once (the state is also signed).
// - An org-wide Enterprise Grid installation serves every workspace of the org, each with its own workspace row,
//   so it belongs to no one workspace: slack_installation.workspace_id is null for it.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('slack_oauth_state')
    .addColumn('nonce', 'text', (c) => c.primaryKey())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.alterTable('slack_installation').alterColumn('workspace_id', (c) => c.dropNotNull()).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.deleteFrom('slack_installation').where('workspace_id', 'is', null).execute();
  await db.schema.alterTable('slack_installation').alterColumn('workspace_id', (c) => c.setNotNull()).execute();
  await db.schema.dropTable('slack_oauth_state').execute();
}
