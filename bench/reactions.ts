/**
 * `npm run bench:reactions`: 5,000 signed reaction events (20 % of them re-delivered, some add/remove pairs)
 * from 10 concurrent connections into the full app on Postgres, and the same stream into a bare Bolt app that
 * only acks, in one run. Prints events/s for both, the ratio, p99 ack latency, and checks that the kudos in
 * the database match the exact expected count. Target: ≥ 1,000 events/s, exact counts.
 *
 * Postgres: BENCH_DATABASE_URL, else TEST_DATABASE_URL, else the local server's `test` database.
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { percentile, runMain, SIGNING_SECRET, startRig } from './support';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 5000);
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
function buildStream(n: number): { deliveries: Delivery[]; expectedKudos: number } {
  const unique: Array<{ body: string }> = [];
  let expectedKudos = 0;
  let eventTs = 1_700_000_000;
  let i = 0;
  const envelope = (type: string, reactor: string, author: string, ts: string, id: string) => ({
    token: 'x',
    team_id: 'T0001',
    api_app_id: 'A0KUDOS',
    type: 'event_callback',
    event_id: id,
    event_time: eventTs,
    authorizations: [{ team_id: 'T0001', user_id: 'UKUDOSBOT', is_bot: true, is_enterprise_install: false }],
    event: { type, user: reactor, reaction: 'clap', item_user: author, item: { type: 'message', channel: 'C0GENERAL', ts }, event_ts: `${++eventTs}.000100` },
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
  return { deliveries, expectedKudos };
}

function load(port: number, requests: Delivery[]): Promise<{ elapsedMs: number; results: Array<{ status: number; ms: number }> }> {
  const worker = new Worker(path.join(__dirname, 'load-worker.js'), { workerData: { port, secret: SIGNING_SECRET, requests, connections: CONNECTIONS } });
  return new Promise((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', (m) => {
      void worker.terminate();
      resolve(m);
    });
  });
}

async function main() {
  const { deliveries, expectedKudos } = buildStream(EVENTS);
  const rig = await startRig((app) => {
    app.event('reaction_added', async () => undefined);
    app.event('reaction_removed', async () => undefined);
  });
  const { kudos, database, admin, barePort } = rig;
  try {
    const baseline = await load(barePort, deliveries);
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
    const baseRate = deliveries.length / (baseline.elapsedMs / 1000);
    const ackRate = deliveries.length / ((acked - started) / 1000);
    const fullRate = deliveries.length / ((done - started) / 1000);
    console.log('');
    console.log(`stream: ${deliveries.length} deliveries (${deliveries.filter((d) => d.headers).length} re-deliveries), ${CONNECTIONS} connections`);
    console.log(`bare Bolt (ack only)   ${baseRate.toFixed(0).padStart(6)} events/s   p99 ack ${percentile(baseline.results.map((r) => r.ms), 99).toFixed(1)} ms   non-200 ${bad(baseline)}`);
    console.log(
      `Kudos (Postgres)       ${fullRate.toFixed(0).padStart(6)} events/s processed (${ackRate.toFixed(0)} acknowledged/s)   p99 ack ${percentile(full.results.map((r) => r.ms), 99).toFixed(1)} ms   non-200 ${bad(full)}   (acked in ${((acked - started) / 1000).toFixed(2)} s, processed ${((done - acked) / 1000).toFixed(2)} s later)`,
    );
    console.log(`ratio (Kudos / bare Bolt): ${(fullRate / baseRate).toFixed(2)}`);
    console.log(
      `per delivery: ${(xactsUsed / deliveries.length).toFixed(1)} database round trips, ${((cpu.user + cpu.system) / 1000 / deliveries.length).toFixed(2)} ms of this process's CPU (all threads); the app's event loop busy ${(elu.utilization * 100).toFixed(0)} % of the time`,
    );
    console.log(`kudos counting: ${active.n}, expected exactly ${expectedKudos}: ${Number(active.n) === expectedKudos ? 'exact' : 'WRONG'}; unprocessed events: ${unprocessed.n}`);
    console.log(`target ≥ 1,000 events/s: ${fullRate >= 1000 ? 'met' : 'NOT met'}`);
    if (Number(active.n) !== expectedKudos) process.exitCode = 1;
  } finally {
    await rig.close();
  }
}

runMain(main);
