/**
 * `npm run bench:fleet`: one deployment serving many Slack workspaces ("Add to Slack"), every workspace's weekly
 * digest falling due in the same minute, three replicas of the compiled app racing to post them.
 *
 * 1,000 workspaces (BENCH_QUICK=1: 100; BENCH_WORKSPACES overrides) are loaded in bulk into a fresh Postgres
 * schema: each installed eight days ago with its own bot token (`xoxb-fleet-<n>`, sealed with the key the
 * replicas get), 10–20 people and 20–50 kudos of the last week, a time zone from 28 across the globe, and its
 * digest channel, weekday and local time set so that every digest falls due at one instant: the minute the
 * replicas start in (they find them on their start-up catch-up), or with BENCH_DUE=tick the next whole minute
 * after they are ready (their minute tick finds them).
 *
 * A fake Slack on a thread of its own (bench/fleet-slack.ts) answers each token as its own workspace, with
 * Slack's rate limits: about one post a second per channel, per-token tiers for other methods, and one
 * workspace in 50 answering its first post with 429 Retry-After: 30, to show that one rate-limited workspace
 * does not hold up the others; one in ten must join its channel first.
 *
 * Three replicas (`node dist/src/cli.js serve`, built first when stale) run with SLACK_CLIENT_ID & co., the
 * encryption key, SLACK_API_URL at the fake, SCHEDULER_ENABLED=true and DATABASE_URL carrying the schema
 * (`?options=-c search_path=…`). Each replica's RSS is read from /proc every 500 ms.
 *
 * Prints the time until the last digest is posted, each replica's peak RSS and its growth from when it was
 * ready, and database transactions (pg_stat_database xact_commit + xact_rollback, for the whole run) per
 * workspace; and, from the minute after the last post, what the fleet costs the database while nothing is due. Targets: all posted within 5 minutes of the start, each exactly once; RSS growth < 100 MB.
 * Exits 1 when a digest is missing or was posted twice (or into another workspace).
 *
 * Knobs: BENCH_WORKSPACES, BENCH_QUICK=1, BENCH_REPLICAS (3), BENCH_DUE (start | tick), BENCH_DEADLINE_S
 * (360: how long to wait for the last digest), BENCH_SETTLE_S (after the last one, how long to keep watching
 * for a second post: 65, so that a minute tick with nothing due passes), BENCH_KEEP=1 (keep the schema).
 * Postgres: BENCH_DATABASE_URL, else TEST_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/kudos_bench
 * (created when missing).
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { Secrets } from '../src/core/secrets';
import { connectDatabase } from '../src/db/connect';
import { migrateToLatest } from '../src/db/migrate';
import { PostgresInstallationStore } from '../src/slack/installation-store';
import { scheduleDigests, seedFleet, FLEET_ZONES, SEEDED_RUN } from './fleet-seed';
import { freePorts, Replica } from './fleet-replicas';
import { fleetTeamId, fleetToken, startFleetSlack, type FleetSlackReport } from './fleet-slack';

const ROOT = path.resolve(__dirname, '..');
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/kudos_bench';
const QUICK = process.env.BENCH_QUICK === '1';
const WORKSPACES = Number(process.env.BENCH_WORKSPACES ?? (QUICK ? 100 : 1000));
const REPLICAS = Number(process.env.BENCH_REPLICAS ?? 3);
const DUE: 'start' | 'tick' = process.env.BENCH_DUE === 'tick' ? 'tick' : 'start';
const DEADLINE_MS = Number(process.env.BENCH_DEADLINE_S ?? 360) * 1000;
const SETTLE_MS = Number(process.env.BENCH_SETTLE_S ?? 65) * 1000;
/** Nothing asked of Slack for this long, with digests still missing: the app is not going to post them. */
const IDLE_GIVE_UP_MS = 150_000;
const SLOW_EVERY = 50;
const SLOW_RETRY_AFTER_SEC = 30;
const JOIN_EVERY = 10;

const TARGET_MS = 5 * 60_000;
const TARGET_GROWTH_MB = 100;

