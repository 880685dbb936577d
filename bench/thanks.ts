/**
 * `npm run bench:thanks`: signed /thanks requests over HTTP against the full app on Postgres, and in the same
 * run against two baselines: a bare Bolt app whose handler only acks, and a durable Bolt app that writes one
 * row per request (`insert … on conflict do nothing`, keyed by trigger_id) to the same Postgres before it
 * acks. Prints the three throughputs and p50/p99 ack latencies at a fixed 200 requests/s, and the ratios
 * Kudos / bare and Kudos / durable. Targets: Kudos / bare ≥ 0.5, Kudos p99 at 200 req/s < 100 ms.
 *
 * Each app: 2 s of warm-up, BENCH_SECONDS (10; 4 with BENCH_QUICK=1) at full load from BENCH_CONNECTIONS
 * (20) connections, then BENCH_SECONDS at 200 requests/s. Kudos is measured last, exactly as before the
 * durable baseline existed, so its figures compare with older commits' (see bench/compare.sh).
 *
 * Postgres: BENCH_DATABASE_URL, else TEST_DATABASE_URL, else the local server's `test` database.
 */
import path from 'node:path';
import autocannon from 'autocannon';
import { cpuNow, durableRows, QUICK, ratio, runMain, SIGNING_SECRET, startRig } from './support';

const DURATION = Number(process.env.BENCH_SECONDS ?? (QUICK ? 4 : 10));
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);

const SETUP = path.join(__dirname, 'signed-thanks.js');

/** Load comes from autocannon's own worker thread, so the generator's work is not billed to either app. */
function run(port: number, opts: { rate?: number; duration: number; connections: number }): Promise<autocannon.Result> {
  return autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: opts.connections,
    duration: opts.duration,
    overallRate: opts.rate,
    workers: 1,
    requests: [{ method: 'POST', path: '/slack/events', setupRequest: SETUP } as unknown as autocannon.Request],
  });
}

async function measure(name: string, port: number, drain: () => Promise<void>) {
  const warm = await run(port, { duration: 2, connections: CONNECTIONS }); // warm-up
  await drain();
  const started = Date.now();
  const cpuBefore = cpuNow();
  const t = await run(port, { duration: DURATION, connections: CONNECTIONS });
  const acked = Date.now();
  // The full app keeps working after each ack (posting, DMs): count that time too.
  await drain();
  const elapsed = (Date.now() - started) / 1000;
  const cpuAfter = cpuNow();
  if (process.env.BENCH_VERBOSE) console.log(`${name}: ${t.requests.total} acked in ${(acked - started) / 1000}s, drained ${(Date.now() - acked) / 1000}s later`);
  const ok = t.requests.total - t.non2xx - t.errors;
  const fixed = await run(port, { rate: 200, duration: DURATION, connections: 10 });
  await drain();
  return {
    name,
    acked: ok / ((acked - started) / 1000),
    throughput: ok / elapsed,
    non2xx: t.non2xx + t.errors,
    p50: fixed.latency.p50,
    p99: fixed.latency.p99,
    fixedRate: fixed.requests.average,
    // 2xx answers over all three runs (warm-up, full load, fixed rate).
    okAll: ok + warm.requests.total - warm.non2xx - warm.errors + fixed.requests.total - fixed.non2xx - fixed.errors,
    // CPU per request, its follow-up work included.
    cpuProcess: (cpuAfter.process - cpuBefore.process) / ok,
    cpuPostgres: cpuAfter.postgres === null || cpuBefore.postgres === null ? null : (cpuAfter.postgres - cpuBefore.postgres) / ok,
  };
}

async function main() {
  process.env.BENCH_SIGNING_SECRET = SIGNING_SECRET;
  const rig = await startRig({
    bare: (app) =>
      app.command('/thanks', async ({ ack }) => {
        await ack();
      }),
    durable: (app, write) =>
      app.command('/thanks', async ({ ack, body }) => {
        await write(body.trigger_id);
        await ack();
      }),
  });
  const { kudos, database } = rig;
  try {
    const baseline = await measure('bare Bolt (ack only)', rig.barePort, async () => undefined);
    const durable = await measure('durable Bolt (1 row)', rig.durablePort, async () => undefined);
    const stored = await durableRows(rig);
    const full = await measure('Kudos (Postgres)', kudos.port, () => kudos.background.idle());
    const count = await database.db.selectFrom('kudos').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const bareRatio = full.acked / baseline.acked;
    console.log('');
    for (const r of [baseline, durable, full]) {
      console.log(`${r.name.padEnd(22)} ${r.acked.toFixed(0).padStart(6)} /thanks acknowledged per s   p50 ${r.p50} ms   p99 ${r.p99} ms at ~${r.fixedRate.toFixed(0)} req/s   non-2xx ${r.non2xx}`);
    }
    for (const r of [baseline, durable, full]) {
      const pgCpu = r.cpuPostgres === null ? 'not readable here' : `${r.cpuPostgres.toFixed(2)} ms`;
      console.log(`${r.name.padEnd(22)} CPU per /thanks: this process ${r.cpuProcess.toFixed(2)} ms (all threads: app, load, fake Slack), Postgres ${pgCpu}`);
    }
    // Requests still in flight when a run stops are stored but not counted: at most one per connection per run.
    const inFlight = stored - durable.okAll;
    const storedOk = inFlight >= 0 && inFlight <= 3 * CONNECTIONS;
    console.log(
      `durable baseline: ${stored} rows stored for ${durable.okAll} acknowledged requests (+${inFlight} in flight when a run stopped; synchronous_commit = ${rig.synchronousCommit})${storedOk ? '' : '  MISMATCH'}`,
    );
    console.log(`Kudos, end to end (recorded, posted in the channel, recipients DMed): ${full.throughput.toFixed(0)} kudos/s`);
    console.log(`kudos recorded: ${Number(count.n) - rig.history} (on top of ${rig.history} of history)`);
    console.log('');
    console.log(`${''.padEnd(22)} ${'acks/s'.padStart(8)} ${'p99 at 200/s'.padStart(14)}`);
    for (const r of [baseline, durable, full]) console.log(`${r.name.padEnd(22)} ${r.acked.toFixed(0).padStart(8)} ${`${r.p99} ms`.padStart(14)}`);
    console.log(`${'Kudos / bare'.padEnd(22)} ${ratio(full.acked, baseline.acked).padStart(8)} ${ratio(full.p99, baseline.p99).padStart(14)}`);
    console.log(`${'Kudos / durable'.padEnd(22)} ${ratio(full.acked, durable.acked).padStart(8)} ${ratio(full.p99, durable.p99).padStart(14)}`);
    console.log('');
    console.log(`ack throughput ratio (Kudos / bare Bolt): ${bareRatio.toFixed(2)}  (target ≥ 0.5: ${bareRatio >= 0.5 ? 'met' : 'NOT met'})`);
    console.log(`ack throughput ratio (Kudos / durable Bolt): ${ratio(full.acked, durable.acked)}  (1.00 = as fast as a bot that only stores each request)`);
    console.log(`Kudos p99 ack latency at 200 req/s: ${full.p99} ms  (target < 100 ms: ${full.p99 < 100 ? 'met' : 'NOT met'})`);
  } finally {
    await rig.close();
  }
}

runMain(main);
