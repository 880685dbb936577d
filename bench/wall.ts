/**
 * `npm run bench:wall`: the Kudos Wall under load. The full app runs in a child process on Postgres (so its CPU
 * and memory are its own), kudos arrive as signed /thanks requests at 50 per second in a public channel, and in
 * the same run:
 *   1. no wall open (the baseline),
 *   2. one wall open,
 *   3. BENCH_WALLS (200) walls open: Server-Sent Events clients (not browsers) on four links.
 * For each phase: the app's CPU (ms per second), its RSS, and Postgres's CPU; with walls open, the delivery
 * latency of each kudos to each page, from its /thanks being sent to the page receiving it (p50, p99; target
 * p99 < 2 s), and the app's CPU and RSS per open wall over the baseline. One poller per workspace serves every
 * open page, so Postgres's work hardly grows from one wall to 200.
 *
 * BENCH_SECONDS (20; 8 with BENCH_QUICK=1) per phase, BENCH_RATE (50) kudos/s, BENCH_WALLS (200).
 * Postgres: BENCH_DATABASE_URL, else TEST_DATABASE_URL, else the local server's `test` database.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import pg from 'pg';
import { loadConfig } from '../src/config';
import { hashLinkToken } from '../src/core/link-tokens';
import { connectDatabase } from '../src/db/connect';
import { startKudos } from '../src/kudos';
import { createLogger } from '../src/logger';
import { slackSignature } from '../src/slack/signature';
import { cpuNow, DATABASE_URL, percentile, QUICK, runMain, SIGNING_SECRET, startFakeSlack } from './support';

const SECONDS = Number(process.env.BENCH_SECONDS ?? (QUICK ? 8 : 20));
const RATE = Number(process.env.BENCH_RATE ?? 50);
const WALLS = Number(process.env.BENCH_WALLS ?? 200);
const LINKS = 4;
const CHANNEL = 'C0GENERAL';

// ---------------------------------------------------------------------------------------------------
// The app, in its own process

async function appMain(): Promise<void> {
  const database = await connectDatabase({ url: DATABASE_URL, searchPath: process.env.BENCH_WALL_SCHEMA, poolMax: 20 });
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    SLACK_BOT_TOKEN: 'xoxb-bench',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: process.env.BENCH_SLACK_URL,
    SCHEDULER_ENABLED: 'false',
    LOG_LEVEL: 'silent',
    PUBLIC_URL: 'https://kudos.example.com',
  });
  const kudos = await startKudos({ config, logger: createLogger('silent'), database });
  process.send?.({ port: kudos.port, workspaceId: kudos.slack!.workspace().id });
  process.on('message', (m) => {
    if (m === 'stop') void kudos.stop().then(() => database.close()).then(() => process.exit(0));
  });
}

function procStats(pid: number): { cpuMs: number; rssMb: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpuMs = (Number(f[11]) + Number(f[12])) * 10;
  const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return { cpuMs, rssMb: rss ? Number(rss[1]) / 1024 : NaN };
}

// ---------------------------------------------------------------------------------------------------
// The load: /thanks at a fixed rate, walls as SSE clients

const sentAt = new Map<number, number>();
let sequence = 0;
/** Kudos numbered above this are the measured ones (the warm-up's are not counted). */
let measuredFrom = Number.POSITIVE_INFINITY;
const agent = new http.Agent({ keepAlive: true, maxSockets: 20 });

function thanks(port: number): Promise<void> {
  const n = ++sequence;
  const body = new URLSearchParams({
    token: 'x',
    team_id: 'T0001',
    team_domain: 'acme',
    channel_id: CHANNEL,
    channel_name: 'general',
    user_id: `UG${n % 300}`,
    user_name: 'giver',
    command: '/thanks',
    text: `<@UR${n % 97}> for wall bench ${n} #collaboration`,
    api_app_id: 'A0KUDOS',
    response_url: 'http://127.0.0.1:1/unused',
    trigger_id: `${n}.${randomBytes(8).toString('hex')}`,
  }).toString();
  const ts = Math.floor(Date.now() / 1000);
  sentAt.set(n, Date.now());
  return new Promise((resolve) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: '/slack/events',
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-slack-request-timestamp': String(ts),
          'x-slack-signature': slackSignature(SIGNING_SECRET, ts, body),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve());
      },
    );
    req.on('error', () => resolve());
    req.end(body);
  });
}