async function main(): Promise<void> {
  const admin = await adminClient(DATABASE_URL);
  const schema = `fleet_${randomBytes(4).toString('hex')}`;
  await admin.query(`create schema ${schema}`);
  const replicaUrl = new URL(DATABASE_URL);
  replicaUrl.searchParams.set('options', `-c search_path=${schema}`);
  const handle = await connectDatabase({ url: DATABASE_URL, searchPath: schema, poolMax: 4, timeouts: { queryMs: 600_000 } });
  const { db } = handle;
  const replicas: Replica[] = [];
  let fake: Awaited<ReturnType<typeof startFleetSlack>> | undefined;
  let failed = false;
  try {
    await migrateToLatest(db, handle.kind);
    await checkSearchPath(replicaUrl.toString(), schema);

    const key = randomBytes(32).toString('base64');
    const secrets = Secrets.fromText(key);
    const seedStarted = Date.now();
    const seed = await seedFleet(db, { count: WORKSPACES, secrets, now: new Date() });
    const seedMs = Date.now() - seedStarted;
    // The rows read back through the app's own store: the seal is real and the shape is the store's.
    const sample = await new PostgresInstallationStore(db, secrets).fetchInstallation({ teamId: fleetTeamId(1), isEnterpriseInstall: false, enterpriseId: undefined });
    if (sample.bot?.token !== fleetToken(1)) throw new Error('the seeded installation does not open to its token');
    log(`seeded in ${(seedMs / 1000).toFixed(1)} s: ${WORKSPACES} installations (sealed tokens), ${seed.people} people, ${seed.kudos} kudos (${seed.recipients} thanks), ${FLEET_ZONES.length} time zones; schema ${schema}`);

    buildIfStale();
    fake = await startFleetSlack({ workspaces: WORKSPACES, slowEvery: SLOW_EVERY, slowRetryAfterSec: SLOW_RETRY_AFTER_SEC, joinEvery: JOIN_EVERY });
    const posted = new Map<number, number>();
    let lastPostAt = 0;
    let firstPostAt = 0;
    fake.onPost((n, at) => {
      posted.set(n, (posted.get(n) ?? 0) + 1);
      lastPostAt = Math.max(lastPostAt, at);
      firstPostAt ||= at;
    });

    // Due at the minute the replicas start in, or at the first whole minute at least 40 s away (tick).
    const now = Date.now();
    const dueAt = new Date(DUE === 'tick' ? Math.ceil((now + 40_000) / 60_000) * 60_000 : Math.floor(now / 60_000) * 60_000);
    await scheduleDigests(db, seed.workspaces, dueAt);
    log(`digests due ${dueAt.toISOString()} (${DUE === 'tick' ? "the replicas' minute tick" : 'found by the start-up catch-up'}); fake Slack ${fake.url}`);

    const env = replicaEnv({ databaseUrl: replicaUrl.toString(), apiUrl: fake.url, key });
    const xactsAtSpawn = await xacts(admin);
    const ports = await freePorts(REPLICAS);
    const spawnedAt = Date.now();
    for (let i = 0; i < REPLICAS; i++) replicas.push(new Replica(i + 1, ports[i], env));

    // In tick mode the clock starts when the digests fall due, and the transactions are counted from then.
    let xactsAtStart = xactsAtSpawn;
    let startAt = spawnedAt;
    if (DUE === 'tick') {
      while (Date.now() < dueAt.getTime() - 1_500) await sleep(250);
      xactsAtStart = await xacts(admin);
      startAt = dueAt.getTime();
      log(`ready before the due minute: ${replicas.filter((r) => r.readyAt).length}/${REPLICAS}; start-up used ${xactsAtStart - xactsAtSpawn} transactions`);
    }

    // Until every workspace has a post and a minute tick has passed since, or until nothing more will come.
    let allAt = 0;
    let lastCalls = -1;
    let callsChangedAt = Date.now();
    let nextProgress = Date.now() + 15_000;
    let ended = '';
    // Transactions while nothing is due: from a few seconds after the last post to the end of the watch.
    let idleFrom: { at: number; x: number } | undefined;
    let idleTo: { at: number; x: number } | undefined;
    for (;;) {
      await sleep(250);
      const t = Date.now();
      if (fake.calls() !== lastCalls) {
        lastCalls = fake.calls();
        callsChangedAt = t;
      }
      if (posted.size >= WORKSPACES && !allAt) allAt = t;
      if (allAt && !idleFrom && t - allAt >= 5_000) idleFrom = { at: t, x: await xacts(admin) };
      if (allAt && t - allAt >= SETTLE_MS) {
        if (idleFrom) idleTo = { at: Date.now(), x: await xacts(admin) };
        ended = 'all posted';
        break;
      }
      if (!allAt && t - startAt > DEADLINE_MS) {
        ended = `deadline (${DEADLINE_MS / 1000} s) passed`;
        break;
      }
      if (replicas.every((r) => r.exit)) {
        ended = 'every replica exited';
        break;
      }
      if (!allAt && t - callsChangedAt > IDLE_GIVE_UP_MS && t - startAt > IDLE_GIVE_UP_MS) {
        ended = `no call reached Slack for ${IDLE_GIVE_UP_MS / 1000} s`;
        break;
      }
      if (t >= nextProgress) {
        nextProgress = t + 15_000;
        const mem = replicas.map((r) => (r.exit ? 'exited' : `${Math.round(r.last?.rssMb ?? 0)} MB`)).join(', ');
        log(`+${((t - startAt) / 1000).toFixed(0)} s: ${posted.size}/${WORKSPACES} workspaces posted, ${fake.calls()} Slack calls; RSS ${mem}`);
      }
    }
    const stoppedAt = Date.now();
    log(`stopping the replicas (${ended})`);
    await Promise.all(replicas.map((r) => r.stop()));
    const report = await fake.report();
    // Backends flush their statistics when they end; give the collector a moment, then read afresh.
    await sleep(1_500);
    const xactsAtEnd = await xacts(admin);

    const runs = await runsById(db);
    const result = judge({ report, runs, startAt, dueAt, firstPostAt, lastPostAt });
    failed = result.missing > 0 || result.twice > 0 || result.crossWorkspace > 0;
    // Each reading is two transactions of the harness's own.
    const idle = idleFrom && idleTo && idleTo.at > idleFrom.at ? { perMinute: ((idleTo.x - idleFrom.x - 2) * 60_000) / (idleTo.at - idleFrom.at), seconds: (idleTo.at - idleFrom.at) / 1000 } : undefined;
    print({ seedMs, seed, dueAt, startAt, spawnedAt, stoppedAt, ended, replicas, report, result, transactions: xactsAtEnd - xactsAtStart, idle });
  } finally {
    await Promise.all(replicas.map((r) => r.stop(5_000)));
    await fake?.stop();
    await handle.close();
    if (process.env.BENCH_KEEP === '1') log(`schema ${schema} kept (BENCH_KEEP=1)`);
    else await admin.query(`drop schema ${schema} cascade`);
    await admin.end();
  }
  if (failed) process.exitCode = 1;
}

