import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { insertAudit } from '../db/queries/audit';
import { deleteExpiredExportLinks, findLiveExportLink, insertExportLink } from '../db/queries/export-links';
import type { Database, PersonRow, WorkspaceRow } from '../db/schema';

/**
 * Links that let a person download their own kudos (GET /export/<token>, src/server/export-route.ts). The link
 * is a bearer secret: 32 random bytes, base64url, valid for EXPORT_LINK_MINUTES. Only its sha256 is stored, so
 * the database (a dump, a backup, a log of its statements) never holds a usable link.
 */

export const EXPORT_LINK_MINUTES = 15;
export const EXPORT_LINK_PATH = '/export/';
export const EXPORT_AUDIT_ACTION = 'data.export.self';
/** An admin's export of the whole workspace (the same action the Slack side records). */
export const WORKSPACE_EXPORT_AUDIT_ACTION = 'data.export';

/** 32 bytes in base64url, unpadded: 43 characters. */
const TOKEN_BYTES = 32;
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export interface ExportLink {
  token: string;
  expiresAt: Date;
}

/** The sha256 (hex) a token is stored and looked up by. */
export function hashExportToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * A new link for `person`, audited (never with its token). The workspace's expired links are deleted in the
 * same transaction, so the table holds no more than the links made in the last EXPORT_LINK_MINUTES.
 */
export async function createExportLink(
  db: Kysely<Database>,
  workspace: Pick<WorkspaceRow, 'id'>,
  person: Pick<PersonRow, 'id' | 'external_id'>,
  now: Date,
): Promise<ExportLink> {
  const token = randomBytes(TOKEN_BYTES).toString('base64url');
  const expiresAt = new Date(now.getTime() + EXPORT_LINK_MINUTES * 60_000);
  await db.transaction().execute(async (trx) => {
    await deleteExpiredExportLinks(trx, workspace.id, now);
    await insertExportLink(trx, { tokenHash: hashExportToken(token), workspaceId: workspace.id, personId: person.id, createdAt: now, expiresAt });
    await insertAudit(trx, { workspaceId: workspace.id, actorId: person.id, action: EXPORT_AUDIT_ACTION, target: person.external_id, before: null, after: { via: 'link' } });
  });
  return { token, expiresAt };
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
  const token = randomBytes(TOKEN_BYTES).toString('base64url');
  const expiresAt = new Date(now.getTime() + EXPORT_LINK_MINUTES * 60_000);
  await db.transaction().execute(async (trx) => {
    await deleteExpiredExportLinks(trx, workspace.id, now);
    await insertExportLink(trx, { tokenHash: hashExportToken(token), workspaceId: workspace.id, personId: admin.id, createdAt: now, expiresAt, range: request.range });
    await insertAudit(trx, {
      workspaceId: workspace.id,
      actorId: admin.id,
      action: WORKSPACE_EXPORT_AUDIT_ACTION,
      target: 'workspace',
      before: null,
      after: { fromDay: request.fromDay, toDay: request.toDay, format: request.format, via: 'link' },
    });
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
  const wellFormed = TOKEN_SHAPE.test(token);
  const found = await findLiveExportLink(db, hashExportToken(wellFormed ? token : ''), now);
  return wellFormed ? found : undefined;
}

/** The link people open: `${publicUrl}/export/<token>?format=…` (publicUrl without a trailing slash). */
export function exportLinkUrl(publicUrl: string, token: string, format: 'csv' | 'json'): string {
  return `${publicUrl.replace(/\/+$/, '')}${EXPORT_LINK_PATH}${token}?format=${format}`;
}
