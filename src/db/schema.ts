import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/**
 * The one Database interface. Nullable columns are `T | null`; defaults are Generated<T>.
 * Identity ids are `integer`, so both pg and PGlite return numbers; `count()` still comes back as a
 * string from pg, so callers convert it with Number().
 * `date` columns are returned as 'YYYY-MM-DD' strings (connect.ts sets the parsers for both drivers).
 */

type Timestamp = Date;
/** jsonb: read as the parsed value, written as a JSON string. */
type Json<T> = ColumnType<T, string, string>;
type NullableJson<T> = ColumnType<T | null, string | null, string | null>;

export type Platform = 'slack' | 'teams';

export interface WorkspaceTable {
  id: Generated<number>;
  platform: Platform;
  external_id: string;
  enterprise_id: string | null;
  name: string | null;
  time_zone: Generated<string>;
  bot_user_id: string | null;
  installed_at: Generated<Timestamp>;
  uninstalled_at: Timestamp | null;
}

/** An install link's state, deleted when the link is used (single use) or once it expires. */
export interface SlackOAuthStateTable {
  nonce: string;
  created_at: Generated<Timestamp>;
  expires_at: Timestamp;
}

/** A link to download one person's own kudos (GET /export/<token>): only the token's sha256 is kept. */
export interface ExportLinkTable {
  /** sha256 (hex) of the link's token; the token itself is never stored. */
  token_hash: string;
  workspace_id: number;
  person_id: number;
  created_at: Generated<Timestamp>;
  expires_at: Timestamp;
  /** 'person': the person's own kudos; 'workspace': every kudos in [from_at, to_at), for the admin person_id. */
  scope: Generated<'person' | 'workspace'>;
  from_at: Timestamp | null;
  to_at: Timestamp | null;
}

export interface SlackInstallationTable {
  id: Generated<number>;
  /** The team's workspace; null for an org-wide install, which serves each workspace of the org. */
  workspace_id: number | null;
  /** The workspace key: the team, or the Grid org for an org-wide install. */
  install_key: string;
  team_id: string | null;
  team_name: string | null;
  enterprise_id: string | null;
  enterprise_name: string | null;
  is_enterprise_install: Generated<boolean>;
  app_id: string | null;
  bot_id: string;
  bot_user_id: string;
  /** Comma-separated, as Slack lists them. */
  bot_scopes: Generated<string>;
  /** Sealed with core/secrets.ts, never the token itself. */
  bot_token_sealed: string;
  bot_refresh_token_sealed: string | null;
  bot_token_expires_at: Timestamp | null;
  installer_user_id: string | null;
  installed_at: Generated<Timestamp>;
  updated_at: Generated<Timestamp>;
}

export interface PersonTable {
  id: Generated<number>;
  workspace_id: number;
  external_id: string;
  display_name: Generated<string>;
  time_zone: string | null;
  is_bot: Generated<boolean>;
  is_deleted: Generated<boolean>;
  is_platform_admin: Generated<boolean>;
  dm_enabled: Generated<boolean>;
  rankings_enabled: Generated<boolean>;
  platform_data: ColumnType<Record<string, unknown>, string | undefined, string>;
  profile_fetched_at: Timestamp | null;
  created_at: Generated<Timestamp>;
  /** When they last opened the app's Home (Slack): only such Homes are refreshed after kudos. */
  home_opened_at: Generated<Timestamp | null>;
  /** When they were erased (core/erasure.ts): name and profile gone for good, kudos kept under a placeholder. */
  erased_at: Timestamp | null;
}

export interface ValueTable {
  id: Generated<number>;
  workspace_id: number;
  slug: string;
  label: string;
  emoji: string;
  active: Generated<boolean>;
  position: Generated<number>;
  created_at: Generated<Timestamp>;
}

export type KudosSource =
  | 'command'
  | 'modal'
  | 'shortcut'
  | 'reaction'
  | 'pileon'
  | 'teams_message'
  | 'teams_form'
  | 'teams_pileon';