/** A client on the bench database, creating the database first when it does not exist. */
async function adminClient(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    return client;
  } catch (err) {
    if ((err as { code?: string }).code !== '3D000') throw err;
  }
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  const server = new URL(url);
  server.pathname = '/postgres';
  const maintenance = new pg.Client({ connectionString: server.toString() });
  await maintenance.connect();
  await maintenance.query(`create database ${pg.escapeIdentifier(name)}`);
  await maintenance.end();
  log(`created database ${name}`);
  const created = new pg.Client({ connectionString: url });
  await created.connect();
  return created;
}

/** The replicas find their schema through the URL's `options`, the way the app connects. */
async function checkSearchPath(url: string, schema: string): Promise<void> {
  const probe = await connectDatabase({ url, poolMax: 1 });
  try {
    const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(probe.db);
    if (rows[0]?.schema !== schema) throw new Error(`DATABASE_URL with options=-c search_path=${schema} connects to schema ${rows[0]?.schema}`);
  } finally {
    await probe.close();
  }
}

function buildIfStale(): void {
  execFileSync(process.execPath, [path.join(ROOT, 'scripts/build-if-stale.cjs')], { cwd: ROOT, stdio: 'inherit' });
}

/**
 * The replicas' whole environment: nothing inherited (a developer's .env or proxy must not leak in), and every
 * variable the app would otherwise read from a .env file set, if only to empty.
 */
