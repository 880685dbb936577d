import type { Kysely } from 'kysely';
import type { Database } from '../schema';

export interface AuditEntry {
  id: number;
  action: string;
  target: string;
  before: unknown;
  after: unknown;
  createdAt: Date;
  /** The platform id of who made the change; null for changes made by Kudos itself (seeding, scripts). */
  actorExternalId: string | null;
  actorName: string | null;
}

export async function insertAudit(
  db: Kysely<Database>,
  row: { workspaceId: number; actorId: number | null; action: string; target: string; before: unknown; after: unknown },
): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      workspace_id: row.workspaceId,
      actor_id: row.actorId,
      action: row.action,
      target: row.target,
      before: JSON.stringify(row.before ?? null),
      after: JSON.stringify(row.after ?? null),
    })
    .execute();
}

/** The latest changes, newest first, with the total kept (from the (workspace_id, created_at) index). */
export async function listAudit(db: Kysely<Database>, workspaceId: number, limit: number): Promise<{ entries: AuditEntry[]; total: number }> {
  const [rows, total] = await Promise.all([
    db
      .selectFrom('audit_log as a')
      .leftJoin('person as p', 'p.id', 'a.actor_id')
      .select(['a.id', 'a.action', 'a.target', 'a.before', 'a.after', 'a.created_at', 'p.external_id', 'p.display_name'])
      .where('a.workspace_id', '=', workspaceId)
      .orderBy('a.created_at', 'desc')
      .orderBy('a.id', 'desc')
      .limit(limit)
      .execute(),
    db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('workspace_id', '=', workspaceId)
      .executeTakeFirstOrThrow(),
  ]);
  return {
    entries: rows.map((r) => ({
      id: r.id,
      action: r.action,
      target: r.target,
      before: r.before,
      after: r.after,
      createdAt: new Date(r.created_at),
      actorExternalId: r.external_id,
      actorName: r.display_name,
    })),
    total: Number(total.n),
  };
}
