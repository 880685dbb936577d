import type { Kysely } from 'kysely';
import type { Database, PersonRow, WorkspaceRow } from '../schema';

/** Records a download link by its token's hash (never the token), usable until `expiresAt`. */
export async function insertExportLink(
  db: Kysely<Database>,
  link: { tokenHash: string; workspaceId: number; personId: number; createdAt: Date; expiresAt: Date; range?: { from: Date; to: Date } },
): Promise<void> {
  await db
    .insertInto('export_link')
    .values({
      token_hash: link.tokenHash,
      workspace_id: link.workspaceId,
      person_id: link.personId,
      created_at: link.createdAt,
      expires_at: link.expiresAt,
      ...(link.range ? { scope: 'workspace' as const, from_at: link.range.from, to_at: link.range.to } : {}),
    })
    .execute();
}

/** Deletes the workspace's links that expired by `now`; returns how many. */
export async function deleteExpiredExportLinks(db: Kysely<Database>, workspaceId: number, now: Date): Promise<number> {
  const r = await db.deleteFrom('export_link').where('workspace_id', '=', workspaceId).where('expires_at', '<=', now).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/**
 * The workspace and person of the link with this token hash, if it is still valid at `now`; for a workspace
 * link (an admin's), also the range it opens.
 */
export async function findLiveExportLink(
  db: Kysely<Database>,
  tokenHash: string,
  now: Date,
): Promise<{ workspace: WorkspaceRow; person: PersonRow; range: { from: Date; to: Date } | null } | undefined> {
  const link = await db
    .selectFrom('export_link')
    .select(['workspace_id', 'person_id', 'scope', 'from_at', 'to_at'])
    .where('token_hash', '=', tokenHash)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  if (!link) return undefined;
  const [workspace, person] = await Promise.all([
    db.selectFrom('workspace').selectAll().where('id', '=', link.workspace_id).executeTakeFirst(),
    db.selectFrom('person').selectAll().where('id', '=', link.person_id).where('workspace_id', '=', link.workspace_id).executeTakeFirst(),
  ]);
  if (!workspace || !person) return undefined;
  if (link.scope !== 'workspace') return { workspace, person, range: null };
  // A workspace link without its range opens nothing.
  if (!link.from_at || !link.to_at) return undefined;
  return { workspace, person, range: { from: new Date(link.from_at), to: new Date(link.to_at) } };
}