function replicaEnv(o: { databaseUrl: string; apiUrl: string; key: string }): Record<string, string> {
  const blank = ['SLACK_BOT_TOKEN', 'SLACK_APP_TOKEN', 'SLACK_REDIRECT_URI', 'MICROSOFT_APP_ID', 'MICROSOFT_APP_PASSWORD', 'MICROSOFT_APP_TYPE',
    'MICROSOFT_APP_TENANT_ID', 'TEAMS_ALLOW_UNAUTHENTICATED', 'KUDOS_ADMINS', 'KUDOS_ENCRYPTION_KEY_PREVIOUS', 'HTTPS_PROXY', 'HTTP_PROXY',
    'NO_PROXY', 'https_proxy', 'http_proxy', 'no_proxy'];
  return {
    ...Object.fromEntries(blank.map((k) => [k, ''])),
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    HOST: '127.0.0.1',
    DATABASE_URL: o.databaseUrl,
    SLACK_CLIENT_ID: '1000000001.2000000002',
    SLACK_CLIENT_SECRET: randomBytes(16).toString('hex'),
    SLACK_STATE_SECRET: randomBytes(16).toString('hex'),
    SLACK_SIGNING_SECRET: randomBytes(16).toString('hex'),
    KUDOS_ENCRYPTION_KEY: o.key,
    SLACK_API_URL: o.apiUrl,
    SCHEDULER_ENABLED: 'true',
    LOG_LEVEL: 'warn',
    LOG_FORMAT: 'json',
  };
}

async function xacts(admin: pg.Client): Promise<number> {
  await admin.query('select pg_stat_clear_snapshot()');
  const { rows } = await admin.query('select xact_commit + xact_rollback as n from pg_stat_database where datname = current_database()');
  return Number(rows[0].n);
}

interface RunRow {
  id: number;
  kind: string;
  status: string;
  team: string;
  message_ref: string | null;
  attempts: number;
  last_error: string | null;
}

async function runsById(db: Awaited<ReturnType<typeof connectDatabase>>['db']): Promise<Map<number, RunRow>> {
  const { rows } = await sql<RunRow>`
    select j.id, j.kind, j.status, w.external_id as team, j.message_ref, j.attempts, j.last_error
    from job_run j join workspace w on w.id = j.workspace_id
    where j.claimed_by is distinct from ${SEEDED_RUN}`.execute(db);
  return new Map(rows.map((r) => [Number(r.id), { ...r, id: Number(r.id), attempts: Number(r.attempts) }]));
}

interface Judgement {
  posted: number;
  missing: number;
  twice: number;
  /** Posts made with one workspace's token for a run of another, or into another's channel. */
  crossWorkspace: number;
  /** Posts whose metadata names no run this schema has. */
  unattributed: number;
  /** Posted digest runs whose recorded message is not the post Slack has. */
  refMismatch: number;
  /** Per workspace with a digest post: ms from the start to its (first) digest post. */
  latencies: number[];
  slow: { count: number; lastMs: number | null; earlyRetries: number; missing: number };
  lastMs: number | null;
  firstMs: number | null;
  runs: Map<string, number>;
  failedRuns: Map<string, number>;
  examples: string[];
}

