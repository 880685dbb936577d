import { sql, type Kysely } from 'kysely';
import type { ConversationKind, Database, WallLinkRow, WorkspaceRow } from '../schema';

/** The Kudos Wall's storage: its links, what is known of channels' visibility, and the kudos a wall shows. */

// ---------------------------------------------------------------------------------------------------
// Links

export async function insertWallLink(
  db: Kysely<Database>,
  link: { workspaceId: number; name: string; tokenHash: string; createdBy: number | null; createdAt: Date; expiresAt: Date | null },
): Promise<WallLinkRow> {
  return db
    .insertInto('wall_link')
    .values({
      workspace_id: link.workspaceId,
      name: link.name,
      token_hash: link.tokenHash,
      created_by: link.createdBy,
      created_at: link.createdAt,
      expires_at: link.expiresAt,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The workspace's links, newest first (live, expired and revoked alike). */
export async function listWallLinkRows(db: Kysely<Database>, workspaceId: number, limit: number): Promise<WallLinkRow[]> {
  return db.selectFrom('wall_link').selectAll().where('workspace_id', '=', workspaceId).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}

export async function countLiveWallLinks(db: Kysely<Database>, workspaceId: number, now: Date): Promise<number> {
  const r = await db
    .selectFrom('wall_link')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('workspace_id', '=', workspaceId)
    .where('revoked_at', 'is', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/**
 * Marks a link revoked (call it in a transaction: the row is locked first); the row as it was before, and whether
 * this call revoked it; undefined when it is not this workspace's.
 */
export async function revokeWallLinkRow(
  db: Kysely<Database>,
  workspaceId: number,
  linkId: number,
  by: number | null,
  now: Date,
): Promise<{ before: WallLinkRow; revoked: boolean } | undefined> {
  const before = await db.selectFrom('wall_link').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', linkId).forUpdate().executeTakeFirst();
  if (!before) return undefined;
  if (before.revoked_at) return { before, revoked: false };
  await db.updateTable('wall_link').set({ revoked_at: now, revoked_by: by }).where('id', '=', linkId).where('workspace_id', '=', workspaceId).execute();
  return { before, revoked: true };
}

/** The live link with this token hash and its workspace (installed), else undefined. */
export async function findLiveWallLink(db: Kysely<Database>, tokenHash: string, now: Date): Promise<{ link: WallLinkRow; workspace: WorkspaceRow } | undefined> {
  const link = await db
    .selectFrom('wall_link')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .where('revoked_at', 'is', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .executeTakeFirst();
  if (!link) return undefined;
  const workspace = await db.selectFrom('workspace').selectAll().where('id', '=', link.workspace_id).where('uninstalled_at', 'is', null).executeTakeFirst();
  return workspace ? { link, workspace } : undefined;
}

/** Which of these links (of one workspace) are still live at `now`. */
export async function liveWallLinkIds(db: Kysely<Database>, workspaceId: number, ids: number[], now: Date): Promise<Set<number>> {
  if (!ids.length) return new Set();
  const rows = await db
    .selectFrom('wall_link')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('id', 'in', ids)
    .where('revoked_at', 'is', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .execute();
  return new Set(rows.map((r) => r.id));
}

// ---------------------------------------------------------------------------------------------------
// Channel visibility

export async function findChannelVisibility(
  db: Kysely<Database>,
  workspaceId: number,
  channelIds: string[],
): Promise<Array<{ channel_id: string; visibility: 'public' | 'private'; checked_at: Date }>> {
  if (!channelIds.length) return [];
  return db.selectFrom('wall_channel').select(['channel_id', 'visibility', 'checked_at']).where('workspace_id', '=', workspaceId).where('channel_id', 'in', channelIds).execute();
}

export async function upsertChannelVisibility(
  db: Kysely<Database>,
  workspaceId: number,
  entries: Array<{ channelId: string; visibility: 'public' | 'private' }>,
  now: Date,
): Promise<void> {
  if (!entries.length) return;
  await db
    .insertInto('wall_channel')
    .values(entries.map((e) => ({ workspace_id: workspaceId, channel_id: e.channelId, visibility: e.visibility, checked_at: now })))
    .onConflict((oc) => oc.columns(['workspace_id', 'channel_id']).doUpdateSet((eb) => ({ visibility: eb.ref('excluded.visibility'), checked_at: eb.ref('excluded.checked_at') })))
    .execute();
}

/** Channels where kudos were given since `since` whose visibility is unknown or was checked before `staleBefore`. */
export async function channelsToCheck(db: Kysely<Database>, workspaceId: number, since: Date, staleBefore: Date, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('kudos as k')
    .leftJoin('wall_channel as c', (j) => j.onRef('c.workspace_id', '=', 'k.workspace_id').onRef('c.channel_id', '=', 'k.channel_id'))
    .select('k.channel_id')
    .distinct()
    .where('k.workspace_id', '=', workspaceId)
    .where('k.created_at', '>=', since)
    .where('k.channel_id', 'is not', null)
    .where((eb) => eb.or([eb('c.channel_id', 'is', null), eb('c.checked_at', '<', staleBefore)]))
    .limit(limit)
    .execute();
  return rows.map((r) => r.channel_id as string);
}

/** What kind of conversation each stored conversation reference is (Teams), by conversation id. */
export async function conversationKinds(db: Kysely<Database>, workspaceId: number, conversationIds: string[]): Promise<Map<string, ConversationKind>> {
  if (!conversationIds.length) return new Map();
  const rows = await db.selectFrom('conversation_ref').select(['conversation_id', 'kind']).where('workspace_id', '=', workspaceId).where('conversation_id', 'in', conversationIds).execute();
  return new Map(rows.map((r) => [r.conversation_id, r.kind]));
}

// ---------------------------------------------------------------------------------------------------
// What a wall shows

/** The latest live kudos given in public channels, newest first. */
export async function recentPublicKudosIds(db: Kysely<Database>, workspaceId: number, limit: number): Promise<number[]> {
  const rows = await db
    .selectFrom('kudos as k')
    .innerJoin('wall_channel as c', (j) => j.onRef('c.workspace_id', '=', 'k.workspace_id').onRef('c.channel_id', '=', 'k.channel_id'))
    .select('k.id')
    .where('k.workspace_id', '=', workspaceId)
    .where('c.visibility', '=', 'public')
    .where('k.revoked_at', 'is', null)
    .orderBy('k.created_at', 'desc')
    .orderBy('k.id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

/** Kudos created at or after `since` (any channel, revoked or not), oldest first: the live feed's window. */
export async function kudosCreatedSince(
  db: Kysely<Database>,
  workspaceId: number,
  since: Date,
  limit: number,
): Promise<Array<{ id: number; channel_id: string | null; created_at: Date; revoked_at: Date | null }>> {
  return db
    .selectFrom('kudos')
    .select(['id', 'channel_id', 'created_at', 'revoked_at'])
    .where('workspace_id', '=', workspaceId)
    .where('created_at', '>=', since)
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** Kudos of these ids with their channel and state (the feed's kudos still waiting for their channel's visibility). */
export async function kudosByIds(
  db: Kysely<Database>,
  workspaceId: number,
  ids: number[],
): Promise<Array<{ id: number; channel_id: string | null; created_at: Date; revoked_at: Date | null }>> {
  if (!ids.length) return [];
  return db.selectFrom('kudos').select(['id', 'channel_id', 'created_at', 'revoked_at']).where('workspace_id', '=', workspaceId).where('id', 'in', ids).execute();
}

/** Ids of kudos from public channels withdrawn at or after `since`. */
export async function kudosRevokedSince(db: Kysely<Database>, workspaceId: number, since: Date, limit: number): Promise<Array<{ id: number; revoked_at: Date }>> {
  // Only kudos a wall could have shown: the ids of others are nobody's business.
  const rows = await db
    .selectFrom('kudos as k')
    .innerJoin('wall_channel as c', (j) => j.onRef('c.workspace_id', '=', 'k.workspace_id').onRef('c.channel_id', '=', 'k.channel_id'))
    .select(['k.id', 'k.revoked_at'])
    .where('k.workspace_id', '=', workspaceId)
    .where('k.revoked_at', '>=', since)
    .where('c.visibility', '=', 'public')
    .orderBy('k.revoked_at')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ id: r.id, revoked_at: r.revoked_at as Date }));
}

/** Live public kudos in [from, to): how many, how many people were thanked, how many gave. */
export async function publicTotals(db: Kysely<Database>, workspaceId: number, from: Date, to: Date): Promise<{ kudos: number; thanked: number; givers: number }> {
  const { rows } = await sql<{ kudos: string | number; thanked: string | number; givers: string | number }>`
    select count(distinct k.id) as kudos, count(distinct r.recipient_id) as thanked, count(distinct k.giver_id) as givers
    from kudos k
    join wall_channel c on c.workspace_id = k.workspace_id and c.channel_id = k.channel_id and c.visibility = 'public'
    left join kudos_recipient r on r.kudos_id = k.id and r.workspace_id = k.workspace_id
    where k.workspace_id = ${workspaceId} and k.revoked_at is null and k.created_at >= ${from} and k.created_at < ${to}`.execute(db);
  const r = rows[0];
  return { kudos: Number(r?.kudos ?? 0), thanked: Number(r?.thanked ?? 0), givers: Number(r?.givers ?? 0) };
}

/**
 * Live public kudos in [from, to) counted per quarter of an hour (the bucket's start in epoch seconds): fine enough
 * to sum into local days of any time zone, including those offset by 30 or 45 minutes.
 */
export async function publicCountsByQuarterHour(db: Kysely<Database>, workspaceId: number, from: Date, to: Date): Promise<Array<{ bucket: number; n: number }>> {
  const { rows } = await sql<{ bucket: string | number; n: string | number }>`
    select floor(extract(epoch from k.created_at) / 900)::bigint * 900 as bucket, count(*) as n
    from kudos k
    join wall_channel c on c.workspace_id = k.workspace_id and c.channel_id = k.channel_id and c.visibility = 'public'
    where k.workspace_id = ${workspaceId} and k.revoked_at is null and k.created_at >= ${from} and k.created_at < ${to}
    group by 1`.execute(db);
  return rows.map((r) => ({ bucket: Number(r.bucket), n: Number(r.n) }));
}

/** Display names of people by their platform ids (for mentions inside messages); erased people flagged. */
export async function namesByExternalId(db: Kysely<Database>, workspaceId: number, externalIds: string[]): Promise<Map<string, { name: string; erased: boolean }>> {
  if (!externalIds.length) return new Map();
  const rows = await db.selectFrom('person').select(['external_id', 'display_name', 'erased_at']).where('workspace_id', '=', workspaceId).where('external_id', 'in', externalIds).execute();
  return new Map(rows.map((r) => [r.external_id, { name: r.display_name, erased: !!r.erased_at }]));
}
