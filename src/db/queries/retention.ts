import type { Kysely } from 'kysely';
import type { Database } from '../schema';

/**
 * What the nightly retention run removes. Each statement works through at most BATCH rows, so none holds many
 * row locks for long and a first run over years of data does not stall a busy table; each function loops until
 * nothing is left and returns how many rows it changed. All of them are idempotent: run twice, the second does
 * nothing.
 */

const BATCH = 5_000;

async function inBatches(step: () => Promise<number>): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await step();
    total += n;
    if (n < BATCH) return total;
  }
}

/**
 * Deletes the processed deliveries of a workspace (or, with `workspaceId` null, of no known workspace)
 * received before `before`: their raw bodies hold what people wrote. Deliveries not processed yet (waiting,
 * or left for an operator after failing) are kept whatever their age.
 */
export async function deleteProcessedEvents(db: Kysely<Database>, scope: { workspaceId: number | null; before: Date }): Promise<number> {
  return inBatches(async () => {
    const r = await db
      .deleteFrom('event_inbox')
      .where('id', 'in', (eb) => {
        const q = eb.selectFrom('event_inbox').select('id');
        return (scope.workspaceId === null ? q.where('workspace_id', 'is', null) : q.where('workspace_id', '=', scope.workspaceId))
          .where('processed_at', 'is not', null)
          .where('received_at', '<', scope.before)
          .limit(BATCH);
      })
      .executeTakeFirst();
    return Number(r.numDeletedRows);
  });
}

/** What a cleared message reads: nothing. The kudos keeps its giver, recipients, values and time. */
export const CLEARED_MESSAGE = '';

/**
 * Clears the message text of a workspace's kudos given before `before`. The rows stay, so every count (the
 * digest, the leaderboards, allowances) stays the same; kudos cleared already are not touched again.
 */
export async function clearOldMessages(db: Kysely<Database>, scope: { workspaceId: number; before: Date }): Promise<number> {
  return inBatches(async () => {
    const r = await db
      .updateTable('kudos')
      .set({ message: CLEARED_MESSAGE })
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('kudos')
          .select('id')
          .where('workspace_id', '=', scope.workspaceId)
          .where('created_at', '<', scope.before)
          .where('message', '<>', CLEARED_MESSAGE)
          .limit(BATCH),
      )
      .executeTakeFirst();
    return Number(r.numUpdatedRows);
  });
}