/** Sends kudos at RATE per second for `seconds`; resolves when every request has been answered. */
async function giveFor(port: number, seconds: number): Promise<number> {
  const pending: Array<Promise<void>> = [];
  const total = Math.round(RATE * seconds);
  const start = Date.now();
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / RATE;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    pending.push(thanks(port));
  }
  await Promise.all(pending);
  return total;
}

interface Wall {
  ready: Promise<void>;
  close(): void;
}

/** One open wall: reads the stream and records, for each kudos it is told about, how long it took. */
function openWall(port: number, path: string, latencies: number[]): Wall {
  let markReady!: () => void;
  const ready = new Promise<void>((r) => (markReady = r));
  const req = http.get({ host: '127.0.0.1', port, path, headers: { accept: 'text/event-stream' } }, (res) => {
    if (res.statusCode !== 200) {
      console.error(`a wall answered ${res.statusCode}`);
      process.exitCode = 1;
      return void res.resume();
    }
    res.setEncoding('utf8');
    let buffer = '';
    res.on('data', (chunk: string) => {
      buffer += chunk;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) !== -1) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.+)$/m.exec(block)?.[1];
        const data = /^data: (.+)$/m.exec(block)?.[1];
        if (event === 'snapshot') markReady();
        if (event === 'add' && data) {
          const now = Date.now();
          for (const note of (JSON.parse(data) as { notes: Array<{ text: string }> }).notes) {
            const n = Number(/wall bench (\d+)/.exec(note.text)?.[1]);
            const sent = sentAt.get(n);
            if (sent !== undefined && n > measuredFrom) latencies.push(now - sent);
          }
        }
      }
    });
  });
  req.on('error', () => undefined);
  return { ready, close: () => req.destroy() };
}

interface Phase {
  name: string;
  walls: number;
  cpuPerSecond: number;
  rssMb: number;
  postgresPerSecond: number | null;
  latencies: number[];
}

async function phase(name: string, child: ChildProcess, port: number, paths: string[], walls: number): Promise<Phase> {
  const latencies: number[] = [];
  const open = Array.from({ length: walls }, (_, i) => openWall(port, paths[i % paths.length], latencies));
  await Promise.all(open.map((w) => w.ready));
  await giveFor(port, 2); // warm-up, not counted
  measuredFrom = sequence;
  const before = procStats(child.pid!);
  const pgBefore = cpuNow().postgres;
  const started = Date.now();
  await giveFor(port, SECONDS);
  // The last kudos's delivery (≤ a poll or two).
  await new Promise((r) => setTimeout(r, 1500));
  const elapsed = (Date.now() - started) / 1000;
  const after = procStats(child.pid!);
  const pgAfter = cpuNow().postgres;
  measuredFrom = Number.POSITIVE_INFINITY;
  for (const w of open) w.close();
  await new Promise((r) => setTimeout(r, 300));
  return {
    name,
    walls,
    cpuPerSecond: (after.cpuMs - before.cpuMs) / elapsed,
    rssMb: after.rssMb,
    postgresPerSecond: pgBefore === null || pgAfter === null ? null : (pgAfter - pgBefore) / elapsed,
    latencies,
  };
}

