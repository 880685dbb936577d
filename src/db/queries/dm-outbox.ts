import { sql, type Kysely } from 'kysely';
import { batched, perDatabase } from '../batch';
import type { Database } from '../schema';

/**
 * How long the first kudos in a batch waits for company before the recipient is told (ten reactions in a
 * minute make one DM). Rows are queued with the kudos itself (record-kudos.ts).
 */
export const DM_BATCH_WINDOW_MS = 60_000;

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

/** Marks DMs sent; marks made together (one per published kudos) share one round trip. */
export function markDmsSent(db: Kysely<Database>, ids: number[], now: Date): Promise<void> {
  return ids.length ? markSent(db, { ids, now }) : Promise.resolve();
}

const markSent = perDatabase((db) =>
  batched<{ ids: number[]; now: Date }, void>(async (items) => {
    const ids = items.flatMap((i) => i.ids);
    const ats = items.flatMap((i) => i.ids.map(() => i.now));
    await sql`
      update dm_outbox set sent_at = v.at, locked_until = null
      from unnest(${ids}::bigint[], ${ats}::timestamptz[]) as v(id, at)
      where dm_outbox.id = v.id
    `.execute(db);
    return items.map(() => undefined);
  }),
);


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