function judge(o: { report: FleetSlackReport; runs: Map<number, RunRow>; startAt: number; dueAt: Date; firstPostAt: number; lastPostAt: number }): Judgement {
  const j: Judgement = {
    posted: 0, missing: 0, twice: 0, crossWorkspace: 0, unattributed: 0, refMismatch: 0, latencies: [],
    slow: { count: 0, lastMs: null, earlyRetries: 0, missing: 0 }, lastMs: null, firstMs: null, runs: new Map(), failedRuns: new Map(), examples: [],
  };
  for (const r of o.runs.values()) {
    j.runs.set(`${r.kind} ${r.status}`, (j.runs.get(`${r.kind} ${r.status}`) ?? 0) + 1);
    if (r.status === 'failed' || r.status === 'skipped') {
      const why = `${r.kind}: ${r.last_error ?? '?'}`;
      j.failedRuns.set(why, (j.failedRuns.get(why) ?? 0) + 1);
    }
  }
  for (const w of o.report.workspaces) {
    j.crossWorkspace += w.wrongChannel;
    const digests = w.posts.filter((p) => {
      const run = p.runId === null ? undefined : o.runs.get(p.runId);
      if (!run) {
        j.unattributed++;
        return true; // a post without a known run still went to the digest channel: count it against this workspace
      }
      if (run.team !== fleetTeamId(w.n)) j.crossWorkspace++;
      return run.kind === 'digest';
    });
    if (w.slow) {
      j.slow.count++;
      j.slow.earlyRetries += w.earlyRetries;
    }
    if (!digests.length) {
      j.missing++;
      if (w.slow) j.slow.missing++;
      if (j.examples.length < 5) j.examples.push(`${fleetTeamId(w.n)}: no digest (${w.attempts} post attempts, ${w.limited} answered 429)`);
      continue;
    }
    j.posted++;
    if (digests.length > 1) {
      j.twice++;
      if (j.examples.length < 5) j.examples.push(`${fleetTeamId(w.n)}: ${digests.length} digests (runs ${digests.map((d) => d.runId).join(', ')})`);
    }
    const ms = digests[0].at - o.startAt;
    j.latencies.push(ms);
    if (w.slow) j.slow.lastMs = Math.max(j.slow.lastMs ?? 0, ms);
    for (const d of digests) {
      const run = d.runId === null ? undefined : o.runs.get(d.runId);
      if (run && run.status === 'posted' && run.message_ref !== d.ts && digests.length === 1) j.refMismatch++;
    }
  }
  j.firstMs = o.firstPostAt ? o.firstPostAt - o.startAt : null;
  j.lastMs = j.latencies.length ? Math.max(...j.latencies) : null;
  return j;
}

