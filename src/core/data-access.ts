import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Kysely } from 'kysely';
import { insertAudit } from '../db/queries/audit';
import type { Database, WorkspaceRow } from '../db/schema';
import { recordAdminAction, type AdminCheck } from './admin';
import { exportKudos, exportRecords, formatExport, type ExportRecord } from './export';
import type { CoreDeps } from './give';
import { resolvePerson } from './people';

/**
 * Who may take which data out, and the record of it: a person their own kudos, an admin a date range of the
 * ledger. Every export, and every refused attempt, is written to the admin audit log (who, what, when; never
 * the data itself).
 */

export type ExportFormat = 'csv' | 'json';

/** A person's own kudos (given and received), as CSV and JSON, in memory: one person's history is small. */
export async function exportMine(
  deps: Pick<CoreDeps, 'db' | 'directory' | 'clock'>,
  workspace: WorkspaceRow,
  externalId: string,
): Promise<{ status: 'ok'; csv: Buffer; json: Buffer; kudos: number } | { status: 'unknown_person' }> {
  const db = deps.db;
  const person = await resolvePerson(db, deps.directory, workspace, externalId, deps.clock());
  if (!person) return { status: 'unknown_person' };
  // Read once, written twice.
  const records: ExportRecord[] = [];
  for await (const page of exportRecords(db, workspace, { person: { id: person.id } })) records.push(...page);
  const [csv, json] = await Promise.all([collect(formatExport([records], 'csv', { withRole: true })), collect(formatExport([records], 'json', { withRole: true }))]);
  const kudos = records.length;
  await insertAudit(db, { workspaceId: workspace.id, actorId: person.id, action: 'data.export.self', target: externalId, before: null, after: { kudos } });
  return { status: 'ok', csv: Buffer.from(csv), json: Buffer.from(json), kudos };
}

/**
 * The workspace's kudos from `from` to `to` (both days included, UTC) for an admin, streamed into a file (a
 * year of a large workspace does not fit in memory). The check is the server's own (checkAdmin), never the
 * payload's word; a refusal is audited and writes nothing.
 */
export async function exportWorkspaceToFile(
  db: Kysely<Database>,
  workspace: WorkspaceRow,
  check: AdminCheck,
  request: { fromDay: string; toDay: string; format: ExportFormat },
  path: string,
): Promise<{ status: 'ok'; bytes: number } | { status: 'not_allowed' } | { status: 'bad_range'; problem: string }> {
  if (!check.admin) {
    await recordExportRefused(db, workspace, check, request);
    return { status: 'not_allowed' };
  }
  const range = dayRange(request.fromDay, request.toDay);
  if ('problem' in range) return { status: 'bad_range', problem: range.problem };
  const out = createWriteStream(path);
  let bytes = 0;
  try {
    for await (const chunk of exportKudos(db, workspace, { from: range.from, to: range.to, format: request.format })) {
      bytes += Buffer.byteLength(chunk);
      if (!out.write(chunk)) await once(out, 'drain');
    }
  } finally {
    out.end();
    await once(out, 'close');
  }
  await recordAdminAction(db, check, { action: 'data.export', target: 'workspace', before: null, after: { ...request, bytes } });
  return { status: 'ok', bytes };
}

/** A workspace export asked for by someone who is not an admin (a forged form or card), for the audit log. */
export async function recordExportRefused(db: Kysely<Database>, workspace: WorkspaceRow, check: AdminCheck, request: unknown): Promise<void> {
  await insertAudit(db, { workspaceId: workspace.id, actorId: check.person?.id ?? null, action: 'data.export.refused', target: 'workspace', before: null, after: request });
}

/** Two YYYY-MM-DD days, both included, as [from, to) instants in UTC. */
export function dayRange(fromDay: string, toDay: string): { from: Date; to: Date } | { problem: string } {
  const day = (s: string) => (/^\d{4}-\d{2}-\d{2}$/.test(s) ? new Date(`${s}T00:00:00Z`) : new Date(NaN));
  const from = day(fromDay);
  const last = day(toDay);
  if (Number.isNaN(from.getTime()) || Number.isNaN(last.getTime())) return { problem: 'Choose both dates.' };
  if (last < from) return { problem: 'The end date is before the start date.' };
  return { from, to: new Date(last.getTime() + 24 * 60 * 60_000) };
}

async function collect(chunks: AsyncIterable<string>): Promise<string> {
  let text = '';
  for await (const c of chunks) text += c;
  return text;
}
