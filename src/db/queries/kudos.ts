import { sql, type Kysely } from 'kysely';
import type { Database, KudosRow, PostStatus } from '../schema';
import type { KudosView, PersonView } from '../../core/types';

export async function findKudosBySourceKey(db: Kysely<Database>, workspaceId: number, sourceKey: string): Promise<KudosRow | undefined> {
  return db.selectFrom('kudos').selectAll().where('workspace_id', '=', workspaceId).where('source_key', '=', sourceKey).executeTakeFirst();
}

export async function findKudosById(db: Kysely<Database>, workspaceId: number, id: number): Promise<KudosRow | undefined> {
  return db.selectFrom('kudos').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
}

/**
 * Marks a kudos revoked (who, when, why) and gives its allowance back to the day it was taken from, in one
 * round trip (the `kudos_revoke` function, src/db/ledger/kudos_revoke.sql). Revoking twice changes nothing.
 */
export async function revokeRecorded(
  db: Kysely<Database>,
  workspaceId: number,
  id: number,
  by: number | null,
  reason: string,
  at: Date,
): Promise<'revoked' | 'already_revoked' | 'not_found'> {
  const revoke = { workspace: workspaceId, id, revoked_by: by, reason, at: at.toISOString() };
  const { rows } = await sql<{ status: 'revoked' | 'already_revoked' | 'not_found' }>`
    select kudos_revoke(${JSON.stringify(revoke)}::jsonb) as status
  `.execute(db);
  return rows[0].status;
}

/**
 * Takes the right to post a kudos (pending → posting) until `leaseUntil`, recording where it is being posted.
 * Exactly one caller gets it, so the request that recorded the kudos and the sweep that finds it later never
 * both post it; a kudos waiting out a rate limit is not taken before its time.
 */
export async function claimPost(
  db: Kysely<Database>,
  workspaceId: number,
  id: number,
  claim: { now: Date; leaseUntil: Date; channelId: string | null },
): Promise<boolean> {
  const row = await db
    .updateTable('kudos')
    .set({ post_status: 'posting', post_lease_until: claim.leaseUntil, post_channel_id: claim.channelId })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .where('post_status', '=', 'pending')
    .where((w) => w.or([w('post_lease_until', 'is', null), w('post_lease_until', '<=', claim.now)]))
    .returning('id')
    .executeTakeFirst();
  return !!row;
}

/**
 * Records what came of a post made under a claim, only while the claim is still this caller's (held until
 * `held`): false when the claim ran out and someone else took the kudos over (they decide then). `dmsDone`:
 * the publish has dealt with the DMs the kudos owed (sent them, or queued what it could not send), so it owes
 * none any more.
 */
export async function settlePost(
  db: Kysely<Database>,
  workspaceId: number,
  id: number,
  held: Date,
  post: { status: PostStatus; channelId?: string | null; ts?: string | null; leaseUntil?: Date | null; dmsDone?: boolean },
): Promise<boolean> {
  const row = await db
    .updateTable('kudos')
    .set({
      post_status: post.status,
      post_lease_until: post.leaseUntil ?? null,
      ...(post.channelId !== undefined ? { post_channel_id: post.channelId } : {}),
      ...(post.ts !== undefined ? { post_ts: post.ts } : {}),
      ...(post.dmsDone ? { dms_due_at: null } : {}),
    })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .where('post_status', '=', 'posting')
    .where('post_lease_until', '=', held)
    .returning('id')
    .executeTakeFirst();
  return !!row;
}

export interface LeftoverPost {
  id: number;
  /** What the kudos was when claimed: `posting` means an earlier attempt may have posted it already. */
  was: 'pending' | 'posting';
  postChannelId: string | null;
}

/**
 * Claims kudos whose post an earlier stop left unfinished: still pending well after they were recorded (or
 * after the rate limit they waited out), or claimed for posting by someone whose claim ran out. Skip locked,
 * so replicas sweeping at once never take the same kudos.
 */
export async function claimLeftoverPosts(
  db: Kysely<Database>,
  workspaceId: number,
  a: { now: Date; recordedBefore: Date; leaseUntil: Date; limit: number },
): Promise<LeftoverPost[]> {
  const { rows } = await sql<{ id: number; was: 'pending' | 'posting'; post_channel_id: string | null }>`
    with due as (
      select id, post_status as was from kudos
      where workspace_id = ${workspaceId}
        and post_status in ('pending', 'posting')
        and (post_lease_until <= ${a.now} or (post_lease_until is null and created_at <= ${a.recordedBefore}))
      order by id
      limit ${a.limit}
      for update skip locked
    )
    update kudos k set post_status = 'posting', post_lease_until = ${a.leaseUntil}
    from due where k.id = due.id
    returning k.id, due.was, k.post_channel_id
  `.execute(db);
  return rows.map((r) => ({ id: Number(r.id), was: r.was, postChannelId: r.post_channel_id }));
}

