import type { Kysely } from 'kysely';
import type { Database, PersonRow } from '../schema';

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

export async function markDmsSent(db: Kysely<Database>, ids: number[], now: Date): Promise<void> {
  if (!ids.length) return;
  await db.updateTable('dm_outbox').set({ sent_at: now, locked_until: null }).where('id', 'in', ids).execute();
}

/**
 * Claims the DMs queued with one kudos (those not sent, not claimed by someone else) with their recipients'
 * rows, in one round trip: what the publish of that kudos sends straight away.
 */
export async function claimDmsForKudos(
  db: Kysely<Database>,
  workspaceId: number,
  kudosId: number,
  now: Date,
): Promise<Array<{ outboxId: number; person: PersonRow }>> {
  const rows = await db
    .with('claimed', (q) =>
      q
        .updateTable('dm_outbox')
        .set({ locked_until: new Date(now.getTime() + 2 * 60_000) })
        .where('workspace_id', '=', workspaceId)
        .where('kudos_id', '=', kudosId)
        .where('sent_at', 'is', null)
        .where((w) => w.or([w('locked_until', 'is', null), w('locked_until', '<', now)]))
        .returning(['id as outbox_id', 'recipient_id']),
    )
    .selectFrom('claimed')
    .innerJoin('person', 'person.id', 'claimed.recipient_id')
    .selectAll('person')
    .select('claimed.outbox_id')
    .execute();
  return rows.map(({ outbox_id, ...person }) => ({ outboxId: Number(outbox_id), person: person as PersonRow }));
}
