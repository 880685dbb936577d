import type { Kysely } from 'kysely';
import type { ConversationKind, ConversationRefRow, Database, KudosRow } from '../schema';

/** Teams only: conversation references, kudos found by their card, and the tenants the timers look after. */

export interface ConversationRefInput {
  workspaceId: number;
  conversationId: string;
  kind: ConversationKind;
  teamId: string | null;
  channelId: string | null;
  personId: number | null;
  name: string | null;
  reference: Record<string, unknown>;
  now: Date;
}

/** Inserts or refreshes a reference (the serviceUrl can change); a known name is kept when none is given. */
export async function upsertConversationRef(db: Kysely<Database>, r: ConversationRefInput): Promise<void> {
  const reference = JSON.stringify(r.reference);
  await db
    .insertInto('conversation_ref')
    .values({
      workspace_id: r.workspaceId,
      conversation_id: r.conversationId,
      kind: r.kind,
      team_id: r.teamId,
      channel_id: r.channelId,
      person_id: r.personId,
      name: r.name,
      reference,
      updated_at: r.now,
    })
    .onConflict((oc) =>
      oc.columns(['workspace_id', 'conversation_id']).doUpdateSet((eb) => ({
        reference,
        updated_at: r.now,
        team_id: eb.fn.coalesce(eb.val(r.teamId), eb.ref('conversation_ref.team_id')),
        channel_id: eb.fn.coalesce(eb.val(r.channelId), eb.ref('conversation_ref.channel_id')),
        person_id: eb.fn.coalesce(eb.val(r.personId), eb.ref('conversation_ref.person_id')),
        name: eb.fn.coalesce(eb.val(r.name), eb.ref('conversation_ref.name')),
      })),
    )
    .execute();
}

export async function findConversationRef(db: Kysely<Database>, workspaceId: number, conversationId: string): Promise<ConversationRefRow | undefined> {
  return db
    .selectFrom('conversation_ref')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('conversation_id', '=', conversationId)
    .executeTakeFirst();
}

/** The personal chat with a person, if they ever talked to the bot (or were reached by it). */
export async function findPersonalRef(db: Kysely<Database>, workspaceId: number, personId: number): Promise<ConversationRefRow | undefined> {
  return db
    .selectFrom('conversation_ref')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('kind', '=', 'personal')
    .where('person_id', '=', personId)
    .orderBy('updated_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/**
 * The reference most recently refreshed in a tenant: where its Bot Connector is (serviceUrl) and who the bot is
 * there, for opening a personal chat with someone the bot has never talked to privately.
 */
export async function findLatestRef(db: Kysely<Database>, workspaceId: number): Promise<ConversationRefRow | undefined> {
  return db
    .selectFrom('conversation_ref')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('updated_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** Channels the bot is in, for the settings card's choices and for posting to a configured channel. */
export async function listChannelRefs(db: Kysely<Database>, workspaceId: number, limit = 100): Promise<ConversationRefRow[]> {
  return db
    .selectFrom('conversation_ref')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('kind', '=', 'channel')
    .orderBy('name')
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** Teams the bot is installed in (distinct team ids), most recently active first. */
export async function listTeamIds(db: Kysely<Database>, workspaceId: number, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('conversation_ref')
    .select('team_id')
    .select((eb) => eb.fn.max('updated_at').as('last'))
    .where('workspace_id', '=', workspaceId)
    .where('team_id', 'is not', null)
    .groupBy('team_id')
    .orderBy('last', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => r.team_id as string);
}

/**
 * Forgets a team's channels (the bot was removed from the team) or one conversation; a tenant left with no
 * conversation is marked uninstalled (its history stays, scheduled posts stop). Returns how many are left.
 */
export async function forgetConversations(
  db: Kysely<Database>,
  workspaceId: number,
  which: { teamId: string } | { conversationId: string },
  now: Date,
): Promise<number> {
  return db.transaction().execute(async (tx) => {
    let q = tx.deleteFrom('conversation_ref').where('workspace_id', '=', workspaceId);
    q = 'teamId' in which ? q.where('team_id', '=', which.teamId) : q.where('conversation_id', '=', which.conversationId);
    await q.execute();
    const left = await countConversationRefs(tx, workspaceId);
    if (left === 0) await tx.updateTable('workspace').set({ uninstalled_at: now }).where('id', '=', workspaceId).execute();
    return left;
  });
}

export async function countConversationRefs(db: Kysely<Database>, workspaceId: number): Promise<number> {
  const row = await db
    .selectFrom('conversation_ref')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Kudos whose card is this Teams activity id (a reaction's replyToId); pile-ons have no card of their own. */
export async function findKudosByCard(db: Kysely<Database>, workspaceId: number, cardId: string): Promise<KudosRow[]> {
  return db
    .selectFrom('kudos')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('post_ts', '=', cardId)
    .where('source', 'in', ['teams_message', 'teams_form'])
    .execute();
}

/** People a settings card can offer as admins: known, not bots, not deactivated, by name. */
export async function listPeopleByName(db: Kysely<Database>, workspaceId: number, limit: number): Promise<Array<{ external_id: string; display_name: string }>> {
  return db
    .selectFrom('person')
    .select(['external_id', 'display_name'])
    .where('workspace_id', '=', workspaceId)
    .where('is_bot', '=', false)
    .where('is_deleted', '=', false)
    .orderBy('display_name')
    .limit(limit)
    .execute();
}