/** The giver's latest kudos of the given sources since `since`, not yet revoked. */
export async function findLatestGiven(
  db: Kysely<Database>,
  workspaceId: number,
  giverId: number,
  since: Date,
  sources: string[],
): Promise<KudosRow | undefined> {
  return db
    .selectFrom('kudos')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('giver_id', '=', giverId)
    .where('created_at', '>=', since)
    .where('revoked_at', 'is', null)
    .where('source', 'in', sources as KudosRow['source'][])
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** The giver's latest kudos withdrawn by their own undo since `since`. */
export async function findLatestUndone(db: Kysely<Database>, workspaceId: number, giverId: number, since: Date): Promise<KudosRow | undefined> {
  return db
    .selectFrom('kudos')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('giver_id', '=', giverId)
    .where('revoked_by', '=', giverId)
    .where('revoked_reason', '=', 'undo')
    .where('revoked_at', '>=', since)
    .orderBy('revoked_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** Full views (giver, recipients, values) for rendering, in the order of `ids`. */
export async function loadKudosViews(db: Kysely<Database>, workspaceId: number, ids: number[]): Promise<KudosView[]> {
  if (!ids.length) return [];
  const rows = await db
    .selectFrom('kudos as k')
    .innerJoin('person as g', 'g.id', 'k.giver_id')
    .selectAll('k')
    .select(['g.external_id as giver_external_id', 'g.display_name as giver_display_name', 'g.erased_at as giver_erased_at'])
    .where('k.workspace_id', '=', workspaceId)
    .where('k.id', 'in', ids)
    .execute();
  const recipients = await db
    .selectFrom('kudos_recipient as r')
    .innerJoin('person as p', 'p.id', 'r.recipient_id')
    .select(['r.kudos_id', 'p.id', 'p.external_id', 'p.display_name', 'p.erased_at'])
    .where('r.workspace_id', '=', workspaceId)
    .where('r.kudos_id', 'in', ids)
    .orderBy('r.position')
    .orderBy('p.id')
    .execute();
  const values = await db
    .selectFrom('kudos_value as kv')
    .innerJoin('value as v', 'v.id', 'kv.value_id')
    .select(['kv.kudos_id', 'v.slug', 'v.label', 'v.emoji', 'v.position'])
    .where('kv.workspace_id', '=', workspaceId)
    .where('kv.kudos_id', 'in', ids)
    .orderBy('v.position')
    .orderBy('v.id')
    .execute();
  const byId = new Map<number, KudosView>();
  for (const r of rows) {
    byId.set(r.id, {
      id: r.id,
      workspaceId: r.workspace_id,
      source: r.source,
      giver: { id: r.giver_id, externalId: r.giver_external_id, displayName: r.giver_display_name, ...(r.giver_erased_at ? { erased: true } : {}) },
      recipients: [],
      message: r.message,
      values: [],
      createdAt: new Date(r.created_at),
      channelId: r.channel_id,
      messageTs: r.message_ts,
      permalink: r.permalink,
      emoji: r.emoji,
      postChannelId: r.post_channel_id,
      postTs: r.post_ts,
      parentId: r.parent_id,
      campaignKey: r.campaign_key,
      revokedAt: r.revoked_at ? new Date(r.revoked_at) : null,
      revokedReason: r.revoked_reason,
    });
  }
  for (const r of recipients) {
    const p: PersonView = { id: r.id, externalId: r.external_id, displayName: r.display_name, ...(r.erased_at ? { erased: true } : {}) };
    byId.get(r.kudos_id)?.recipients.push(p);
  }
  for (const v of values) byId.get(v.kudos_id)?.values.push({ slug: v.slug, label: v.label, emoji: v.emoji });
  return ids.map((id) => byId.get(id)).filter((k): k is KudosView => !!k);
}

/** Counts for one person since an instant (null = all time), ignoring revoked kudos. */
export async function countGivenAndReceived(
  db: Kysely<Database>,
  workspaceId: number,
  personId: number,
  since: Date | null,
): Promise<{ given: number; received: number }> {
  let given = db
    .selectFrom('kudos as k')
    .innerJoin('kudos_recipient as r', 'r.kudos_id', 'k.id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('k.workspace_id', '=', workspaceId)
    .where('k.giver_id', '=', personId)
    .where('k.revoked_at', 'is', null);
  let received = db
    .selectFrom('kudos_recipient as r')
    .innerJoin('kudos as k', 'k.id', 'r.kudos_id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('r.workspace_id', '=', workspaceId)
    .where('r.recipient_id', '=', personId)
    .where('k.revoked_at', 'is', null);
  if (since) {
    given = given.where('k.created_at', '>=', since);
    received = received.where('r.created_at', '>=', since);
  }
  const [g, r] = await Promise.all([given.executeTakeFirstOrThrow(), received.executeTakeFirstOrThrow()]);
  return { given: Number(g.n), received: Number(r.n) };
}
