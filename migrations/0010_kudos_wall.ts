import { sql, type Kysely } from 'kysely';

// Frozen in time: never import from src/ here.

// The Kudos Wall: a read-only page opened by a link (GET /wall/<token>).
// - wall_link: a link an admin made and named. token_hash is the sha256 (hex) of its random token; the token
//   itself is never stored, so a database dump opens no wall. A link ends when revoked or past expires_at
//   (null: never expires). Kept after it ends, so the admin's list and the audit log can still name it.
// - wall_channel: whether a channel (a Slack channel, a Teams conversation) is public, as the platform said when
//   asked. Only kudos given in a channel known to be public ever reach a wall: no row means "not shown".
// - kudos_revoked_at_idx: an open wall asks every second which kudos were withdrawn since it last asked.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table wall_link (
      id integer generated always as identity primary key,
      workspace_id integer not null references workspace (id) on delete cascade,
      name text not null,
      token_hash text not null,
      created_by integer references person (id) on delete set null,
      created_at timestamptz not null default now(),
      expires_at timestamptz,
      revoked_at timestamptz,
      revoked_by integer references person (id) on delete set null,
      constraint wall_link_token_hash_uq unique (token_hash)
    )`.execute(db);
  await sql`create index wall_link_workspace_idx on wall_link (workspace_id, created_at)`.execute(db);

  await sql`
    create table wall_channel (
      workspace_id integer not null references workspace (id) on delete cascade,
      channel_id text not null,
      visibility text not null check (visibility in ('public', 'private')),
      checked_at timestamptz not null default now(),
      constraint wall_channel_pk primary key (workspace_id, channel_id)
    )`.execute(db);

  await sql`create index kudos_revoked_at_idx on kudos (workspace_id, revoked_at) where revoked_at is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists kudos_revoked_at_idx`.execute(db);
  await sql`drop table if exists wall_channel`.execute(db);
  await sql`drop table if exists wall_link`.execute(db);
}
