/**
 * bench:start — how long the app takes to be ready (`/readyz` 200) and how much memory it holds, as an operator
 * meets it: the compiled app in its own process, on a fresh embedded database, on that database again, and on
 * Postgres; then `npm start` on an unchanged checkout and a fresh clone's first `npm start`.
 *
 * The baseline, run by the same script: a bare Node HTTP server started the same way (what any Node service
 * costs before it does anything). Targets on a 2-core machine: peak RSS on a fresh embedded database < 400 MB,
 * idle < 250 MB; Postgres idle < 150 MB; `npm start` unchanged < 10 s; a fresh clone's first `npm start` < 45 s.
 *
 *   npm run bench:start            (BENCH_DATABASE_URL, else TEST_DATABASE_URL, else the local `test` database)
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';

const ROOT = path.resolve(__dirname, '..');
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
/** How long the process is watched once ready, for its idle memory. */
const IDLE_WATCH_MS = 3_000;

interface Run {
  readyMs: number;
  peakMb: number;
  idleMb: number;
}

/** The resident memory of a process and all its descendants, in MB (Linux /proc). */
function treeRssMb(pid: number): number {
  let total = 0;
  const visit = (p: number) => {
    try {
      const status = readFileSync(`/proc/${p}/status`, 'utf8');
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      total += kb / 1024;
      const children = readFileSync(`/proc/${p}/task/${p}/children`, 'utf8').trim();
      for (const c of children ? children.split(/\s+/) : []) visit(Number(c));
    } catch {
      // The process ended meanwhile.
    }
  };
  visit(pid);
  return total;
}

/**
 * Starts `command`, follows its JSON log for the `listening` line (its port), polls `/readyz` until 200, then
 * watches it idle; the process tree's RSS is sampled every 20 ms throughout. Stops it with SIGTERM.
 */
async function measure(command: string[], env: Record<string, string>, cwd = ROOT): Promise<Run> {
  const start = Date.now();
  const child = spawn(command[0]!, command.slice(1), {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', SCHEDULER_ENABLED: 'false', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += String(d)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let peak = 0;
  const sampler = setInterval(() => {
    peak = Math.max(peak, treeRssMb(child.pid!));
  }, 20);
  try {
    const port = await new Promise<number>((resolve, reject) => {
      createInterface({ input: child.stdout! }).on('line', (line) => {
        try {
          const entry = JSON.parse(line) as { msg?: string; port?: number };
          if (entry.msg === 'listening' && entry.port) resolve(entry.port);
        } catch {
          // Not a log line (npm's banner, tsc).
        }
      });
      void exited.then((code) => reject(new Error(`${command.join(' ')} exited (${code}) before listening:\n${stderr}`)));
    });
    for (;;) {
      const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.status === 200, () => false);
      if (ok) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    const readyMs = Date.now() - start;
    const idleSamples: number[] = [];
    const until = Date.now() + IDLE_WATCH_MS;
    while (Date.now() < until) {
      await new Promise((r) => setTimeout(r, 100));
      idleSamples.push(treeRssMb(child.pid!));
    }
    // Idle: the median of the last second's samples.
    const last = idleSamples.slice(-10).sort((a, b) => a - b);
    return { readyMs, peakMb: Math.round(peak), idleMb: Math.round(last[Math.floor(last.length / 2)]!) };
  } finally {
    clearInterval(sampler);
    child.kill('SIGTERM');
    await exited;
  }
}

const BASELINE = [
  process.execPath,
  '-e',
  "const s=require('http').createServer((q,r)=>r.end('ok'));s.listen(0,'127.0.0.1',()=>console.log(JSON.stringify({msg:'listening',port:s.address().port})));process.on('SIGTERM',()=>process.exit(0))",
];
const APP = [process.execPath, 'dist/src/main.js'];

function row(label: string, r: Run, base: Run, target: string): string {
  const ratio = (a: number, b: number) => (b ? (a / b).toFixed(1) : 'NA');
  return `| ${label} | ${r.readyMs} | ${ratio(r.readyMs, base.readyMs)} | ${r.peakMb} | ${r.idleMb} | ${ratio(r.idleMb, base.idleMb)} | ${target} |`;
}

async function main(): Promise<void> {
  process.stdout.write('building once (npm run build)…\n');
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });

  const base = await measure(BASELINE, {});
  const dataDir = mkdtempSync(path.join(tmpdir(), 'kudos-bench-start-'));
  const schema = `bench_start_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  const pgUrl = new URL(DATABASE_URL);
  pgUrl.searchParams.set('options', `-c search_path=${schema}`);
  const lines: string[] = [];
  try {
    const fresh = await measure(APP, { DATA_DIR: dataDir });
    const again = await measure(APP, { DATA_DIR: dataDir });
    const onPostgres = await measure(APP, { DATABASE_URL: pgUrl.toString() });
    const onPostgresAgain = await measure(APP, { DATABASE_URL: pgUrl.toString() });
    lines.push(
      row('embedded, fresh data directory', fresh, base, 'peak < 400 MB, idle < 250 MB'),
      row('embedded, existing data directory', again, base, 'idle < 250 MB'),
      row('Postgres, first start (migrations)', onPostgres, base, 'idle < 150 MB'),
      row('Postgres, later start', onPostgresAgain, base, 'idle < 150 MB'),
    );

    // `npm start` as people run it: on this checkout, unchanged since the build above …
    rmSync(dataDir, { recursive: true, force: true });
    const unchanged = await measure(['npm', 'start'], { DATA_DIR: dataDir });
    lines.push(row('`npm start`, unchanged checkout', unchanged, base, 'ready < 10 s'));
    // … and a fresh clone's first one (node_modules shared: the install is npm's, not ours).
    const clone = mkdtempSync(path.join(tmpdir(), 'kudos-bench-clone-'));
    try {
      execFileSync('git', ['clone', '--quiet', '--local', ROOT, clone]);
      symlinkSync(path.join(ROOT, 'node_modules'), path.join(clone, 'node_modules'));
      const first = await measure(['npm', 'start'], { DATA_DIR: path.join(clone, 'data') }, clone);
      lines.push(row("a fresh clone's first `npm start`", first, base, 'ready < 45 s'));
    } finally {
      rmSync(clone, { recursive: true, force: true });
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
    await admin.query(`drop schema if exists ${schema} cascade`);
    await admin.end();
  }
  process.stdout.write(
    [
      '',
      `bench:start (${new Date().toISOString()}, Node ${process.version}); baseline: a bare Node HTTP server, ready in ${base.readyMs} ms, idle ${base.idleMb} MB`,
      '',
      '| run | ready ms | × baseline | peak RSS MB | idle RSS MB | × baseline | target |',
      '|---|---:|---:|---:|---:|---:|---|',
      ...lines,
      '',
    ].join('\n'),
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
