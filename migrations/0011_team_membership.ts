import { sql, type Kysely } from 'kysely';

// Frozen in time: never import from src/ here.

// Teams and who belongs to them, for the share of kudos that cross team lines.
// - team: one row per platform team. Slack: a user group (platform_key = its id) that an admin marked as a team
//   (is_team, marked_at); unmarked groups keep their row with is_team false and no members. Teams: the team a
//   kudos was given in (platform_key = the Teams team id), a team as soon as it is seen.
// - team_member: who is in which team. Slack: refreshed from the user group's members; Teams: the giver and
//   recipients of a kudos given in one of the team's channels. A person may be in several teams.
// - team_week: a past period's numbers as first computed (the digest's "last week" share), so the week before
//   is counted once, and a digest says of last week what last week's digest said.
// All are deleted with their workspace; a membership with its team or its person.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('team')
    .addColumn('id', 'integer', (c) => c.generatedAlwaysAsIdentity().primaryKey())
    .addColumn('workspace_id', 'integer', (c) => c.notNull().references('workspace.id').onDelete('cascade'))
    .addColumn('platform_key', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('handle', 'text')
    .addColumn('is_team', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('marked_at', 'timestamptz')
    .addColumn('members_refreshed_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('team_workspace_key_idx').on('team').columns(['workspace_id', 'platform_key']).unique().execute();

  await db.schema
    .createTable('team_member')
    .addColumn('team_id', 'integer', (c) => c.notNull().references('team.id').onDelete('cascade'))
    .addColumn('person_id', 'integer', (c) => c.notNull().references('person.id').onDelete('cascade'))
    .addColumn('workspace_id', 'integer', (c) => c.notNull().references('workspace.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('team_member_pkey', ['team_id', 'person_id'])
    .execute();
  // The digest reads a workspace's memberships whole (person → teams) from this index alone; deleting a person
  // finds their memberships by it too.
  await db.schema.createIndex('team_member_workspace_person_idx').on('team_member').columns(['workspace_id', 'person_id', 'team_id']).execute();
  await db.schema.createIndex('team_member_person_idx').on('team_member').column('person_id').execute();

  await db.schema
    .createTable('team_week')
    .addColumn('workspace_id', 'integer', (c) => c.notNull().references('workspace.id').onDelete('cascade'))
    .addColumn('period_start', 'timestamptz', (c) => c.notNull())
    .addColumn('period_end', 'timestamptz', (c) => c.notNull())
    .addColumn('pairs', 'integer', (c) => c.notNull())
    .addColumn('crossing', 'integer', (c) => c.notNull())
    .addColumn('computed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('team_week_pkey', ['workspace_id', 'period_start', 'period_end'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('team_week').execute();
  await db.schema.dropTable('team_member').execute();
  await db.schema.dropTable('team').execute();
}