/** none: never posted (reactions); pending → posting → posted | fallback (via response_url) | failed. */
export type PostStatus = 'none' | 'pending' | 'posting' | 'posted' | 'fallback' | 'failed';

export interface KudosTable {
  id: Generated<number>;
  workspace_id: number;
  giver_id: number;
  source: KudosSource;
  source_key: string;
  message: string;
  channel_id: string | null;
  message_ts: string | null;
  permalink: string | null;
  emoji: string | null;
  post_channel_id: string | null;
  post_ts: string | null;
  post_status: Generated<PostStatus>;
  /** posting: the claim holds until then; pending: not tried again before then (a rate limit). */
  post_lease_until: Timestamp | null;
  /** A kudos published by the request that recorded it owes its recipients' DMs until then (then the outbox sends them). */
  dms_due_at: Timestamp | null;
  parent_id: number | null;
  campaign_key: string | null;
  created_at: Generated<Timestamp>;
  local_day: string;
  revoked_at: Timestamp | null;
  revoked_by: number | null;
  revoked_reason: string | null;
  /** Reaction kudos: the reaction (or reactor's pile-on) this kudos answers for. */
  reaction_group: string | null;
}

export interface KudosRecipientTable {
  kudos_id: number;
  workspace_id: number;
  recipient_id: number;
  /** Where the giver named this recipient (0 first); ties in old rows fall back to person id. */
  position: Generated<number>;
  created_at: Timestamp;
}

export interface KudosValueTable {
  kudos_id: number;
  value_id: number;
  workspace_id: number;
}

export interface AllowanceUsageTable {
  workspace_id: number;
  person_id: number;
  day: string;
  used: number;
}

export interface SettingTable {
  workspace_id: number;
  key: string;
  value: Json<unknown>;
  version: Generated<number>;
  updated_at: Generated<Timestamp>;
  updated_by: number | null;
}

export interface AuditLogTable {
  id: Generated<number>;
  workspace_id: number;
  actor_id: number | null;
  action: string;
  target: string;
  before: NullableJson<unknown>;
  after: NullableJson<unknown>;
  created_at: Generated<Timestamp>;
}

export interface NoticeTable {
  workspace_id: number;
  person_id: number;
  kind: string;
  period: string;
  created_at: Generated<Timestamp>;
}

export interface EventInboxTable {
  id: Generated<number>;
  platform: Platform;
  delivery_id: string;
  workspace_id: number | null;
  body: Json<unknown>;
  received_at: Generated<Timestamp>;
  attempts: Generated<number>;
  locked_until: Timestamp | null;
  processed_at: Timestamp | null;
  last_error: string | null;
}

export type JobStatus = 'claimed' | 'posting' | 'posted' | 'failed' | 'skipped';

export interface JobRunTable {
  id: Generated<number>;
  workspace_id: number;
  kind: string;
  period_key: string;
  due_at: Timestamp;
  status: JobStatus;
  target: string | null;
  message_ref: string | null;
  attempts: Generated<number>;
  next_attempt_at: Timestamp | null;
  last_error: string | null;
  claimed_by: string | null;
  claimed_at: Timestamp | null;
  finished_at: Timestamp | null;
  created_at: Generated<Timestamp>;
}

export type ConversationKind = 'personal' | 'groupChat' | 'channel';

/** A Teams conversation the bot can write to (conversation_ref, migrations/0001_baseline.ts). */
export interface ConversationRefTable {
  id: Generated<number>;
  workspace_id: number;
  conversation_id: string;
  kind: ConversationKind;
  team_id: string | null;
  channel_id: string | null;
  person_id: number | null;
  name: string | null;
  /** botbuilder's ConversationReference, as TurnContext.getConversationReference returns it. */
  reference: Json<Record<string, unknown>>;
  updated_at: Generated<Timestamp>;
}

/** Last-writer-wins register per Slack reaction (workspace, channel, message ts, reactor, emoji). */
export interface ReactionStateTable {
  workspace_id: number;
  channel_id: string;
  message_ts: string;
  reactor: string;
  emoji: string;
  /** Slack's event_ts as numeric(20,6); both drivers return it as a number. */
  event_ts: ColumnType<number, string, string>;
  present: boolean;
  updated_at: Generated<Timestamp>;
}