function print(o: {
  seedMs: number;
  seed: Awaited<ReturnType<typeof seedFleet>>;
  dueAt: Date;
  startAt: number;
  spawnedAt: number;
  stoppedAt: number;
  ended: string;
  replicas: Replica[];
  report: FleetSlackReport;
  result: Judgement;
  transactions: number;
  /** Transactions a minute while nothing was due (statistics reach Postgres within a few seconds: approximate). */
  idle: { perMinute: number; seconds: number } | undefined;
}): void {
  const { result: r, report } = o;
  const s = (ms: number | null | undefined) => (ms === null || ms === undefined ? '—' : `${(ms / 1000).toFixed(1)} s`);
  const mb = (v: number | undefined) => (v === undefined ? '—' : `${Math.round(v)} MB`);
  const pct = (p: number) => {
    const xs = [...r.latencies].sort((a, b) => a - b);
    return xs.length ? xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] : null;
  };
  const since = DUE === 'tick' ? 'the due minute' : 'the replicas were started';
  const lines: string[] = [
    '',
    `bench:fleet (${new Date().toISOString()}, Node ${process.version}): ${WORKSPACES} workspaces, ${REPLICAS} replicas, digests due ${o.dueAt.toISOString()}`,
    `run ended: ${o.ended}, ${s(o.stoppedAt - o.startAt)} after ${since}`,
    '',
    '| replica | ready after | RSS when ready | peak RSS (VmHWM) | growth after ready | exit | log lines (warn and above) |',
    '|---|---:|---:|---:|---:|---|---|',
    ...o.replicas.map((p) => {
      const ready = p.readyAt ? s(p.readyAt - p.startedAt) : p.healthyAt ? `not ready (HTTP up after ${s(p.healthyAt - p.startedAt)})` : 'never';
      const exit = !p.exit ? 'running' : p.stoppedByUs && p.exit.at >= o.stoppedAt ? `stopped (${p.exit.code ?? p.exit.signal})` : `EXITED ${p.exit.code ?? p.exit.signal} at ${s(p.exit.at - o.startAt)}`;
      const top = p.warnings().slice(0, 3).map(([k, n]) => `${k} ×${n}`).join('; ') || 'none';
      return `| ${p.index} (pid ${p.pid}) | ${ready} | ${mb(p.baseline?.rssMb)} | ${mb(p.peakMb)} | ${mb(p.growthMb)} | ${exit} | ${top} |`;
    }),
    '',
    `digests: ${r.posted}/${WORKSPACES} workspaces posted; missing ${r.missing}; posted twice ${r.twice}; cross-workspace ${r.crossWorkspace}; without a known run ${r.unattributed}; run's message_ref not the post ${r.refMismatch}`,
    `timing (from ${since}): first post ${s(r.firstMs)}, p50 ${s(pct(50))}, p90 ${s(pct(90))}, last ${s(r.lastMs)}; due minute to last post ${s(r.lastMs === null ? null : r.lastMs + o.startAt - o.dueAt.getTime())}`,
    `rate-limited workspaces (1 in ${SLOW_EVERY}, first post answered 429 Retry-After: ${SLOW_RETRY_AFTER_SEC}): ${r.slow.count}, missing ${r.slow.missing}, last posted ${s(r.slow.lastMs)}; posts retried before their Retry-After: ${r.slow.earlyRetries}`,
    `Slack calls: ${Object.entries(report.calls).map(([m, n]) => `${m} ${n}`).join(', ') || 'none'}; answered 429: ${Object.entries(report.limited).map(([m, n]) => `${m} ${n}`).join(', ') || 'none'}; unknown token ${report.unknownToken}, no token ${report.noToken}`,
    `job runs: ${[...r.runs.entries()].map(([k, n]) => `${k} ${n}`).join(', ') || 'none'}`,
    ...(r.failedRuns.size ? [`runs failed or skipped: ${[...r.failedRuns.entries()].map(([k, n]) => `${k} ×${n}`).join('; ')}`] : []),
    `database: ${o.transactions} transactions from ${since} to the end (${(o.transactions / WORKSPACES).toFixed(1)} per workspace${r.posted && r.posted !== WORKSPACES ? `, ${(o.transactions / r.posted).toFixed(1)} per digest posted` : ''})`,
    `database while nothing was due: ${o.idle ? `about ${Math.round(o.idle.perMinute)} transactions a minute (${(o.idle.perMinute / WORKSPACES).toFixed(1)} per workspace a minute, over ${o.idle.seconds.toFixed(0)} s)` : 'not measured'}`,
    `seed: ${(o.seedMs / 1000).toFixed(1)} s for ${o.seed.people} people and ${o.seed.kudos} kudos`,
    ...r.examples.map((e) => `  e.g. ${e}`),
    ...o.replicas.filter((p) => p.otherLines.length).map((p) => `replica ${p.index} said:\n    ${p.otherLines.slice(-6).join('\n    ')}`),
    '',
    '| target | measured | |',
    '|---|---|---|',
  ];
  const maxGrowth = Math.max(...o.replicas.map((p) => p.growthMb ?? Number.POSITIVE_INFINITY));
  const within = r.missing === 0 && r.lastMs !== null && r.lastMs <= TARGET_MS;
  const verdict = (ok: boolean) => (ok ? 'target met' : 'target missed');
  lines.push(
    `| all ${WORKSPACES} digests posted within 5 min | ${r.missing ? `${r.missing} missing` : `last after ${s(r.lastMs)}`} | ${verdict(within)} |`,
    `| each exactly once, ${REPLICAS} replicas racing | ${r.posted - r.twice} once, ${r.twice} twice, ${r.missing} missing, ${r.crossWorkspace} cross-workspace | ${verdict(r.missing === 0 && r.twice === 0 && r.crossWorkspace === 0)} |`,
    `| RSS growth < ${TARGET_GROWTH_MB} MB per replica | ${Number.isFinite(maxGrowth) ? `max ${Math.round(maxGrowth)} MB` : 'not measured (a replica never came up)'} | ${verdict(maxGrowth < TARGET_GROWTH_MB)} |`,
    `| database round trips per digest (reported) | ${(o.transactions / WORKSPACES).toFixed(1)} transactions (whole run, 3 replicas); idle ${o.idle ? `${(o.idle.perMinute / WORKSPACES).toFixed(1)} per workspace a minute` : '—'} | |`,
    '',
  );
  process.stdout.write(lines.join('\n'));
}

function log(message: string): void {
  process.stdout.write(`[fleet] ${message}\n`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
