/**
 * `npm run bench:export`: bulk-loads 10,000 people and 1,000,000 kudos (the ledger bench/digest.ts loads: a
 * year of them, with recipients, values, pile-ons and revocations) into a fresh Postgres schema with
 * `generate_series`, then runs the real `kudos export` as a child process into a file, reading the child's
 * peak RSS (VmHWM in /proc/<pid>/status) while it runs. Prints the load time, the export's time, rows/s, file
 * size and peak RSS, and checks that the file holds one record per kudos. Target: peak RSS < 200 MB.
 *
 * The command is the compiled one (dist/src/cli.js, built first when the sources changed), or src/cli.ts through
 * tsx with BENCH_CLI=tsx (or when the build fails), or BENCH_CLI=<path>/cli.js for a build elsewhere.
 * Postgres: BENCH_DATABASE_URL, else TEST_DATABASE_URL, else the local server's `test` database.
 * BENCH_FORMAT=json exports JSON instead of CSV. BENCH_KEEP=1 keeps the schema and the file (both printed).
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { DEFAULT_VALUES } from '../src/core/values';
import { connectDatabase } from '../src/db/connect';
import { migrateToLatest } from '../src/db/migrate';
import { upsertWorkspace } from '../src/db/queries/workspaces';
import { loadYearOfKudos } from './ledger-load';

const ROOT = path.resolve(__dirname, '..');
const url = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const PEOPLE = Number(process.env.BENCH_PEOPLE ?? 10_000);
const KUDOS = Number(process.env.BENCH_KUDOS ?? 1_000_000);
const FORMAT = process.env.BENCH_FORMAT === 'json' ? 'json' : 'csv';
const TARGET_MB = 200;

async function main(): Promise<void> {
  const schema = `bench_export_${randomBytes(4).toString('hex')}`;
  const dir = mkdtempSync(path.join(tmpdir(), 'kudos-bench-export-'));
  const file = path.join(dir, `ledger.${FORMAT}`);
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  // The bulk load's statements run for many seconds: past the app's 15 s bound on one statement.
  const handle = await connectDatabase({ url, searchPath: schema, poolMax: 4, timeouts: { queryMs: 600_000 } });
  try {
    await migrateToLatest(handle.db, handle.kind);
    const ws = await upsertWorkspace(handle.db, { platform: 'slack', externalId: 'TBENCH', name: 'Bench' }, DEFAULT_VALUES);
    const loadStarted = performance.now();
    await loadYearOfKudos(handle.db, ws.id, new Date(), { people: PEOPLE, kudos: KUDOS });
    const loadMs = performance.now() - loadStarted;
    await handle.close();

    const cli = commandLine();
    const target = new URL(url);
    target.searchParams.set('options', `-c search_path=${schema}`);
    const started = performance.now();
    const child = spawn(process.execPath, [...cli.args, 'export', '--workspace', 'TBENCH', '--format', FORMAT, '--output', file], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATABASE_URL: target.toString(), LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'inherit', 'pipe'],
    });
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    let peakKb = 0;
    const timer = setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peakKb = Math.max(peakKb, Number(m[1]));
      } catch {
        // exited
      }
    }, 20);
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    clearInterval(timer);
    const exportMs = performance.now() - started;
    if (code !== 0) throw new Error(`kudos export exited ${code}: ${stderr}`);

    const rows = FORMAT === 'csv' ? (await countCsvRecords(file)) - 1 : (JSON.parse(readFileSync(file, 'utf8')) as unknown[]).length;
    const bytes = statSync(file).size;
    const peakMb = peakKb / 1024;
    console.log(`schema            ${schema}${process.env.BENCH_KEEP ? ' (kept)' : ''}`);
    console.log(`loaded            ${PEOPLE.toLocaleString('en')} people, ${KUDOS.toLocaleString('en')} kudos in ${(loadMs / 1000).toFixed(1)} s`);
    console.log(`command           node ${cli.label} export --format ${FORMAT} --output ${file}${process.env.BENCH_KEEP ? ' (kept)' : ''}`);
    console.log(`said              ${stderr.trim()}`);
    console.log(`export            ${(exportMs / 1000).toFixed(1)} s (process start to exit), ${Math.round(rows / (exportMs / 1000)).toLocaleString('en')} rows/s`);
    console.log(`file              ${(bytes / 1024 / 1024).toFixed(1)} MB, ${rows.toLocaleString('en')} records (${rows === KUDOS ? 'one per kudos' : `EXPECTED ${KUDOS.toLocaleString('en')}`})`);
    console.log(`peak RSS          ${peakMb.toFixed(1)} MB (VmHWM)`);
    const ok = peakMb < TARGET_MB && rows === KUDOS;
    console.log(`targets           peak RSS < ${TARGET_MB} MB and every kudos exported: ${ok ? 'met' : 'NOT met'}`);
    if (!ok) process.exitCode = 1;
  } finally {
    await handle.close().catch(() => undefined);
    if (!process.env.BENCH_KEEP) {
      await admin.query(`drop schema ${schema} cascade`);
      rmSync(dir, { recursive: true, force: true });
    }
    await admin.end();
  }
}

/** The compiled CLI, built first if the sources changed; src/cli.ts through tsx if asked for, or if that fails. */
function commandLine(): { args: string[]; label: string } {
  const tsx = { args: ['--import', 'tsx', 'src/cli.ts'], label: 'src/cli.ts (tsx)' };
  if (process.env.BENCH_CLI === 'tsx') return tsx;
  if (process.env.BENCH_CLI?.endsWith('.js')) return { args: [process.env.BENCH_CLI], label: process.env.BENCH_CLI };
  const build = spawnSync(process.execPath, ['scripts/build-if-stale.cjs'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) {
    console.log('build failed: running src/cli.ts through tsx instead');
    return tsx;
  }
  return { args: ['dist/src/cli.js'], label: 'dist/src/cli.js' };
}

/** CSV records: CRLFs outside quotes (a quote inside a quoted field is doubled, so toggling stays right). */
async function countCsvRecords(file: string): Promise<number> {
  let quoted = false;
  let lastCr = false;
  let n = 0;
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i];
      if (c === 0x22) quoted = !quoted;
      else if (c === 0x0a && lastCr && !quoted) n++;
      lastCr = c === 0x0d;
    }
  }
  return n;
}


main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
