import type { Writable } from 'node:stream';
import type { Kysely } from 'kysely';
import { exportPages, type ExportRow } from '../db/queries/export';
import type { Database, WorkspaceRow } from '../db/schema';
import type { KudosSource } from './types';

export type ExportFormat = 'csv' | 'json';

/** What a person was to a kudos in their own export. */
export type ExportRole = 'gave' | 'received' | 'both';

export interface ExportOptions {
  /** Kudos given at or after this instant. */
  from?: Date;
  /** Kudos given before this instant (exclusive: the CLI's inclusive --to day becomes the next midnight UTC). */
  to?: Date;
  /** Only the kudos this person gave or received, each with their role. */
  person?: { id: number };
  format: ExportFormat;
}

/** One exported kudos, as the JSON format writes it (the CSV has the same fields, flattened). */
export interface ExportRecord {
  id: number;
  created_at: string;
  source: KudosSource;
  channel_id: string | null;
  giver: { id: string; name: string };
  recipients: Array<{ id: string; name: string }>;
  values: string[];
  message: string;
  campaign_key: string | null;
  withdrawn_at: string | null;
  withdrawn_by: { id: string; name: string } | null;
  /** Only in a person's export. */
  role?: ExportRole;
}

/** The CSV header; `role` is added last in a person's export. */
export const CSV_COLUMNS = [
  'id',
  'created_at',
  'source',
  'channel_id',
  'giver',
  'giver_name',
  'recipients',
  'recipient_names',
  'values',
  'message',
  'campaign_key',
  'withdrawn_at',
  'withdrawn_by',
  'withdrawn_by_name',
] as const;

/**
 * A workspace's ledger (or one person's part of it) as text, in chunks of about a page of kudos each, oldest
 * first: CSV (RFC 4180, header first) or a JSON array. Read page by page (db/queries/export.ts), so memory
 * stays bounded however long the ledger; a consumer that stops reading stops the queries.
 */
export function exportKudos(db: Kysely<Database>, workspace: Pick<WorkspaceRow, 'id'>, opts: ExportOptions): AsyncIterable<string> {
  return formatExport(exportRecords(db, workspace, opts), opts.format, { withRole: !!opts.person });
}

/** The export's records, a page at a time (for a caller that counts them or formats them itself). */
export async function* exportRecords(db: Kysely<Database>, workspace: Pick<WorkspaceRow, 'id'>, opts: Omit<ExportOptions, 'format'>): AsyncGenerator<ExportRecord[]> {
  const personId = opts.person?.id;
  for await (const page of exportPages(db, workspace.id, { from: opts.from, to: opts.to, personId })) {
    yield page.map((row) => toRecord(row, personId));
  }
}

function toRecord(r: ExportRow, personId: number | undefined): ExportRecord {
  const record: ExportRecord = {
    id: r.id,
    created_at: r.created_at.toISOString(),
    source: r.source,
    channel_id: r.channel_id,
    giver: { id: r.giver_external_id, name: r.giver_display_name },
    recipients: r.recipients.map((p) => ({ id: p.external_id, name: p.display_name })),
    values: r.value_slugs,
    message: r.message,
    campaign_key: r.campaign_key,
    withdrawn_at: r.revoked_at ? r.revoked_at.toISOString() : null,
    withdrawn_by: r.revoked_by_external_id === null ? null : { id: r.revoked_by_external_id, name: r.revoked_by_display_name ?? '' },
  };
  if (personId !== undefined) {
    const gave = r.giver_id === personId;
    const received = r.recipients.some((p) => p.id === personId);
    record.role = gave && received ? 'both' : gave ? 'gave' : 'received';
  }
  return record;
}

/** Pages of records as CSV or JSON text: one chunk per page, and the header / brackets around them. */
export async function* formatExport(pages: AsyncIterable<ExportRecord[]> | Iterable<ExportRecord[]>, format: ExportFormat, o: { withRole: boolean }): AsyncGenerator<string> {
  if (format === 'csv') {
    yield csvLine(o.withRole ? [...CSV_COLUMNS, 'role'] : [...CSV_COLUMNS]);
    for await (const page of pages) if (page.length) yield page.map((r) => csvLine(csvFields(r, o.withRole))).join('');
    return;
  }
  // A JSON array with one object a line: valid JSON with no rows too ("[]").
  let empty = true;
  yield '[';
  for await (const page of pages) {
    if (!page.length) continue;
    yield (empty ? '\n' : ',\n') + page.map((r) => JSON.stringify(r)).join(',\n');
    empty = false;
  }
  yield empty ? ']\n' : '\n]\n';
}

function csvFields(r: ExportRecord, withRole: boolean): string[] {
  const fields = [
    String(r.id),
    r.created_at,
    r.source,
    r.channel_id ?? '',
    r.giver.id,
    r.giver.name,
    r.recipients.map((p) => p.id).join(';'),
    r.recipients.map((p) => p.name).join(';'),
    r.values.join(';'),
    r.message,
    r.campaign_key ?? '',
    r.withdrawn_at ?? '',
    r.withdrawn_by?.id ?? '',
    r.withdrawn_by?.name ?? '',
  ];
  if (withRole) fields.push(r.role ?? '');
  return fields;
}

// A spreadsheet runs a cell that starts with one of these as a formula (OWASP "CSV Injection"): a leading
// apostrophe makes it text, and Excel, LibreOffice and Google Sheets hide the apostrophe.
const FORMULA_START = /^[=+\-@\t\r]/;

/** One CSV field: made safe for spreadsheets, then quoted per RFC 4180 when it holds `,` `"` CR or LF. */
export function csvField(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** One CSV record, ended by CRLF (RFC 4180). */
export function csvLine(fields: readonly string[]): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}

/**
 * Writes chunks to a stream, waiting for 'drain' whenever it is full, so a slow reader holds the export back
 * instead of the chunks piling up in memory. Resolves to the bytes written; rejects on the stream's error
 * (and then stops reading the chunks, which stops the queries). Does not end the stream; an error the stream
 * reports after this returns is the caller's to listen for.
 */
export async function writeChunks(chunks: AsyncIterable<string>, out: Writable): Promise<number> {
  let failed: Error | undefined;
  let wake: (() => void) | undefined;
  const onError = (err: Error) => {
    failed ??= err;
    wake?.();
  };
  const onDrain = () => wake?.();
  out.on('error', onError);
  out.on('drain', onDrain);
  out.on('close', onDrain);
  let bytes = 0;
  try {
    for await (const chunk of chunks) {
      if (failed) throw failed;
      bytes += Buffer.byteLength(chunk);
      if (!out.write(chunk)) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
        if (failed) throw failed;
        if (out.destroyed) throw new Error('the output was closed before the export finished');
      }
    }
    if (failed) throw failed;
    return bytes;
  } finally {
    out.off('drain', onDrain);
    out.off('close', onDrain);
    out.off('error', onError);
  }
}

/** The whole export in memory, for a file upload (Slack's files.getUploadURLExternal wants the length first). */
export async function exportToBuffer(db: Kysely<Database>, workspace: Pick<WorkspaceRow, 'id'>, opts: ExportOptions): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of exportKudos(db, workspace, opts)) parts.push(Buffer.from(chunk, 'utf8'));
  return Buffer.concat(parts);
}
