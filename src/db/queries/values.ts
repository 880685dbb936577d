import type { Kysely } from 'kysely';
import type { Database, ValueRow } from '../schema';
import { insertAudit } from './audit';

export async function listValues(db: Kysely<Database>, workspaceId: number, opts: { activeOnly: boolean }): Promise<ValueRow[]> {
  let q = db.selectFrom('value').selectAll().where('workspace_id', '=', workspaceId);
  if (opts.activeOnly) q = q.where('active', '=', true);
  return q.orderBy('position').orderBy('id').execute();
}

export async function findValue(db: Kysely<Database>, workspaceId: number, id: number): Promise<ValueRow | undefined> {
  return db.selectFrom('value').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
}

/** Values whose label or tag contains `query` (case-insensitive), for a searchable picker. */
export async function searchValues(db: Kysely<Database>, workspaceId: number, query: string, limit: number): Promise<ValueRow[]> {
  const like = `%${query.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  let q = db.selectFrom('value').selectAll().where('workspace_id', '=', workspaceId);
  if (query) q = q.where((eb) => eb.or([eb('label', 'ilike', like), eb('slug', 'ilike', like)]));
  return q.orderBy('active', 'desc').orderBy('position').orderBy('id').limit(limit).execute();
}

type ValueFields = Pick<ValueRow, 'slug' | 'label' | 'emoji' | 'active'>;
const fieldsOf = (v: ValueFields): ValueFields => ({ slug: v.slug, label: v.label, emoji: v.emoji, active: v.active });

/**
 * Adds a value at the end of the list and records it in the audit log, in one transaction. Undefined when
 * the workspace already has a value with that slug (active or not).
 */
export async function insertValue(
  db: Kysely<Database>,
  args: { workspaceId: number; actorId: number | null; slug: string; label: string; emoji: string },
): Promise<ValueRow | undefined> {
  return db.transaction().execute(async (trx) => {
    const last = await trx
      .selectFrom('value')
      .select((eb) => eb.fn.max('position').as('max'))
      .where('workspace_id', '=', args.workspaceId)
      .executeTakeFirst();
    const row = await trx
      .insertInto('value')
      .values({ workspace_id: args.workspaceId, slug: args.slug, label: args.label, emoji: args.emoji, position: Number(last?.max ?? -1) + 1 })
      .onConflict((oc) => oc.columns(['workspace_id', 'slug']).doNothing())
      .returningAll()
      .executeTakeFirst();
    if (!row) return undefined;
    await insertAudit(trx, { workspaceId: args.workspaceId, actorId: args.actorId, action: 'value.create', target: row.slug, before: null, after: fieldsOf(row) });
    return row;
  });
}

export type ValueUpdateOutcome = { ok: true; value: ValueRow } | { ok: false; reason: 'not_found' | 'changed'; current?: ValueRow };

/**
 * Changes a value only if it is still as the editor saw it (label, emoji and active): values have no version
 * column, so what was read is the version. The change and its before → after go to the audit log together.
 */
export async function updateValueIfUnchanged(
  db: Kysely<Database>,
  args: {
    workspaceId: number;
    actorId: number | null;
    id: number;
    expected: Pick<ValueRow, 'label' | 'emoji' | 'active'>;
    changes: Pick<ValueRow, 'label' | 'emoji' | 'active'>;
  },
): Promise<ValueUpdateOutcome> {
  return db.transaction().execute(async (trx) => {
    const before = await trx
      .selectFrom('value')
      .selectAll()
      .where('workspace_id', '=', args.workspaceId)
      .where('id', '=', args.id)
      .forUpdate()
      .executeTakeFirst();
    if (!before) return { ok: false, reason: 'not_found' };
    if (before.label !== args.expected.label || before.emoji !== args.expected.emoji || before.active !== args.expected.active) {
      return { ok: false, reason: 'changed', current: before };
    }
    const after = await trx
      .updateTable('value')
      .set({ label: args.changes.label, emoji: args.changes.emoji, active: args.changes.active })
      .where('id', '=', args.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await insertAudit(trx, { workspaceId: args.workspaceId, actorId: args.actorId, action: 'value.update', target: before.slug, before: fieldsOf(before), after: fieldsOf(after) });
    return { ok: true, value: after };
  });
}
