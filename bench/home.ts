/**
 * `npm run bench:home`: the time from an `app_home_opened` event reaching the server to the `views.publish`
 * call, for a person who has received 10,000 kudos, on Postgres. The same signed events go through the same
 * receiver, inbox and listener in two adapters on the same database: one draws the real Home, the other
 * publishes a static view (the baseline: everything but the Home's own queries and rendering). Rounds
 * alternate between them, and the figures are p50/p95/p99 of each, with the ratio. A busy admin's Home (the
 * settings, the runs and the audit log on top) is timed too. Target: the real Home under 50 ms at p95.
 *
 * Postgres: BENCH_DATABASE_URL, else TEST_DATABASE_URL, else the local server's `test` database.
 */
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { saveSetting } from '../src/core/settings-store';
import { connectDatabase } from '../src/db/connect';
import { migrateToLatest } from '../src/db/migrate';
import { upsertPerson } from '../src/db/queries/people';
import type { Database } from '../src/db/schema';
import { createLogger } from '../src/logger';
import { Background } from '../src/server/background';
import { SlackAdapter } from '../src/slack/app';
import { slackSignature } from '../src/slack/signature';
import type { HomeView } from '../src/slack/types';
import { seedLedger } from '../test/helpers/seed-kudos';

const url = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const SECRET = 'bench-signing-secret';
const RECEIVED = Number(process.env.BENCH_RECEIVED ?? 10_000);
/** The ledger the busy person's history is spread through. */
const BACKGROUND = Number(process.env.BENCH_BACKGROUND ?? 250_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 300);
const WARMUP = 30;
const TARGET_P95_MS = 50;

const STATIC_VIEW: HomeView = {
  type: 'home',
  blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'A static Home: the baseline.' } }],
};

function startFakeSlack(): Promise<{ url: string; stop: () => Promise<number> }> {
  // Slack is remote in production: its stand-in runs on its own thread so its work is not billed to the app.
  const file = JSON.stringify(path.join(__dirname, 'fake-slack-worker.ts'));
  const worker = new Worker(`require('tsx/cjs/api').register(); require(${file});`, { eval: true });
  return new Promise((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', (m: { port: number }) => resolve({ url: `http://127.0.0.1:${m.port}/api/`, stop: () => worker.terminate() }));
  });
}

