/**
 * What the Slack benchmarks share: a throw-away Postgres schema, the fake Slack Web API on its own thread
 * (Slack is remote in production, so its work must not be billed to the app), the full app on that schema
 * with an unlimited allowance and a year of history, and two baselines to compare against: a bare Bolt app
 * that only acks, and a "durable" Bolt app that writes one row per request to the same Postgres before it
 * acks (what a bot that acknowledges only what it has stored cannot beat).
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { App } from '@slack/bolt';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { loadConfig } from '../src/config';
import { saveSetting } from '../src/core/settings-store';
import { connectDatabase, type DatabaseHandle } from '../src/db/connect';
import type { Database } from '../src/db/schema';
import { startKudos, type KudosHandle } from '../src/kudos';
import { createLogger } from '../src/logger';
import { seedLedger } from '../test/helpers/seed-kudos';

export const SIGNING_SECRET = 'bench-signing-secret';
export const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
/** BENCH_QUICK=1: shorter runs (the explicit knobs, BENCH_SECONDS, BENCH_EVENTS, …, still win). */
export const QUICK = process.env.BENCH_QUICK === '1';

/** Stores one row for a request, keyed by what makes it unique; a key seen before changes nothing. */
export type DurableWrite = (key: string) => Promise<void>;

export interface Baselines {
  /** Registers the ack-only listeners on a plain Bolt app. */
  bare(app: App): void;
  /**
   * Registers listeners that `write` a row before the request is acknowledged. The app is built like the
   * bare one (same receiver, same signature verification) except that Bolt answers only once the listeners
   * have finished (`processBeforeResponse`), so even an event's 200 waits for its write.
   */
  durable(app: App, write: DurableWrite): void;
}

export interface BenchRig {
  kudos: KudosHandle;
  database: DatabaseHandle;
  /** The admin connection (outside the schema), for statistics. */
  admin: pg.Client;
  /** Kudos already in the ledger before the run (the workspace's history). */
  history: number;
  barePort: number;
  durablePort: number;
  /** The durable baseline's table (schema-qualified), and the server's synchronous_commit it ran with. */
  durableTable: string;
  synchronousCommit: string;
  close(): Promise<void>;
}

/** Starts everything: the full app, and the two baseline Bolt apps with the listeners `baselines` registers. */
export async function startRig(baselines: Baselines): Promise<BenchRig> {
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  const fake = await startFakeSlack();
  const database = await connectDatabase({ url: DATABASE_URL, searchPath: schema, poolMax: 20 });
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    SLACK_BOT_TOKEN: 'xoxb-bench',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: fake.url,
    SCHEDULER_ENABLED: 'false',
    LOG_LEVEL: 'silent',
  });
  const kudos = await startKudos({ config, logger: createLogger('silent'), database });
  const workspaceId = kudos.slack!.workspace().id;
  // Unlimited allowance, so every request gives a kudos rather than meeting a refusal.
  await saveSetting(database.db, { workspaceId, key: 'allowancePerDay', value: null, expectedVersion: 0, actorId: null });
  const history = await seedHistory(database.db, workspaceId);

  const boltOptions = {
    signingSecret: SIGNING_SECRET,
    authorize: async () => ({ botToken: 'xoxb-bench', botUserId: 'UKUDOSBOT' }),
    clientOptions: { slackApiUrl: fake.url },
  };
  const app = new App(boltOptions);
  baselines.bare(app);
  const server = (await app.start(0)) as Server;

  // The durable baseline: its own table in the bench's schema, its own pool as large as the app's, and the
  // server's default synchronous_commit (each write's commit waits for the disk unless the server says not to).
  const durableTable = `${schema}.durable_baseline`;
  await admin.query(`create table ${durableTable} (key text primary key, received_at timestamptz not null default now())`);
  const synchronousCommit = String((await admin.query('show synchronous_commit')).rows[0].synchronous_commit);
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 20 });
  const insert = `insert into ${durableTable} (key) values ($1) on conflict (key) do nothing`;
  const durableApp = new App({ ...boltOptions, processBeforeResponse: true });
  baselines.durable(durableApp, async (key) => {
    await pool.query(insert, [key]);
  });
  const durableServer = (await durableApp.start(0)) as Server;
  return {
    kudos,
    database,
    admin,
    history,
    barePort: (server.address() as AddressInfo).port,
    durablePort: (durableServer.address() as AddressInfo).port,
    durableTable,
    synchronousCommit,
    close: async () => {
      await app.stop();
      await durableApp.stop();
      await pool.end();
      await admin.query(`drop table if exists ${durableTable}`);
      await kudos.stop();
      await database.close();
      await fake.stop();
      await admin.query(`drop schema ${schema} cascade`);
      await admin.end();
    },
  };
}

