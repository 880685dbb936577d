import { createWriteStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import type { Config } from '../config';
import { exportRecords, formatExport, writeChunks, type ExportFormat, type ExportRecord } from '../core/export';
import { connectDatabase, type DatabaseHandle } from '../db/connect';
import { migrateToLatest } from '../db/migrate';
import type { WorkspaceRow } from '../db/schema';
import { findCommand, type ParsedArgs } from './commands';
import { configOrExplain } from './config';

const EXPORT = findCommand('export')!;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface ExportCommandDeps {
  config: Config;
  /** An open database (tests); otherwise one is opened from the config. */
  database?: DatabaseHandle;
  /** Messages for the operator (standard error: standard output may be carrying the export). */
  print(line: string): void;
  /** Where the export goes without --output (standard output). */
  stdout?: Writable;
}

/** `kudos export` with its arguments still unparsed (tests). Returns the exit code. */
export async function exportCommand(argv: string[], deps: ExportCommandDeps): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: EXPORT.options, strict: true });
  } catch (err) {
    deps.print(`${err instanceof Error ? err.message : String(err)}\n\n${EXPORT.help}`);
    return 1;
  }
  return exportRun(parsed.values, deps);
}

interface ExportArgs {
  workspace?: string;
  from?: string;
  to?: string;
  format?: string;
  output?: string;
  person?: string;
  help?: boolean;
}

/**
 * `kudos export`: a workspace's kudos (or one person's) as CSV or JSON, to standard output or a file, read and
 * written a page at a time. Exit code 0, or 1 for a bad argument or an unknown workspace or person (the
 * message names it), or when writing failed.
 */
export async function exportRun(values: ParsedArgs['values'], deps: ExportCommandDeps): Promise<number> {
  const args = values as ExportArgs;
  const { print, config } = deps;
  if (args.help) {
    print(EXPORT.help);
    return 0;
  }
  const bad = (sentence: string): number => {
    print(`${sentence}\n\n${EXPORT.help}`);
    return 1;
  };
  if (!args.workspace) return bad('Say which workspace: --workspace <id>.');
  const format = (args.format ?? 'csv').toLowerCase();
  if (format !== 'csv' && format !== 'json') return bad(`--format "${args.format}" is not one we write: use csv or json.`);
  const from = args.from === undefined ? undefined : parseDay(args.from);
  if (from === null) return bad(`--from "${args.from}" is not a day: use YYYY-MM-DD, e.g. 2026-01-31.`);
  const toDay = args.to === undefined ? undefined : parseDay(args.to);
  if (toDay === null) return bad(`--to "${args.to}" is not a day: use YYYY-MM-DD, e.g. 2026-12-31.`);
  if (from && toDay && toDay < from) return bad(`--to (${args.to}) is before --from (${args.from}).`);
  if (args.output === '') return bad('--output needs a file name.');
  // --to names the last day exported, so the range ends at the next midnight (UTC).
  const to = toDay ? new Date(toDay.getTime() + DAY_MS) : undefined;

  const handle = deps.database ?? (await connectDatabase({ url: config.databaseUrl, dataDir: config.dataDir, poolMax: 2 }));
  try {
    const { db } = handle;
    if (!deps.database) await migrateToLatest(db, handle.kind);
    const found = await findWorkspaces(handle, args.workspace);
    if (found.length !== 1) {
      const all = await db.selectFrom('workspace').select(['id', 'platform', 'external_id', 'name']).orderBy('id').execute();
      const list = all.map((w) => `${w.id} (${w.name ?? w.external_id}, ${w.platform} ${w.external_id})`).join(', ') || 'none yet';
      print(found.length ? `"${args.workspace}" names ${found.length} workspaces; use the number. Workspaces here: ${list}.` : `No workspace "${args.workspace}". Workspaces here: ${list}.`);
      return 1;
    }
    const ws = found[0];
    let person: { id: number } | undefined;
    if (args.person !== undefined) {
      person = await db.selectFrom('person').select('id').where('workspace_id', '=', ws.id).where('external_id', '=', args.person).executeTakeFirst();
      if (!person) {
        print(`No person "${args.person}" in workspace ${ws.id} (${ws.name ?? ws.external_id}): --person takes their Slack or Teams user id.`);
        return 1;
      }
    }

    let rows = 0;
    const counted = async function* (pages: AsyncIterable<ExportRecord[]>) {
      for await (const page of pages) {
        rows += page.length;
        yield page;
      }
    };
    const chunks = formatExport(counted(exportRecords(db, ws, { from, to, person })), format as ExportFormat, { withRole: !!person });

    if (args.output === undefined) {
      const out = deps.stdout ?? process.stdout;
      // A reader that goes away (`kudos export | head`) fails the write with EPIPE: say so once, never crash.
      const swallow = () => undefined;
      out.on('error', swallow);
      try {
        await writeChunks(chunks, out);
      } catch (err) {
        print(`The export stopped after ${rows} kudos: ${describe(err)}.`);
        return 1;
      }
      return 0;
    }

    const file = args.output;
    const out = createWriteStream(file);
    try {
      const bytes = await writeChunks(chunks, out);
      out.end();
      await finished(out);
      print(`Exported ${rows} kudos (${bytes.toLocaleString('en')} bytes) to ${file}.`);
      return 0;
    } catch (err) {
      out.destroy();
      // A half-written export could pass for a whole one: remove it (a regular file only; not /dev/stdout).
      if ((await stat(file).catch(() => undefined))?.isFile()) await rm(file, { force: true });
      print(`Could not export to ${file}: ${describe(err)}.`);
      return 1;
    }
  } finally {
    if (!deps.database) await handle.close();
  }
}

/** A calendar day as its midnight UTC, or null for anything but a real YYYY-MM-DD day. */
export function parseDay(text: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  if (!m) return null;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  // Date.UTC rolls 2026-02-30 over into March: a day that does not exist comes back as another.
  return d.toISOString().slice(0, 10) === text.trim() ? d : null;
}

function describe(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'EPIPE') return 'the reader closed standard output';
  // (Not `instanceof Error`: errors from another realm, such as jest's, fail it.)
  return (typeof e?.message === 'string' ? e.message : String(err)).replace(/\.$/, '');
}

/** The workspace by its number in Kudos, or by its Slack team / Teams tenant id (one per platform). */
async function findWorkspaces(handle: DatabaseHandle, key: string): Promise<WorkspaceRow[]> {
  const q = handle.db.selectFrom('workspace').selectAll();
  if (!/^\d+$/.test(key)) return q.where('external_id', '=', key).orderBy('id').execute();
  return Number(key) <= 2_147_483_647 ? q.where('id', '=', Number(key)).execute() : [];
}

/** `kudos export`: the app's config and database; the export on standard output (or --output), messages on standard error. */
export async function exportMain(args: ParsedArgs): Promise<number> {
  const config = configOrExplain();
  if (!config) return 1;
  return exportRun(args.values, { config, print: (line) => process.stderr.write(`${line}\n`) });
}
