import type { Kysely } from 'kysely';
import { insertAudit } from '../db/queries/audit';
import { deleteExpiredExportLinks, findLiveExportLink, insertExportLink } from '../db/queries/export-links';
import type { Database, PersonRow, WorkspaceRow } from '../db/schema';
import { lookupLinkToken, newLinkToken } from './link-tokens';

/**
 * Links that let a person download their own kudos, or an admin the workspace's (GET /export/<token>,
 * src/server/export-route.ts), valid for EXPORT_LINK_MINUTES. The token is a bearer secret stored only as a hash
 * (core/link-tokens.ts).
 */

export const EXPORT_LINK_MINUTES = 15;
export const EXPORT_LINK_PATH = '/export/';
export const EXPORT_AUDIT_ACTION = 'data.export.self';
/** An admin's export of the whole workspace (the same action the Slack side records). */
export const WORKSPACE_EXPORT_AUDIT_ACTION = 'data.export';

export interface ExportLink {
  token: string;
  expiresAt: Date;
}

/** A new link for `person` to their own kudos, audited (never with its token). */
export async function createExportLink(
  db: Kysely<Database>,
  workspace: Pick<WorkspaceRow, 'id'>,
  person: Pick<PersonRow, 'id' | 'external_id'>,
  now: Date,
): Promise<ExportLink> {
  return makeLink(db, workspace.id, person.id, null, now, { action: EXPORT_AUDIT_ACTION, target: person.external_id, after: { via: 'link' } });
}

/**
 * A new link for an admin to the whole workspace's kudos in [range.from, range.to). The admin check is the
 * caller's (checkAdmin, made for this request); the audit records the days and format, never the token.
 */
export async function createWorkspaceExportLink(
  db: Kysely<Database>,
  workspace: Pick<WorkspaceRow, 'id'>,
  admin: Pick<PersonRow, 'id'>,
  request: { range: { from: Date; to: Date }; fromDay: string; toDay: string; format: 'csv' | 'json' },
  now: Date,
): Promise<ExportLink> {
  return makeLink(db, workspace.id, admin.id, request.range, now, {
    action: WORKSPACE_EXPORT_AUDIT_ACTION,
    target: 'workspace',
    after: { fromDay: request.fromDay, toDay: request.toDay, format: request.format, via: 'link' },
  });
}

/**
 * Stores a new link (the person's own kudos, or with `range` the workspace's) and its audit entry, in one
 * transaction that also deletes the workspace's expired links, so the table holds no more than the links made
 * in the last EXPORT_LINK_MINUTES.
 */
async function makeLink(
  db: Kysely<Database>,
  workspaceId: number,
  personId: number,
  range: { from: Date; to: Date } | null,
  now: Date,
  audit: { action: string; target: string; after: unknown },
): Promise<ExportLink> {
  const { token, hash } = newLinkToken();
  const expiresAt = new Date(now.getTime() + EXPORT_LINK_MINUTES * 60_000);
  await db.transaction().execute(async (trx) => {
    await deleteExpiredExportLinks(trx, workspaceId, now);
    await insertExportLink(trx, { tokenHash: hash, workspaceId, personId, createdAt: now, expiresAt, ...(range ? { range } : {}) });
    await insertAudit(trx, { workspaceId, actorId: personId, before: null, ...audit });
  });
  return { token, expiresAt };
}

/**
 * The workspace and person a token opens at `now`; undefined for a token that is unknown, expired or not a
 * token at all. A malformed token is hashed and looked up like any other, so every "no" takes about as long,
 * and the lookup compares hashes, never the token itself.
 */
export async function resolveExportLink(
  db: Kysely<Database>,
  token: string,
  now: Date,
): Promise<{ workspace: WorkspaceRow; person: PersonRow; range: { from: Date; to: Date } | null } | undefined> {
  const { wellFormed, hash } = lookupLinkToken(token);
  const found = await findLiveExportLink(db, hash, now);
  return wellFormed ? found : undefined;
}

/** The link people open: `${publicUrl}/export/<token>?format=…` (publicUrl without a trailing slash). */
export function exportLinkUrl(publicUrl: string, token: string, format: 'csv' | 'json'): string {
  return `${publicUrl.replace(/\/+$/, '')}${EXPORT_LINK_PATH}${token}?format=${format}`;
}
