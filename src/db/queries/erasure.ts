import { sql, type Kysely } from 'kysely';
import type { Database, PersonRow, Platform } from '../schema';

/**
 * Storage for erasing a person (core/erasure.ts decides what is erased and how text is rewritten). Every
 * function takes the executor first: erasure runs them all in one transaction.
 *
 * Text is found with `ilike any(patterns)`: callers pass `%…%` patterns made by `containsPattern`.
 */

/** A `like` pattern matching text that contains `s` anywhere (its %, _ and \ taken literally). */
export function containsPattern(s: string): string {
  return `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** The person, locked until the transaction ends: two erasures of one person run one after the other. */
export async function lockPersonByExternalId(db: Kysely<Database>, workspaceId: number, externalId: string): Promise<PersonRow | undefined> {
  return db
    .selectFrom('person')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('external_id', '=', externalId)
    .forUpdate()
    .executeTakeFirst();
}

/** The distinct non-empty messages of the kudos a person gave (to find copies of them elsewhere). */
export async function givenMessages(db: Kysely<Database>, workspaceId: number, personId: number, except: string): Promise<string[]> {
  const rows = await db
    .selectFrom('kudos')
    .select('message')
    .distinct()
    .where('workspace_id', '=', workspaceId)
    .where('giver_id', '=', personId)
    .where('message', '<>', '')
    .where('message', '<>', except)
    .execute();
  return rows.map((r) => r.message);
}

/** Replaces the message of every kudos a person gave (one-click kudos carry none and stay empty). Returns how many. */
export async function replaceGivenMessages(db: Kysely<Database>, workspaceId: number, personId: number, placeholder: string): Promise<number> {
  const rows = await db
    .updateTable('kudos')
    .set({ message: placeholder })
    .where('workspace_id', '=', workspaceId)
    .where('giver_id', '=', personId)
    .where('message', '<>', '')
    .where('message', '<>', placeholder)
    .returning('id')
    .execute();
  return rows.length;
}

export interface KudosText {
  id: number;
  message: string;
  revoked_reason: string | null;
}

/** Kudos of the workspace whose message or withdrawal reason contains any of the patterns. */
export async function kudosTextMatching(db: Kysely<Database>, workspaceId: number, patterns: string[]): Promise<KudosText[]> {
  if (!patterns.length) return [];
  const { rows } = await sql<KudosText>`
    select id, message, revoked_reason from kudos
    where workspace_id = ${workspaceId}
      and (message ilike any(${patterns}::text[]) or revoked_reason ilike any(${patterns}::text[]))
    order by id
  `.execute(db);
  return rows.map((r) => ({ ...r, id: Number(r.id) }));
}

export async function setKudosText(db: Kysely<Database>, workspaceId: number, k: KudosText): Promise<void> {
  await db
    .updateTable('kudos')
    .set({ message: k.message, revoked_reason: k.revoked_reason })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', k.id)
    .execute();
}

export interface AuditJson {
  id: number;
  before: unknown;
  after: unknown;
}

/** Audit entries about a person (their id is the target) or whose details contain any of the patterns. */
export async function auditMatching(db: Kysely<Database>, workspaceId: number, target: string, patterns: string[]): Promise<AuditJson[]> {
  const { rows } = await sql<AuditJson>`
    select id, before, after from audit_log
    where workspace_id = ${workspaceId}
      and (target = ${target} or before::text ilike any(${patterns}::text[]) or after::text ilike any(${patterns}::text[]))
    order by id
  `.execute(db);
  return rows.map((r) => ({ ...r, id: Number(r.id) }));
}

export async function setAuditJson(db: Kysely<Database>, workspaceId: number, a: AuditJson): Promise<void> {
  await db
    .updateTable('audit_log')
    .set({ before: JSON.stringify(a.before ?? null), after: JSON.stringify(a.after ?? null) })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', a.id)
    .execute();
}

export interface ConversationText {
  id: number;
  name: string | null;
  reference: Record<string, unknown>;
}

/** Teams conversation references with the person (their personal chat) or naming them. */
export async function conversationRefsMatching(db: Kysely<Database>, workspaceId: number, personId: number, patterns: string[]): Promise<ConversationText[]> {
  const { rows } = await sql<ConversationText>`
    select id, name, reference from conversation_ref
    where workspace_id = ${workspaceId}
      and (person_id = ${personId} or name ilike any(${patterns}::text[]) or reference::text ilike any(${patterns}::text[]))
    order by id
  `.execute(db);
  return rows.map((r) => ({ ...r, id: Number(r.id) }));
}

export async function setConversationRefText(db: Kysely<Database>, workspaceId: number, c: ConversationText): Promise<void> {
  await db
    .updateTable('conversation_ref')
    .set({ name: c.name, reference: JSON.stringify(c.reference) })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', c.id)
    .execute();
}

/**
 * Empties the stored bodies of processed platform deliveries that contain any of the patterns. The rows stay,
 * so a late re-delivery of one is still recognised as a duplicate; their content was applied long ago.
 * Deliveries not processed yet are left alone: they are work still to do. Returns how many were emptied.
 */
export async function blankProcessedDeliveries(
  db: Kysely<Database>,
  workspace: { id: number; platform: Platform },
  patterns: string[],
): Promise<number> {
  if (!patterns.length) return 0;
  const { rows } = await sql<{ id: number }>`
    update event_inbox set body = '{}'::jsonb
    where platform = ${workspace.platform}
      and (workspace_id = ${workspace.id} or workspace_id is null)
      and processed_at is not null
      and body <> '{}'::jsonb
      and body::text ilike any(${patterns}::text[])
    returning id
  `.execute(db);
  return rows.length;
}

/** Drops the DMs still waiting to be sent to a person. Returns how many. */
export async function cancelPendingDms(db: Kysely<Database>, workspaceId: number, personId: number): Promise<number> {
  const rows = await db
    .deleteFrom('dm_outbox')
    .where('workspace_id', '=', workspaceId)
    .where('recipient_id', '=', personId)
    .where('sent_at', 'is', null)
    .returning('id')
    .execute();
  return rows.length;
}

/** The person's row as erasure leaves it (a directory refresh keeps name and profile so: core/people.ts keepErased). */
export async function markErased(db: Kysely<Database>, workspaceId: number, personId: number, e: { displayName: string; at: Date }): Promise<void> {
  await db
    .updateTable('person')
    .set({
      display_name: e.displayName,
      time_zone: null,
      platform_data: '{}',
      dm_enabled: false,
      rankings_enabled: false,
      erased_at: e.at,
    })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', personId)
    .execute();
}

/**
 * Kudos with a post on the platform (a channel and a message id) that the person gave, received or joined by a
 * pile-on, or among `alsoIds` (kudos whose text named them), in id order.
 */
export async function postedKudosInvolving(db: Kysely<Database>, workspaceId: number, personId: number, alsoIds: number[]): Promise<number[]> {
  const rows = await db
    .selectFrom('kudos as k')
    .select('k.id')
    .where('k.workspace_id', '=', workspaceId)
    .where('k.post_channel_id', 'is not', null)
    .where('k.post_ts', 'is not', null)
    .where((w) =>
      w.or([
        w('k.giver_id', '=', personId),
        w.exists(w.selectFrom('kudos_recipient as r').select('r.kudos_id').whereRef('r.kudos_id', '=', 'k.id').where('r.recipient_id', '=', personId)),
        // A post they joined by a pile-on (Teams draws the joiners' names on it).
        w.exists(w.selectFrom('kudos as p').select('p.id').whereRef('p.parent_id', '=', 'k.id').where('p.giver_id', '=', personId).where('p.revoked_at', 'is', null)),
        ...(alsoIds.length ? [w('k.id', 'in', alsoIds)] : []),
      ]),
    )
    .orderBy('k.id')
    .execute();
  return rows.map((r) => r.id);
}

/**
 * People of the workspace to erase for having been deactivated long enough: the platform said they are
 * deactivated when their profile was last read, and that read is at least as old as `readBefore`. Bots and
 * people already erased are not included. In id order.
 */
export async function deactivatedSince(db: Kysely<Database>, workspaceId: number, readBefore: Date): Promise<string[]> {
  const rows = await db
    .selectFrom('person')
    .select('external_id')
    .where('workspace_id', '=', workspaceId)
    .where('is_deleted', '=', true)
    .where('is_bot', '=', false)
    .where('erased_at', 'is', null)
    .where('profile_fetched_at', 'is not', null)
    .where('profile_fetched_at', '<=', readBefore)
    .orderBy('id')
    .execute();
  return rows.map((r) => r.external_id);
}