async function main(): Promise<void> {
  const schema = `bench_wall_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  const fake = await startFakeSlack();
  const child = spawn(process.execPath, ['--import', 'tsx', __filename, 'app'], {
    env: { ...process.env, BENCH_WALL_SCHEMA: schema, BENCH_SLACK_URL: fake.url },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const started = await new Promise<{ port: number; workspaceId: number }>((resolve, reject) => {
    child.once('message', (m) => resolve(m as { port: number; workspaceId: number }));
    child.once('exit', (code) => reject(new Error(`the app exited (${code})`)));
  });
  const { port, workspaceId } = started;
  try {
    const q = (text: string, values: unknown[] = []) => admin.query(text.replaceAll('%s', schema), values);
    // Unlimited allowance; the channel known to be public (the platform's answer is not what is measured).
    await q(`insert into %s.setting (workspace_id, key, value) values ($1, 'allowancePerDay', 'null') on conflict do nothing`, [workspaceId]);
    await q(`insert into %s.wall_channel (workspace_id, channel_id, visibility) values ($1, $2, 'public')`, [workspaceId, CHANNEL]);
    const paths: string[] = [];
    for (let i = 0; i < LINKS; i++) {
      const token = randomBytes(32).toString('base64url');
      await q(`insert into %s.wall_link (workspace_id, name, token_hash) values ($1, $2, $3)`, [workspaceId, `bench ${i}`, hashLinkToken(token)]);
      paths.push(`/wall/${token}/events`);
    }

    console.log(`Kudos Wall: ${RATE} kudos/s for ${SECONDS} s per phase; the app in its own process on Postgres\n`);
    const phases: Phase[] = [];
    phases.push(await phase('no wall open', child, port, paths, 0));
    phases.push(await phase('1 wall open', child, port, paths, 1));
    phases.push(await phase(`${WALLS} walls open`, child, port, paths, WALLS));
    const base = phases[0];
    console.log('phase            | app CPU ms/s | app RSS MB | Postgres CPU ms/s | deliveries | p50 ms | p99 ms');
    console.log('-----------------|--------------|------------|-------------------|------------|--------|-------');
    for (const p of phases) {
      const lat = p.latencies.length ? `${percentile(p.latencies, 50).toFixed(0).padStart(6)} | ${percentile(p.latencies, 99).toFixed(0).padStart(6)}` : '     - |      -';
      console.log(
        `${p.name.padEnd(16)} | ${p.cpuPerSecond.toFixed(0).padStart(12)} | ${p.rssMb.toFixed(0).padStart(10)} | ${p.postgresPerSecond === null ? '               n/a' : p.postgresPerSecond.toFixed(0).padStart(17)} | ${String(p.latencies.length).padStart(10)} | ${lat}`,
      );
    }
    const many = phases[2];
    const one = phases[1];
    console.log(`\nPer open wall (${WALLS} walls over no wall): ${((many.cpuPerSecond - base.cpuPerSecond) / WALLS).toFixed(2)} ms of app CPU per second, ${(((many.rssMb - base.rssMb) * 1024) / WALLS).toFixed(0)} kB of RSS`);
    if (one.postgresPerSecond !== null && many.postgresPerSecond !== null && base.postgresPerSecond !== null) {
      console.log(
        `Postgres CPU for the walls: 1 wall ${(one.postgresPerSecond - base.postgresPerSecond).toFixed(0)} ms/s, ${WALLS} walls ${(many.postgresPerSecond - base.postgresPerSecond).toFixed(0)} ms/s (one poller per workspace; a poller per page would repeat the 1-wall cost ${WALLS} times)`,
      );
    }
    const p99 = many.latencies.length ? percentile(many.latencies, 99) : Infinity;
    const expected = Math.round(RATE * SECONDS) * WALLS;
    console.log(`Delivered ${many.latencies.length} of ${expected} (kudos × walls); p99 ${p99.toFixed(0)} ms: ${p99 < 2000 && many.latencies.length >= expected ? 'target met (p99 < 2 s, every kudos to every wall)' : 'TARGET MISSED'}`);
  } finally {
    child.send('stop');
    await new Promise((r) => child.once('exit', r));
    await fake.stop();
    await admin.query(`drop schema ${schema} cascade`);
    await admin.end();
    agent.destroy();
  }
}

if (process.argv[2] === 'app') runMain(appMain);
else runMain(main);
