import { sql, type Kysely } from 'kysely';

// Frozen in time: never import from src/ here. Later changes get their own migration, named after this one
// (migrations only append; they run in name order).

/**
 * The schema as of 0.1.0, in one step: what migrations 0001_initial … 0014_record_many produced (tables,
 * indexes, constraints, column order), squashed. A database that applied that whole chain is adopted as
 * having applied this (src/db/migrate.ts).
 *
 * The ledger's functions are not here: they are installed from src/db/ledger/*.sql after the migrations.
 */
export async function up(db: Kysely<any>): Promise<void> {
  // A Slack team (or Enterprise Grid org) or a Teams tenant.
  await sql`
    create table workspace (
      id integer generated always as identity primary key,
      platform text not null check (platform in ('slack', 'teams')),
      external_id text not null,
      enterprise_id text,
      name text,
      time_zone text not null default 'UTC',
      bot_user_id text,
      installed_at timestamptz not null default now(),
      uninstalled_at timestamptz,
      constraint workspace_platform_external_uq unique (platform, external_id)
    )`.execute(db);

  await sql`
    create table person (
      id integer generated always as identity primary key,
      workspace_id integer not null references workspace (id) on delete cascade,
      external_id text not null,
      display_name text not null default '',
      time_zone text,
      is_bot boolean not null default false,
      is_deleted boolean not null default false,
      is_platform_admin boolean not null default false,
      dm_enabled boolean not null default true,
      rankings_enabled boolean not null default true,
      platform_data jsonb not null default '{}'::jsonb,
      profile_fetched_at timestamptz,
      created_at timestamptz not null default now(),
      -- When the person last opened the app's Home: only their Homes are refreshed after kudos.
      home_opened_at timestamptz,
      constraint person_workspace_external_uq unique (workspace_id, external_id)
    )`.execute(db);

  await sql`
    create table value (
      id integer generated always as identity primary key,
      workspace_id integer not null references workspace (id) on delete cascade,
      slug text not null,
      label text not null,
      emoji text not null,
      active boolean not null default true,
      position integer not null default 0,
      created_at timestamptz not null default now(),
      constraint value_workspace_slug_uq unique (workspace_id, slug)
    )`.execute(db);

  await sql`
    create table kudos (
      id integer generated always as identity primary key,
      workspace_id integer not null references workspace (id) on delete cascade,
      giver_id integer not null references person (id),
      source text not null,
      -- The platform's natural idempotency key (trigger_id, reaction key, activity id): a re-delivery is a no-op.
      source_key text not null,
      message text not null,
      -- Where the thanks happened (command channel, reacted message, shortcut message).
      channel_id text,
      message_ts text,
      permalink text,
      emoji text,
      -- The bot's own post about this kudos, found again for pile-ons and withdrawal.
      post_channel_id text,
      post_ts text,
      post_status text not null default 'none',
      parent_id integer references kudos (id),
      campaign_key text,
      created_at timestamptz not null default now(),
      -- The giver's local day at creation: the allowance day this kudos consumed.
      local_day date not null,
      revoked_at timestamptz,
      revoked_by integer references person (id),
      revoked_reason text,
      -- The group a reaction's kudos answers for (one reaction, or one reactor's pile-on on one post).
      reaction_group text,
      constraint kudos_workspace_source_key_uq unique (workspace_id, source_key)
    )`.execute(db);
  await sql`create index kudos_workspace_created_idx on kudos (workspace_id, created_at)`.execute(db);
  await sql`create index kudos_giver_created_idx on kudos (workspace_id, giver_id, created_at)`.execute(db);
  await sql`create index kudos_post_idx on kudos (workspace_id, post_channel_id, post_ts) where post_ts is not null`.execute(db);
  await sql`create index kudos_parent_idx on kudos (parent_id) where parent_id is not null`.execute(db);
  await sql`create index kudos_campaign_idx on kudos (workspace_id, campaign_key) where campaign_key is not null`.execute(db);
  // Reconciling a reaction group finds its kudos without scanning.
  await sql`create index kudos_reaction_group_idx on kudos (workspace_id, reaction_group) where reaction_group is not null`.execute(db);
  // A week of live kudos (givers, pile-on parents) read from the index alone.
  await sql`create index kudos_live_window_idx on kudos (workspace_id, created_at) include (id, giver_id, parent_id) where revoked_at is null`.execute(db);
  // The few revoked kudos of a week, subtracted from its counts.
  await sql`create index kudos_revoked_window_idx on kudos (workspace_id, created_at) include (id) where revoked_at is not null`.execute(db);

  await sql`
    create table kudos_recipient (
      kudos_id integer not null references kudos (id) on delete cascade,
      workspace_id integer not null,
      recipient_id integer not null references person (id),
      -- Copied from the kudos so that "received this week" is one index range per person.
      created_at timestamptz not null,
      -- Recipients keep the order the giver named them in, so every rendering of a kudos reads the same way.
      position smallint not null default 0,
      constraint kudos_recipient_pk primary key (kudos_id, recipient_id)
    )`.execute(db);
  // A person's kudos received (the App Home, /thanks stats) as an index-only scan.
  await sql`create index kudos_recipient_person_cover_idx on kudos_recipient (workspace_id, recipient_id, created_at) include (kudos_id)`.execute(db);
  // A week of thanks (kudos, recipient) read from the index alone.
  await sql`create index kudos_recipient_window_idx on kudos_recipient (workspace_id, created_at) include (kudos_id, recipient_id)`.execute(db);

  await sql`
    create table kudos_value (
      kudos_id integer not null references kudos (id) on delete cascade,
      value_id integer not null references value (id),
      workspace_id integer not null,
      constraint kudos_value_pk primary key (kudos_id, value_id)
    )`.execute(db);
  await sql`create index kudos_value_value_idx on kudos_value (workspace_id, value_id)`.execute(db);

  // Recipients given per giver per local day (the giver's own time zone).
  await sql`
    create table allowance_usage (
      workspace_id integer not null,
      person_id integer not null references person (id) on delete cascade,
      day date not null,
      used integer not null check (used >= 0),
      constraint allowance_usage_pk primary key (person_id, day)
    )`.execute(db);

  await sql`
    create table setting (
      workspace_id integer not null references workspace (id) on delete cascade,
      key text not null,
      value jsonb not null,
      version integer not null default 1,
      updated_at timestamptz not null default now(),
      updated_by integer references person (id),
      constraint setting_pk primary key (workspace_id, key)
    )`.execute(db);

  await sql`
    create table audit_log (
      id integer generated always as identity primary key,
      workspace_id integer not null references workspace (id) on delete cascade,
      actor_id integer references person (id),
      action text not null,
      target text not null,
      before jsonb,
      after jsonb,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index audit_log_workspace_idx on audit_log (workspace_id, created_at)`.execute(db);

  // One-off notices (e.g. "out of allowance" once per day, a challenge congratulation once per campaign).
  await sql`
    create table notice (
      workspace_id integer not null,
      person_id integer not null references person (id) on delete cascade,
      kind text not null,
      period text not null,
      created_at timestamptz not null default now(),
      constraint notice_pk primary key (workspace_id, person_id, kind, period)
    )`.execute(db);

  // Durable inbox for platform events: stored before the ack, processed after, swept after a crash.
  await sql`
    create table event_inbox (
      id integer generated always as identity primary key,
      platform text not null,
      delivery_id text not null,
      workspace_id integer,
      body jsonb not null,
      received_at timestamptz not null default now(),
      attempts integer not null default 0,
      locked_until timestamptz,
      processed_at timestamptz,
      last_error text,
      constraint event_inbox_delivery_uq unique (platform, delivery_id)
    )`.execute(db);
  await sql`create index event_inbox_pending_idx on event_inbox (received_at) where processed_at is null`.execute(db);

  // Scheduled posts (digest, campaign prompts), claimed once per (workspace, kind, period).
  await sql`
    create table job_run (
      id integer generated always as identity primary key,
      workspace_id integer not null references workspace (id) on delete cascade,
      kind text not null,
      period_key text not null,
      due_at timestamptz not null,
      status text not null,
      target text,
      message_ref text,
      attempts integer not null default 0,
      next_attempt_at timestamptz,
      last_error text,
      claimed_by text,
      claimed_at timestamptz,
      finished_at timestamptz,
      created_at timestamptz not null default now(),
      constraint job_run_claim_uq unique (workspace_id, kind, period_key)
    )`.execute(db);
  await sql`create index job_run_workspace_idx on job_run (workspace_id, created_at)`.execute(db);
  // The scheduler's retry scan: runs held or waiting, by when they may be taken (over).
  await sql`create index job_run_pending_idx on job_run (next_attempt_at) where status in ('claimed', 'posting')`.execute(db);

  // Where the bot can write in Teams: one row per conversation it has seen (a team channel, a group chat, a
  // personal chat), refreshed on every inbound activity because the serviceUrl can change. Proactive posts
  // start from these; they live here, not in memory, so every replica sees them.
  await sql`
    create table conversation_ref (
      id integer generated always as identity primary key,
      workspace_id integer not null references workspace (id) on delete cascade,
      -- Without the ';messageid=…' suffix a channel reply carries: the channel itself.
      conversation_id text not null,
      kind text not null check (kind in ('personal', 'groupChat', 'channel')),
      team_id text,
      channel_id text,
      -- The person a personal chat is with.
      person_id integer references person (id) on delete set null,
      name text,
      reference jsonb not null,
      updated_at timestamptz not null default now(),
      constraint conversation_ref_workspace_conversation_uq unique (workspace_id, conversation_id)
    )`.execute(db);
  await sql`create index conversation_ref_person_idx on conversation_ref (workspace_id, person_id) where person_id is not null`.execute(db);
  await sql`create index conversation_ref_team_idx on conversation_ref (workspace_id, team_id)`.execute(db);

  // The latest reaction event applied per natural key (workspace, channel, message ts, reactor, emoji):
  // a last-writer-wins register, so re-deliveries and out-of-order add/remove converge.
  await sql`
    create table reaction_state (
      workspace_id integer not null references workspace (id) on delete cascade,
      channel_id text not null,
      message_ts text not null,
      reactor text not null,
      emoji text not null,
      event_ts numeric(20, 6) not null,
      present boolean not null,
      updated_at timestamptz not null default now(),
      constraint reaction_state_pk primary key (workspace_id, channel_id, message_ts, reactor, emoji)
    )`.execute(db);

  // Recipient DMs waiting to be sent together (ten reactions in a minute are one DM).
  await sql`
    create table dm_outbox (
      id integer generated always as identity primary key,
      workspace_id integer not null references workspace (id) on delete cascade,
      recipient_id integer not null references person (id) on delete cascade,
      kudos_id integer not null references kudos (id) on delete cascade,
      due_at timestamptz not null,
      sent_at timestamptz,
      locked_until timestamptz,
      constraint dm_outbox_kudos_recipient_uq unique (kudos_id, recipient_id)
    )`.execute(db);
  await sql`create index dm_outbox_due_idx on dm_outbox (due_at) where sent_at is null`.execute(db);
  // Queuing a DM looks for the recipient's open batch.
  await sql`create index dm_outbox_open_batch_idx on dm_outbox (workspace_id, recipient_id, due_at) where sent_at is null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    'dm_outbox',
    'reaction_state',
    'conversation_ref',
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
    await sql`drop table if exists ${sql.table(t)}`.execute(db);
  }
}
