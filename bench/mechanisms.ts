/**
 * `npm run bench:mechanisms`: the performance mechanisms one at a time, each against its plain form, outside
 * the app (figures for docs/performance.md):
 *
 * 1. Coalescing writes into round trips (`batched`, src/db/batch.ts): BENCH_WRITES (2,000; 1,000 with
 *    BENCH_QUICK=1) inserts of an inbox-like row (`insert … on conflict do nothing returning`) from 20
 *    concurrent callers, one statement and one commit each vs through `batched` (one `unnest` insert per round
 *    trip).
 * 2. Commits that do not wait for the disk (`synchronous_commit` off inside a function, as the inbox marks
 *    do): the same number of single-row updates, with and without it, alone and batched.
 * 3. The Slack Web API client: chat.postMessage to the fake Slack (on its own thread) from 20 concurrent
 *    callers through the app's undici client (src/slack/api.ts) vs Bolt's WebClient: calls/s and this
 *    thread's busy time per call.
 * 4. The ledger's batch function: BENCH_GIVES (2,000; 1,000 quick) gives through the app's own `recordKudos`
 *    (kudos_record_many behind `batchedOrAlone`) from 20 concurrent callers on a migrated schema, sharing one
 *    database handle (their gives coalesce) vs each on a handle of its own (one give per round trip: the
 *    batcher is per handle), the same 20 connections in both.
 *
 * Each group's variants run BENCH_ROUNDS (3) times, alternating which goes first; the table shows each
 * variant's median, and "vs first" the median over rounds of its ratio to the group's first variant (a
 * loaded machine moves both variants of a round alike, so the ratio holds better than either figure).
 *
 * Postgres (the server's own synchronous_commit): BENCH_DATABASE_URL, else TEST_DATABASE_URL, else the
 * local server's `test` database; everything lives in a schema of its own, dropped at the end.
 */
import { randomBytes } from 'node:crypto';
import { WebClient } from '@slack/web-api';
import pg from 'pg';
import { batched } from '../src/db/batch';
import { connectDatabase } from '../src/db/connect';
import { migrateToLatest } from '../src/db/migrate';
import { recordKudos } from '../src/db/queries/record-kudos';
import { upsertWorkspace } from '../src/db/queries/workspaces';
import { createLogger } from '../src/logger';
import { SlackApi } from '../src/slack/api';
import { DATABASE_URL, percentile, QUICK, runMain, startFakeSlack } from './support';

const WRITES = Number(process.env.BENCH_WRITES ?? (QUICK ? 1000 : 2000));
const CALLS = Number(process.env.BENCH_CALLS ?? (QUICK ? 2000 : 5000));
const GIVES = Number(process.env.BENCH_GIVES ?? (QUICK ? 1000 : 2000));
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONCURRENCY = 20;

/** One variant of a group: `run(round)` measures it once (keys made unique by the round). */
interface Variant {
  name: string;
  run(round: number): Promise<Measured>;
}

type Measured = Omit<Outcome, 'name' | 'vsFirst'>;

interface Outcome {
  name: string;
  /** Median over rounds of perSecond / the group's first variant's perSecond in the same round. */
  vsFirst: number;
  perSecond: number;
  p99: number;
  commitsPerOp?: number;
  busyMsPerOp?: number;
}

/** `count` operations from CONCURRENCY callers, each waiting for its last before the next. */
async function drive(count: number, op: (i: number, caller: number) => Promise<unknown>): Promise<{ perSecond: number; p99: number }> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, caller) => {
      while (next < count) {
        const i = next++;
        const t = performance.now();
        await op(i, caller);
        latencies.push(performance.now() - t);
      }
    }),
  );
  return { perSecond: count / ((performance.now() - started) / 1000), p99: percentile(latencies, 99) };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Runs a group's variants ROUNDS times, in turn (every other round backwards), and takes medians. */
async function rounds(variants: Variant[]): Promise<Outcome[]> {
  const runs: Measured[][] = variants.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    const order = variants.map((_, i) => i);
    if (round % 2) order.reverse();
    for (const i of order) runs[i].push(await variants[i].run(round));
  }
  const pick = (i: number, f: (m: Measured) => number | undefined) => {
    const xs = runs[i].map(f).filter((x): x is number => x !== undefined);
    return xs.length ? median(xs) : undefined;
  };
  return variants.map((v, i) => ({
    name: v.name,
    perSecond: pick(i, (m) => m.perSecond)!,
    p99: pick(i, (m) => m.p99)!,
    commitsPerOp: pick(i, (m) => m.commitsPerOp),
    busyMsPerOp: pick(i, (m) => m.busyMsPerOp),
    vsFirst: median(runs[i].map((m, r) => m.perSecond / runs[0][r].perSecond)),
  }));
}