/**
 * A workspace is measured as it runs, not on its first day: a year of history (20,000 kudos among 300 other
 * people, one in four a pile-on), then what autovacuum keeps up in production: statistics, so the planner
 * sees tables of their real size. (Postgres here may run with autovacuum off; tables the history leaves
 * empty are not analyzed, so the planner sizes them by what they hold.)
 */
async function seedHistory(db: Kysely<Database>, workspaceId: number): Promise<number> {
  const count = Number(process.env.BENCH_HISTORY ?? 20_000);
  if (count === 0) return 0;
  const people = await db
    .insertInto('person')
    .values(Array.from({ length: 300 }, (_, i) => ({ workspace_id: workspaceId, external_id: `UHISTORY${i}`, display_name: `colleague ${i}`, time_zone: 'Europe/Paris' })))
    .returning('id')
    .execute();
  const values = await db.selectFrom('value').select('id').where('workspace_id', '=', workspaceId).execute();
  const now = Date.now();
  await seedLedger(db, {
    workspaceId,
    people: people.map((p) => p.id),
    valueIds: values.map((v) => v.id),
    count,
    start: new Date(now - 365 * 86_400_000),
    end: new Date(now - 86_400_000),
    focus: { personId: people[0].id, receivedEvery: 50, givenEvery: 60 },
    revokedEvery: 97,
    tag: 'history',
  });
  // One in four a pile-on, with the reaction behind it in the register.
  await sql`update kudos set source = 'pileon', reaction_group = 'pileon:' || id || ':history' where workspace_id = ${workspaceId} and id % 4 = 0`.execute(db);
  await sql`
    insert into reaction_state (workspace_id, channel_id, message_ts, reactor, emoji, event_ts, present)
    select k.workspace_id, 'CHISTORY', k.id::text, g.external_id, 'clap', extract(epoch from k.created_at), k.revoked_at is null
    from kudos k join person g on g.id = k.giver_id
    where k.workspace_id = ${workspaceId} and k.source = 'pileon'`.execute(db);
  await sql`vacuum analyze kudos, kudos_recipient, kudos_value, person, reaction_state`.execute(db);
  return count;
}

/** The fake Slack Web API on a thread of its own (its CPU is not the app's). */
export function startFakeSlack(): Promise<{ url: string; stop: () => Promise<number> }> {
  // Registers tsx in the worker first, so it can run TypeScript like the rest of the benchmark.
  const file = JSON.stringify(path.join(__dirname, 'fake-slack-worker.ts'));
  const worker = new Worker(`require('tsx/cjs/api').register(); require(${file});`, { eval: true });
  return new Promise((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', (m: { port: number }) => resolve({ url: `http://127.0.0.1:${m.port}/api/`, stop: () => worker.terminate() }));
  });
}

/**
 * CPU time spent so far, in ms: by this process (all its threads: the app, the load generator, the fake
 * Slack) and by the Postgres server's processes when it runs on this machine (read from /proc; null where
 * that cannot be read). The difference of two readings says where a run's CPU went.
 */
export function cpuNow(): { process: number; postgres: number | null } {
  const u = process.cpuUsage();
  return { process: (u.user + u.system) / 1000, postgres: postgresCpu() };
}

function postgresCpu(): number | null {
  try {
    let ticks = 0;
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      try {
        if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'postgres') continue;
        // Fields after the command name: utime, stime, then cutime and cstime (what ended children used, so
        // a backend that exits between two readings still counts).
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        ticks += Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
      } catch {
        // The process ended while we looked.
      }
    }
    return ticks * 10; // USER_HZ is 100 on Linux
  } catch {
    return null;
  }
}

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

/** Rows the durable baseline stored (to check it wrote one per distinct request). */
export async function durableRows(rig: BenchRig): Promise<number> {
  return Number((await rig.admin.query(`select count(*) as n from ${rig.durableTable}`)).rows[0].n);
}

/** `a / b` with two decimals, or "n/a" when b is 0. */
export function ratio(a: number, b: number): string {
  return b > 0 ? (a / b).toFixed(2) : 'n/a';
}

export function runMain(main: () => Promise<void>): void {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
