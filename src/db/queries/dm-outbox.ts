import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema';

export interface DueDm {
  id: number;
  workspace_id: number;
  recipient_id: number;
  kudos_id: number;
}

/** Claims due DMs for this process (skip locked: replicas never take the same rows). */
export async function claimDueDms(db: Kysely<Database>, workspaceId: number, now: Date, limit = 500): Promise<DueDm[]> {
  return db
    .updateTable('dm_outbox')
    .set({ locked_until: new Date(now.getTime() + 2 * 60_000) })
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('dm_outbox')
        .select('id')
        .where('workspace_id', '=', workspaceId)
        .where('sent_at', 'is', null)
        .where('due_at', '<=', now)
        .where((w) => w.or([w('locked_until', 'is', null), w('locked_until', '<', now)]))
        .orderBy('due_at')
        .limit(limit)
        .forUpdate()
        .skipLocked(),
    )
    .returning(['id', 'workspace_id', 'recipient_id', 'kudos_id'])
    .execute();
}

export async function markDmsSent(db: Kysely<Database>, ids: number[], now: Date): Promise<void> {
  if (!ids.length) return;
  await db.updateTable('dm_outbox').set({ sent_at: now, locked_until: null }).where('id', 'in', ids).execute();
}

/**
 * Moves the DMs owed by kudos whose publish did not send them in time (it stopped, or the post waits for a rate
 * limit) into the outbox, due now, in one statement: one row per recipient who has DMs on.
 */
export async function takeOverOwedDms(db: Kysely<Database>, workspaceId: number, now: Date): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    with owed as (
      update kudos set dms_due_at = null
      where workspace_id = ${workspaceId} and dms_due_at is not null and dms_due_at <= ${now}
      returning id, workspace_id
    ), queued as (
      insert into dm_outbox (workspace_id, recipient_id, kudos_id, due_at)
      select o.workspace_id, r.recipient_id, o.id, ${now}::timestamptz
      from owed o
      join kudos_recipient r on r.kudos_id = o.id
      join person p on p.id = r.recipient_id and p.dm_enabled
      on conflict (kudos_id, recipient_id) do nothing
      returning 1
    )
    select count(*)::int as n from queued
  `.execute(db);
  return Number(rows[0]?.n ?? 0);
}

/** Queues DMs a publish could not send now (Slack said "not now"), due at once, for the outbox to retry. */
export async function queueDms(db: Kysely<Database>, workspaceId: number, kudosId: number, recipientIds: number[], now: Date): Promise<void> {
  if (!recipientIds.length) return;
  await db
    .insertInto('dm_outbox')
    .values(recipientIds.map((recipient_id) => ({ workspace_id: workspaceId, recipient_id, kudos_id: kudosId, due_at: now })))
    .onConflict((oc) => oc.columns(['kudos_id', 'recipient_id']).doNothing())
    .execute();
}