async function main() {
  const schema = `bench_mech_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: CONCURRENCY, options: `-c search_path=${schema}` });
  // Each statement below is its own transaction: statements sent = commits (counted here, not read from
  // pg_stat_database, whose counters Postgres updates only every few seconds).
  let statements = 0;
  const query: typeof pool.query = ((...a: Parameters<typeof pool.query>) => {
    statements++;
    return (pool.query as (...x: unknown[]) => unknown)(...a);
  }) as typeof pool.query;
  const synchronousCommit = String((await admin.query('show synchronous_commit')).rows[0].synchronous_commit);
  const results: Outcome[][] = [];
  try {
    await pool.query(`
      create table inbox_like (id bigserial primary key, delivery_id text not null unique, body jsonb not null, received_at timestamptz not null, processed_at timestamptz);
      create function mark(p_ids bigint[], p_async boolean) returns void language plpgsql as $$
      begin
        if p_async then perform set_config('synchronous_commit', 'off', true); end if;
        update inbox_like set processed_at = now() where id = any(p_ids);
      end $$;`);
    // Warm the pool's connections and the plans.
    await Promise.all(Array.from({ length: CONCURRENCY }, () => pool.query('select 1')));
    const body = JSON.stringify({ type: 'event_callback', event: { type: 'reaction_added', reaction: 'clap', item: { channel: 'C0GENERAL', ts: '1690000000.000100' } } });

    const measured = (name: string, count: number, op: (i: number, round: number) => Promise<unknown>): Variant => ({
      name,
      run: async (round) => {
        const before = statements;
        const r = await drive(count, (i) => op(i, round));
        return { ...r, commitsPerOp: (statements - before) / count };
      },
    });

    // 1. Inserts: alone vs coalesced.
    const insertAlone = (i: number, round: number) =>
      query('insert into inbox_like (delivery_id, body, received_at) values ($1, $2, now()) on conflict (delivery_id) do nothing returning id', [`alone${round}:${i}`, body]);
    const insertBatched = batched<string, number | undefined>(async (keys) => {
      const { rows } = await query<{ id: number; delivery_id: string }>(
        `insert into inbox_like (delivery_id, body, received_at)
         select k, $2::jsonb, now() from unnest($1::text[]) as k
         on conflict (delivery_id) do nothing returning id, delivery_id`,
        [keys, body],
      );
      const ids = new Map(rows.map((r) => [r.delivery_id, r.id]));
      return keys.map((k) => ids.get(k));
    });
    results.push(
      await rounds([
        measured('insert, one statement each', WRITES, insertAlone),
        measured('insert, batched', WRITES, (i, round) => insertBatched(`batched${round}:${i}`)),
      ]),
    );

    // 2. Marks: synchronous_commit on vs off, alone and batched (the inbox marks: batched, off).
    const { rows } = await pool.query<{ id: string }>('select id from inbox_like order by id');
    const ids = rows.map((r) => r.id);
    const markAlone = (async: boolean) => (i: number) => query('select mark($1::bigint[], $2)', [[ids[i % ids.length]], async]);
    const markBatched = (async: boolean) => {
      const f = batched<string, void>(async (batch) => {
        await query('select mark($1::bigint[], $2)', [batch, async]);
        return batch.map(() => undefined);
      });
      return (i: number) => f(ids[i % ids.length]);
    };
    results.push(
      await rounds([
        measured(`mark, alone, synchronous_commit ${synchronousCommit}`, WRITES, markAlone(false)),
        measured('mark, alone, synchronous_commit off', WRITES, markAlone(true)),
        measured(`mark, batched, synchronous_commit ${synchronousCommit}`, WRITES, markBatched(false)),
        measured('mark, batched, synchronous_commit off', WRITES, markBatched(true)),
      ]),
    );
  } finally {
    await pool.end();
    await admin.query(`drop schema ${schema} cascade`);
    await admin.end();
  }

  // 3. The Slack Web API client.
  const fake = await startFakeSlack();
  try {
    const api = new SlackApi({ token: 'xoxb-bench', apiUrl: fake.url, logger: createLogger('silent') });
    const web = new WebClient('xoxb-bench', { slackApiUrl: fake.url, retryConfig: { retries: 0 } });
    const args = (i: number) => ({ channel: 'C0GENERAL', text: `kudos number ${i}`, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `*kudos* number ${i}` } }] });
    const client = (name: string, call: (i: number) => Promise<unknown>): Variant => ({
      name,
      run: async () => {
        await drive(200, call); // warm-up
        const elu = performance.eventLoopUtilization();
        const r = await drive(CALLS, call);
        return { ...r, busyMsPerOp: performance.eventLoopUtilization(elu).active / CALLS };
      },
    });
    results.push(
      await rounds([
        client('chat.postMessage, WebClient', (i) => web.chat.postMessage(args(i))),
        client('chat.postMessage, undici client', (i) => api.postMessage(args(i))),
      ]),
    );
    await api.close();
  } finally {
    await fake.stop();
  }

  // 4. The ledger's batch function, through the app's own code.
  try {
    results.push(await ledger());
  } catch (err) {
    console.error(`ledger section skipped: ${err instanceof Error ? err.message : String(err)}`);
  }

  console.log('');
  console.log(
    `${CONCURRENCY} concurrent callers; ${WRITES} writes per database row, ${CALLS} calls per Slack row, ${GIVES} gives per ledger row; medians of ${ROUNDS} rounds; server synchronous_commit = ${synchronousCommit}`,
  );
  console.log('');
  console.log(`${'variant'.padEnd(40)} ${'ops/s'.padStart(8)} ${'p99'.padStart(10)} ${'vs first'.padStart(9)}  per op`);
  for (const group of results) {
    for (const r of group) {
      const per = r.commitsPerOp !== undefined ? `${r.commitsPerOp.toFixed(2)} commits` : r.busyMsPerOp !== undefined ? `${r.busyMsPerOp.toFixed(3)} ms of this thread` : '';
      console.log(`${r.name.padEnd(40)} ${r.perSecond.toFixed(0).padStart(8)} ${`${r.p99.toFixed(1)} ms`.padStart(10)} ${`${r.vsFirst.toFixed(2)}x`.padStart(9)}  ${per}`);
    }
    console.log('');
  }
}

async function ledger(): Promise<Outcome[]> {
  const schema = `bench_ledger_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  const shared = await connectDatabase({ url: DATABASE_URL, searchPath: schema, poolMax: CONCURRENCY });
  const own = await Promise.all(Array.from({ length: CONCURRENCY }, () => connectDatabase({ url: DATABASE_URL, searchPath: schema, poolMax: 1 })));
  try {
    const { db } = shared;
    await migrateToLatest(db, 'postgres');
    const workspace = await upsertWorkspace(db, { platform: 'slack', externalId: 'TBENCH' }, [{ slug: 'collaboration', label: 'Collaboration', emoji: 'handshake' }]);
    const people = await db
      .insertInto('person')
      .values(Array.from({ length: 300 }, (_, i) => ({ workspace_id: workspace.id, external_id: `UBENCH${i}`, display_name: `colleague ${i}`, time_zone: 'Europe/Paris' })))
      .returning('id')
      .execute();
    const values = await db.selectFrom('value').select('id').where('workspace_id', '=', workspace.id).execute();
    const ids = people.map((p) => p.id);
    const give = (tag: string, i: number) => ({
      workspaceId: workspace.id,
      giverId: ids[i % ids.length],
      source: 'command' as const,
      sourceKey: `${tag}:${i}`,
      message: `for benchmark help number ${i}`,
      channelId: 'C0GENERAL',
      messageTs: null,
      permalink: null,
      emoji: null,
      parentId: null,
      reactionGroup: null,
      campaignKey: null,
      createdAt: new Date(),
      day: new Date().toISOString().slice(0, 10),
      recipientIds: [ids[(i + 1) % ids.length], ids[(i + 2) % ids.length]],
      valueIds: values.slice(0, 1).map((v) => v.id),
      limit: null,
      notifyBy: null,
    });
    // Warm both paths (plans, connections).
    await Promise.all(own.map((h, c) => recordKudos(h.db, give('warm-own', c))));
    await Promise.all(Array.from({ length: CONCURRENCY }, (_, c) => recordKudos(db, give('warm-shared', c))));
    const outcomes = await rounds([
      // Each caller keeps to its own handle, and waits for its give before the next: batches of one.
      { name: 'recordKudos, one give per round trip', run: (round) => drive(GIVES, (i, caller) => recordKudos(own[caller].db, give(`own${round}`, i))) },
      { name: 'recordKudos, batched (kudos_record_many)', run: (round) => drive(GIVES, (i) => recordKudos(db, give(`shared${round}`, i))) },
    ]);
    const counted = await db.selectFrom('kudos').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const expected = 2 * GIVES * ROUNDS + 2 * CONCURRENCY;
    if (Number(counted.n) !== expected) throw new Error(`ledger: ${counted.n} kudos recorded, expected ${expected}`);
    return outcomes;
  } finally {
    await Promise.all(own.map((h) => h.close()));
    await shared.close();
    await admin.query(`drop schema ${schema} cascade`);
    await admin.end();
  }
}

runMain(main);