export interface DmOutboxTable {
  id: Generated<number>;
  workspace_id: number;
  recipient_id: number;
  kudos_id: number;
  due_at: Timestamp;
  sent_at: Timestamp | null;
  locked_until: Timestamp | null;
}

/** A Kudos Wall link (GET /wall/<token>): only the token's sha256 is kept. */
export interface WallLinkTable {
  id: Generated<number>;
  workspace_id: number;
  name: string;
  /** sha256 (hex) of the link's token; the token itself is never stored. */
  token_hash: string;
  created_by: number | null;
  created_at: Generated<Timestamp>;
  /** null: never expires. */
  expires_at: Timestamp | null;
  revoked_at: Timestamp | null;
  revoked_by: number | null;
}

/** Whether a channel is public, as the platform said (the Kudos Wall shows kudos from public channels only). */
export interface WallChannelTable {
  workspace_id: number;
  channel_id: string;
  visibility: 'public' | 'private';
  checked_at: Generated<Timestamp>;
}

/** A team (migrations/0011_team_membership.ts): a Slack user group marked as a team, or a Teams team. */
export interface TeamTable {
  id: Generated<number>;
  workspace_id: number;
  /** The platform's id: a Slack user group id (S…), a Teams team id. */
  platform_key: string;
  name: string;
  /** Slack: the group's @handle. */
  handle: string | null;
  /** Slack: false for a user group an admin unmarked (it then has no members). */
  is_team: Generated<boolean>;
  marked_at: Timestamp | null;
  members_refreshed_at: Timestamp | null;
  created_at: Generated<Timestamp>;
}

/** A past period's cross-team numbers as first computed (core/cross-team.ts: the digest's "last week"). */
export interface TeamWeekTable {
  workspace_id: number;
  period_start: Timestamp;
  period_end: Timestamp;
  pairs: number;
  crossing: number;
  computed_at: Generated<Timestamp>;
}

/** Who is in which team; a person may be in several. */
export interface TeamMemberTable {
  team_id: number;
  person_id: number;
  workspace_id: number;
  created_at: Generated<Timestamp>;
}

export interface Database {
  workspace: WorkspaceTable;
  person: PersonTable;
  value: ValueTable;
  kudos: KudosTable;
  kudos_recipient: KudosRecipientTable;
  kudos_value: KudosValueTable;
  allowance_usage: AllowanceUsageTable;
  setting: SettingTable;
  audit_log: AuditLogTable;
  slack_installation: SlackInstallationTable;
  slack_oauth_state: SlackOAuthStateTable;
  notice: NoticeTable;
  event_inbox: EventInboxTable;
  job_run: JobRunTable;
  conversation_ref: ConversationRefTable;
  reaction_state: ReactionStateTable;
  dm_outbox: DmOutboxTable;
  export_link: ExportLinkTable;
  team: TeamTable;
  team_member: TeamMemberTable;
  team_week: TeamWeekTable;
  wall_link: WallLinkTable;
  wall_channel: WallChannelTable;
}

export type WorkspaceRow = Selectable<WorkspaceTable>;
export type PersonRow = Selectable<PersonTable>;
export type NewPerson = Insertable<PersonTable>;
export type PersonUpdate = Updateable<PersonTable>;
export type ValueRow = Selectable<ValueTable>;
export type KudosRow = Selectable<KudosTable>;
export type NewKudos = Insertable<KudosTable>;
export type SettingRow = Selectable<SettingTable>;
export type AuditLogRow = Selectable<AuditLogTable>;
export type EventInboxRow = Selectable<EventInboxTable>;
export type JobRunRow = Selectable<JobRunTable>;
export type ConversationRefRow = Selectable<ConversationRefTable>;
export type WallLinkRow = Selectable<WallLinkTable>;
export type TeamRow = Selectable<TeamTable>;