let eventSeq = 0;
function homeOpenedRequest(user: string): { headers: Record<string, string>; body: Buffer } {
  const body = JSON.stringify({
    token: 'x',
    team_id: 'T0001',
    api_app_id: 'A0KUDOS',
    type: 'event_callback',
    event_id: `EvHOME${process.pid}${++eventSeq}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: 'T0001', user_id: 'UKUDOSBOT', is_bot: true, is_enterprise_install: false }],
    event: { type: 'app_home_opened', user, channel: 'D0HOME', tab: 'home', event_ts: '1515449522000016' },
  });
  const ts = Math.floor(Date.now() / 1000);
  return {
    headers: { 'content-type': 'application/json', 'x-slack-request-timestamp': String(ts), 'x-slack-signature': slackSignature(SECRET, ts, body) },
    body: Buffer.from(body),
  };
}

/** An adapter whose views.publish calls are timed (the moment the call is made, before it goes out). */
async function timedAdapter(db: Kysely<Database>, apiUrl: string, render?: () => Promise<HomeView>) {
  const logger = createLogger('silent');
  const background = new Background(logger);
  const adapter = new SlackAdapter({
    config: { botToken: 'xoxb-bench', oauth: undefined, signingSecret: SECRET, appToken: undefined, apiUrl, ackTimeoutMs: 2500 },
    db,
    logger,
    clock: () => new Date(),
    background,
    home: render ? { render } : undefined,
  });
  await adapter.start();
  let published: ((at: number) => void) | undefined;
  const call = adapter.api.call.bind(adapter.api);
  adapter.api.call = (async (method: string, args: Record<string, unknown>) => {
    if (method === 'views.publish') published?.(performance.now());
    return call(method, args);
  }) as typeof adapter.api.call;
  return {
    adapter,
    background,
    /** Milliseconds from handing the signed request to the server to its views.publish call. */
    async open(user: string): Promise<number> {
      const req = homeOpenedRequest(user);
      const at = new Promise<number>((resolve) => (published = resolve));
      const started = performance.now();
      const reply = await adapter.handleHttp(req.headers, req.body);
      if (reply.status !== 200) throw new Error(`the app answered ${reply.status}`);
      const ms = (await at) - started;
      await background.idle();
      return ms;
    },
  };
}

function stats(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
  return { p50: q(50), p95: q(95), p99: q(99), max: s[s.length - 1] };
}

async function main(): Promise<void> {
  const schema = `bench_home_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  const fake = await startFakeSlack();
  const handle = await connectDatabase({ url, searchPath: schema, poolMax: 10 });
  const { db } = handle;
  const adapters: Array<Awaited<ReturnType<typeof timedAdapter>>> = [];
  try {
    await migrateToLatest(db, handle.kind);
    const full = await timedAdapter(db, fake.url);
    const baseline = await timedAdapter(db, fake.url, async () => STATIC_VIEW);
    adapters.push(full, baseline);
    const ws = full.adapter.workspace();

    // The busy person, an admin just as busy, and 300 colleagues; profiles fresh, so no users.info call is made
    // while timing.
    const now = new Date();
    const person = (id: string) => upsertPerson(db, ws.id, { externalId: id, displayName: id.toLowerCase(), timeZone: 'Europe/Paris', isBot: false, isDeleted: false, isPlatformAdmin: false }, now);
    const busy = await person('UBUSY');
    const busyAdmin = await person('UBUSYADMIN');
    const givers = await Promise.all(Array.from({ length: 300 }, (_, i) => person(`UPERSON${i}`)));
    const values = await db.selectFrom('value').select('id').where('workspace_id', '=', ws.id).execute();
    const loadStarted = performance.now();
    // Ledgers written in time order, as real ones are: each person timed received 10,000 kudos and gave about
    // 1,500 (near the most a daily allowance lets anyone give in two years), spread among everyone else's.
    const span = { start: new Date(now.getTime() - 2 * 365 * 86_400_000), end: new Date(now.getTime() - 60_000) };
    const everyone = givers.map((g) => g.id);
    const valueIds = values.map((v) => v.id);
    await seedLedger(db, { workspaceId: ws.id, people: everyone, valueIds, count: BACKGROUND, ...span, focus: { personId: busy.id, receivedEvery: Math.floor(BACKGROUND / RECEIVED), givenEvery: Math.floor(BACKGROUND / 1_500) }, revokedEvery: 97, tag: 'busy' });
    const adminLedger = RECEIVED * 10;
    await seedLedger(db, { workspaceId: ws.id, people: everyone, valueIds, count: adminLedger, ...span, focus: { personId: busyAdmin.id, receivedEvery: 10, givenEvery: Math.floor(adminLedger / 1_500) }, revokedEvery: 97, tag: 'admin' });
    await saveSetting(db, { workspaceId: ws.id, key: 'admins', value: ['UBUSYADMIN'], expectedVersion: 0, actorId: null });
    for (let i = 0; i < 30; i++) {
      const v = await db.selectFrom('setting').select('version').where('workspace_id', '=', ws.id).where('key', '=', 'minMessageLength').executeTakeFirst();
      await saveSetting(db, { workspaceId: ws.id, key: 'minMessageLength', value: 10 + (i % 5), expectedVersion: v?.version ?? 0, actorId: busyAdmin.id });
    }
    // What autovacuum keeps up in production: statistics and the visibility map (index-only scans).
    await sql`vacuum analyze`.execute(db);
    const loadMs = performance.now() - loadStarted;
    const total = await db.selectFrom('kudos').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();

    for (let i = 0; i < WARMUP; i++) {
      await full.open('UBUSY');
      await full.open('UBUSYADMIN');
      await baseline.open('UBUSY');
    }
    const times = { baseline: [] as number[], full: [] as number[], admin: [] as number[] };
    for (let i = 0; i < ROUNDS; i++) {
      times.baseline.push(await baseline.open('UBUSY'));
      times.full.push(await full.open('UBUSY'));
      times.admin.push(await full.open('UBUSYADMIN'));
    }

    const b = stats(times.baseline);
    const f = stats(times.full);
    const a = stats(times.admin);
    const fmt = (x: number) => `${x.toFixed(1).padStart(6)} ms`;
    console.log('');
    console.log(`Postgres, ${Number(total.n).toLocaleString('en-US')} kudos in the ledger (loaded in ${(loadMs / 1000).toFixed(1)} s); ${RECEIVED.toLocaleString('en-US')} received by each person timed; ${ROUNDS} rounds; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
    console.log('app_home_opened → views.publish, server time:');
    console.log(`  static view (baseline)       p50 ${fmt(b.p50)}   p95 ${fmt(b.p95)}   p99 ${fmt(b.p99)}   max ${fmt(b.max)}`);
    console.log(`  the Home, 10,000 received    p50 ${fmt(f.p50)}   p95 ${fmt(f.p95)}   p99 ${fmt(f.p99)}   max ${fmt(f.max)}`);
    console.log(`  an admin's Home, as busy     p50 ${fmt(a.p50)}   p95 ${fmt(a.p95)}   p99 ${fmt(a.p99)}   max ${fmt(a.max)}`);
    console.log(`ratio to the baseline at p95: the Home ${(f.p95 / b.p95).toFixed(2)}×, an admin's Home ${(a.p95 / b.p95).toFixed(2)}×`);
    console.log(`the Home at p95: ${f.p95.toFixed(1)} ms (target < ${TARGET_P95_MS} ms: ${f.p95 < TARGET_P95_MS ? 'met' : 'NOT met'})`);
  } finally {
    for (const x of adapters) {
      await x.background.idle();
      await x.adapter.stop();
    }
    await handle.close();
    await fake.stop();
    await admin.query(`drop schema ${schema} cascade`);
    await admin.end();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
