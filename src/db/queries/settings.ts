import type { Kysely } from 'kysely';
import type { Database } from '../schema';

export interface StoredSetting {
  key: string;
  value: unknown;
  version: number;
}

export async function readSettingRows(db: Kysely<Database>, workspaceId: number): Promise<StoredSetting[]> {
  const rows = await db.selectFrom('setting').select(['key', 'value', 'version']).where('workspace_id', '=', workspaceId).execute();
  return rows.map((r) => ({ key: r.key, value: r.value, version: r.version }));
}

/** The stored settings of several workspaces in one read, by workspace id (absent: nothing stored). */
export async function readSettingRowsOf(db: Kysely<Database>, workspaceIds: readonly number[]): Promise<Map<number, StoredSetting[]>> {
  const byId = new Map<number, StoredSetting[]>();
  if (!workspaceIds.length) return byId;
  const rows = await db.selectFrom('setting').select(['workspace_id', 'key', 'value', 'version']).where('workspace_id', 'in', [...workspaceIds]).execute();
  for (const r of rows) byId.set(r.workspace_id, [...(byId.get(r.workspace_id) ?? []), { key: r.key, value: r.value, version: r.version }]);
  return byId;
}

export type WriteOutcome = { ok: true; version: number } | { ok: false; currentVersion: number };

/**
 * Writes one setting if it is still at `expectedVersion` (0 = never saved), and records the change in the
 * audit log in the same transaction (the caller's, when `db` is one). A stale version means someone else saved
 * first: nothing is written.
 */
export async function writeSetting(
  db: Kysely<Database>,
  args: { workspaceId: number; key: string; value: unknown; before: unknown; expectedVersion: number; actorId: number | null },
): Promise<WriteOutcome> {
  const run = async (trx: Kysely<Database>): Promise<WriteOutcome> => {
    const json = JSON.stringify(args.value);
    const written =
      args.expectedVersion === 0
        ? await trx
            .insertInto('setting')
            .values({ workspace_id: args.workspaceId, key: args.key, value: json, version: 1, updated_by: args.actorId })
            .onConflict((oc) => oc.columns(['workspace_id', 'key']).doNothing())
            .returning('version')
            .executeTakeFirst()
        : await trx
            .updateTable('setting')
            .set((eb) => ({ value: json, version: eb('version', '+', 1), updated_at: new Date(), updated_by: args.actorId }) as const)
            .where('workspace_id', '=', args.workspaceId)
            .where('key', '=', args.key)
            .where('version', '=', args.expectedVersion)
            .returning('version')
            .executeTakeFirst();
    if (!written) {
      const current = await trx
        .selectFrom('setting')
        .select('version')
        .where('workspace_id', '=', args.workspaceId)
        .where('key', '=', args.key)
        .executeTakeFirst();
      return { ok: false, currentVersion: current?.version ?? 0 };
    }
    await trx
      .insertInto('audit_log')
      .values({
        workspace_id: args.workspaceId,
        actor_id: args.actorId,
        action: 'setting.update',
        target: args.key,
        before: JSON.stringify(args.before ?? null),
        after: json,
      })
      .execute();
    return { ok: true, version: written.version };
  };
  return db.isTransaction ? run(db) : db.transaction().execute(run);
}
