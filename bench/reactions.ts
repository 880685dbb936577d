/**
 * `npm run bench:reactions`: 5,000 signed reaction events (20 % of them re-delivered, some add/remove pairs)
 * from 10 concurrent connections into the full app on Postgres, and the same stream, in the same run, into
 * two baselines: a bare Bolt app that only acks, and a durable Bolt app that writes one row per event
 * (`insert … on conflict do nothing`, keyed by event_id, so a re-delivery writes nothing) to the same
 * Postgres before it acks. Prints events/s and p99 ack latency for the three and the ratios Kudos / bare and
 * Kudos / durable, checks that the kudos in the database match the exact expected count, then sends each
 * app a fresh stream at a fixed 200 events/s for its p99 ack latency there. Targets: ≥ 1,000 events/s,
 * exact counts, p99 at 200/s < 100 ms.
 *
 * BENCH_EVENTS (5,000; 2,000 with BENCH_QUICK=1) sets the stream's size, BENCH_FIXED_EVENTS (2,000; 600
 * quick) the fixed-rate stream's. Kudos's main pass runs exactly as before the durable baseline existed, so
 * its figures compare with older commits' (see bench/compare.sh).
 *
 * Postgres: BENCH_DATABASE_URL, else TEST_DATABASE_URL, else the local server's `test` database.
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { durableRows, percentile, QUICK, ratio, runMain, SIGNING_SECRET, startRig } from './support';

const EVENTS = Number(process.env.BENCH_EVENTS ?? (QUICK ? 2000 : 5000));
const FIXED_EVENTS = Number(process.env.BENCH_FIXED_EVENTS ?? (QUICK ? 600 : 2000));
const FIXED_RATE = 200;
const CONNECTIONS = 10;

interface Delivery {
  body: string;
  contentType: string;
  headers?: Record<string, string>;
}

/**
 * The stream: reactions by 300 people on 2,000 messages by 100 authors. One reaction in ten is later removed
 * (an add/remove pair), and 20 % of all deliveries are re-deliveries of an earlier event (same event_id,
 * with x-slack-retry-num). The expected result is exact whatever order the app processes them in.
 */
function buildStream(n: number, tag = ''): { deliveries: Delivery[]; expectedKudos: number; distinct: number } {
  const unique: Array<{ body: string }> = [];
  let expectedKudos = 0;
  let eventTs = 1_700_000_000;
  let i = 0;
  const envelope = (type: string, reactor: string, author: string, ts: string, id: string) => ({
    token: 'x',
    team_id: 'T0001',
    api_app_id: 'A0KUDOS',
    type: 'event_callback',
    event_id: `${id}${tag}`,
    event_time: eventTs,
    authorizations: [{ team_id: 'T0001', user_id: 'UKUDOSBOT', is_bot: true, is_enterprise_install: false }],
    event: { type, user: reactor, reaction: 'clap', item_user: author, item: { type: 'message', channel: `C0GENERAL${tag}`, ts }, event_ts: `${++eventTs}.000100` },
  });
  const originals = Math.round(n * 0.8);
  while (unique.length < originals) {
    i++;
    const reactor = `UR${i % 300}`;
    const author = `UA${i % 100}`;
    const ts = `1690000000.${String(i).padStart(6, '0')}`;
    unique.push({ body: JSON.stringify(envelope('reaction_added', reactor, author, ts, `EvADD${i}`)) });
    if (i % 10 === 0 && unique.length < originals) {
      unique.push({ body: JSON.stringify(envelope('reaction_removed', reactor, author, ts, `EvDEL${i}`)) });
    } else {
      expectedKudos++;
    }
  }
  // The last add may have lost its planned removal to the cut-off; count what was really generated.
  expectedKudos = 0;
  const state = new Map<string, boolean>();
  for (const u of unique) {
    const e = JSON.parse(u.body).event;
    state.set(e.item.ts + e.user, e.type === 'reaction_added');
  }
  for (const present of state.values()) if (present) expectedKudos++;

  const deliveries: Delivery[] = unique.map((u) => ({ body: u.body, contentType: 'application/json' }));
  // Re-deliveries land a little after their original, as Slack's retries do.
  let seed = 42;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let r = 0; r < n - originals; r++) {
    const original = Math.floor(rand() * originals);
    const at = Math.min(deliveries.length, original + 1 + Math.floor(rand() * 50));
    deliveries.splice(at, 0, { ...deliveries[original], headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } });
  }
  return { deliveries, expectedKudos, distinct: unique.length };
}

