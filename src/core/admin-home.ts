import type { Kysely } from 'kysely';
import { listAudit, type AuditEntry } from '../db/queries/audit';
import { listValues } from '../db/queries/values';
import type { Database } from '../db/schema';
import { loadTeamsOverview, type TeamsOverview } from './cross-team';
import type { ValueView } from './types';

export type { AuditEntry };

/**
 * What an admin's dashboard shows besides the settings (which come with the admin check): the values and the
 * latest changes. Platform-neutral; the Slack App Home renders it, and so could any other admin surface.
 */
export interface AdminOverview {
  values: { active: ValueView[]; inactive: number };
  audit: { entries: AuditEntry[]; total: number };
  /** The teams and the last four weeks' thanks between them (core/cross-team.ts). */
  teams?: TeamsOverview;
}

/** How many of the latest audit entries an admin dashboard lists. */
export const AUDIT_SHOWN = 20;

export async function loadAdminOverview(db: Kysely<Database>, workspaceId: number, auditShown = AUDIT_SHOWN, now: Date = new Date()): Promise<AdminOverview> {
  const [values, audit, teams] = await Promise.all([
    listValues(db, workspaceId, { activeOnly: false }),
    listAudit(db, workspaceId, auditShown),
    loadTeamsOverview(db, workspaceId, now),
  ]);
  return {
    values: {
      active: values.filter((v) => v.active).map((v) => ({ slug: v.slug, label: v.label, emoji: v.emoji })),
      inactive: values.filter((v) => !v.active).length,
    },
    audit,
    teams,
  };
}
