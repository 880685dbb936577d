import type { Kysely } from 'kysely';
import type { Database } from '../../src/db/schema';

let seq = 0;

/**
 * Writes one kudos straight into the ledger's tables, as `kudos_record` would leave it: the kudos, its recipients
 * (in the order given, with the kudos's created_at) and its values. For tests that need a history at exact times;
 * tests of giving itself go through the core.
 */
export async function insertKudos(
  db: Kysely<Database>,
  workspaceId: number,
  k: {
    giverId: number;
    recipientIds: number[];
    at: Date;
    message?: string;
    channelId?: string | null;
    parentId?: number;
    valueIds?: number[];
    /** When it was withdrawn; none when it stands. */
    revokedAt?: Date | null;
  },
): Promise<number> {
  const row = await db
    .insertInto('kudos')
    .values({
      workspace_id: workspaceId,
      giver_id: k.giverId,
      source: k.parentId ? 'pileon' : 'command',
      source_key: `ledger-row-${++seq}`,
      message: k.message ?? '',
      channel_id: k.channelId ?? null,
      parent_id: k.parentId ?? null,
      created_at: k.at,
      local_day: k.at.toISOString().slice(0, 10),
      revoked_at: k.revokedAt ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('kudos_recipient')
    .values(k.recipientIds.map((recipientId, position) => ({ kudos_id: row.id, workspace_id: workspaceId, recipient_id: recipientId, created_at: k.at, position })))
    .execute();
  if (k.valueIds?.length) await db.insertInto('kudos_value').values(k.valueIds.map((valueId) => ({ kudos_id: row.id, value_id: valueId, workspace_id: workspaceId }))).execute();
  return row.id;
}