function load(port: number, requests: Delivery[], rate?: number): Promise<{ elapsedMs: number; results: Array<{ status: number; ms: number }> }> {
  const worker = new Worker(path.join(__dirname, 'load-worker.js'), { workerData: { port, secret: SIGNING_SECRET, requests, connections: CONNECTIONS, rate } });
  return new Promise((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', (m) => {
      void worker.terminate();
      resolve(m);
    });
  });
}

async function main() {
  const { deliveries, expectedKudos, distinct } = buildStream(EVENTS);
  const fixedStream = buildStream(FIXED_EVENTS, 'F');
  const rig = await startRig({
    bare: (app) => {
      app.event('reaction_added', async () => undefined);
      app.event('reaction_removed', async () => undefined);
    },
    durable: (app, write) => {
      app.event('reaction_added', async ({ body }) => write(body.event_id));
      app.event('reaction_removed', async ({ body }) => write(body.event_id));
    },
  });
  const { kudos, database, admin, barePort } = rig;
  try {
    const baseline = await load(barePort, deliveries);
    const durable = await load(rig.durablePort, deliveries);
    const stored = await durableRows(rig);
    const xacts = async () => Number((await admin.query('select xact_commit + xact_rollback as n from pg_stat_database where datname = current_database()')).rows[0].n);
    const xactsBefore = await xacts();
    const cpuBefore = process.cpuUsage();
    const eluBefore = performance.eventLoopUtilization();
    const started = Date.now();
    const full = await load(kudos.port, deliveries);
    const acked = Date.now();
    // Events are processed after their ack: the run ends when the last one is.
    await kudos.background.idle();
    const done = Date.now();
    const cpu = process.cpuUsage(cpuBefore);
    const elu = performance.eventLoopUtilization(eluBefore);
    const xactsUsed = (await xacts()) - xactsBefore;

    const active = await database.db
      .selectFrom('kudos')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('source', '=', 'reaction')
      .where('revoked_at', 'is', null)
      .executeTakeFirstOrThrow();
    const unprocessed = await database.db
      .selectFrom('event_inbox')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('processed_at', 'is', null)
      .executeTakeFirstOrThrow();
    const bad = (r: typeof full) => r.results.filter((x) => x.status !== 200).length;
    const p99 = (r: typeof full) => percentile(r.results.map((x) => x.ms), 99);
    const baseRate = deliveries.length / (baseline.elapsedMs / 1000);
    const durableRate = deliveries.length / (durable.elapsedMs / 1000);
    const ackRate = deliveries.length / ((acked - started) / 1000);
    const fullRate = deliveries.length / ((done - started) / 1000);

    // Then, after the counts are taken, a fresh stream to each app at a fixed rate.
    const fixedBare = await load(barePort, fixedStream.deliveries, FIXED_RATE);
    const fixedDurable = await load(rig.durablePort, fixedStream.deliveries, FIXED_RATE);
    const fixedFull = await load(kudos.port, fixedStream.deliveries, FIXED_RATE);
    await kudos.background.idle();
    const storedAll = await durableRows(rig);

    console.log('');
    console.log(`stream: ${deliveries.length} deliveries (${deliveries.filter((d) => d.headers).length} re-deliveries), ${CONNECTIONS} connections`);
    console.log(`bare Bolt (ack only)   ${baseRate.toFixed(0).padStart(6)} events/s   p99 ack ${p99(baseline).toFixed(1)} ms   non-200 ${bad(baseline)}`);
    console.log(`durable Bolt (1 row)   ${durableRate.toFixed(0).padStart(6)} events/s   p99 ack ${p99(durable).toFixed(1)} ms   non-200 ${bad(durable)}`);
    console.log(
      `Kudos (Postgres)       ${fullRate.toFixed(0).padStart(6)} events/s processed (${ackRate.toFixed(0)} acknowledged/s)   p99 ack ${p99(full).toFixed(1)} ms   non-200 ${bad(full)}   (acked in ${((acked - started) / 1000).toFixed(2)} s, processed ${((done - acked) / 1000).toFixed(2)} s later)`,
    );
    console.log(
      `durable baseline: ${stored} rows for ${distinct} distinct events (synchronous_commit = ${rig.synchronousCommit})${stored === distinct ? '' : '  MISMATCH'}; after the fixed-rate stream ${storedAll} for ${distinct + fixedStream.distinct}`,
    );
    console.log(`ratio (Kudos / bare Bolt): ${(fullRate / baseRate).toFixed(2)}`);
    console.log(`ratio (Kudos / durable Bolt): ${ratio(fullRate, durableRate)}  (1.00 = as fast as a bot that only stores each event)`);
    console.log(
      `per delivery: ${(xactsUsed / deliveries.length).toFixed(1)} database round trips, ${((cpu.user + cpu.system) / 1000 / deliveries.length).toFixed(2)} ms of this process's CPU (all threads); the app's event loop busy ${(elu.utilization * 100).toFixed(0)} % of the time`,
    );
    console.log(`kudos counting: ${active.n}, expected exactly ${expectedKudos}: ${Number(active.n) === expectedKudos ? 'exact' : 'WRONG'}; unprocessed events: ${unprocessed.n}`);
    console.log('');
    console.log(`${''.padEnd(22)} ${'events/s'.padStart(9)} ${'p99 full load'.padStart(14)} ${`p99 at ${FIXED_RATE}/s`.padStart(14)}   (fixed-rate stream: ${fixedStream.deliveries.length} deliveries)`);
    const row = (name: string, rate: number, main: typeof full, fixed: typeof full) =>
      console.log(`${name.padEnd(22)} ${rate.toFixed(0).padStart(9)} ${`${p99(main).toFixed(1)} ms`.padStart(14)} ${`${p99(fixed).toFixed(1)} ms`.padStart(14)}${bad(fixed) ? `   non-200 ${bad(fixed)}` : ''}`);
    row('bare Bolt (ack only)', baseRate, baseline, fixedBare);
    row('durable Bolt (1 row)', durableRate, durable, fixedDurable);
    row('Kudos (Postgres)', fullRate, full, fixedFull);
    console.log(`${'Kudos / bare'.padEnd(22)} ${ratio(fullRate, baseRate).padStart(9)} ${ratio(p99(full), p99(baseline)).padStart(14)} ${ratio(p99(fixedFull), p99(fixedBare)).padStart(14)}`);
    console.log(`${'Kudos / durable'.padEnd(22)} ${ratio(fullRate, durableRate).padStart(9)} ${ratio(p99(full), p99(durable)).padStart(14)} ${ratio(p99(fixedFull), p99(fixedDurable)).padStart(14)}`);
    console.log('');
    console.log(`target ≥ 1,000 events/s: ${fullRate >= 1000 ? 'met' : 'NOT met'}`);
    console.log(`Kudos p99 ack latency at ${FIXED_RATE} events/s: ${p99(fixedFull).toFixed(1)} ms  (target < 100 ms: ${p99(fixedFull) < 100 ? 'met' : 'NOT met'})`);
    if (Number(active.n) !== expectedKudos) process.exitCode = 1;
  } finally {
    await rig.close();
  }
}

runMain(main);
