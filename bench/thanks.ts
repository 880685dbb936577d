/**
 * `npm run bench:thanks`: signed /thanks requests over HTTP against the full app on Postgres, and in the same
 * run against a bare Bolt app whose handler only acks. Prints both throughputs, their ratio, and p50/p99 ack
 * latency at a fixed 200 requests/s. Targets: ratio ≥ 0.5, p99 < 100 ms.
 *
 * Postgres: BENCH_DATABASE_URL, else TEST_DATABASE_URL, else the local server's `test` database.
 */
import path from 'node:path';
import autocannon from 'autocannon';
import { cpuNow, runMain, SIGNING_SECRET, startRig } from './support';

const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
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
  await run(port, { duration: 2, connections: CONNECTIONS }); // warm-up
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
    // CPU per request, its follow-up work included.
    cpuProcess: (cpuAfter.process - cpuBefore.process) / ok,
    cpuPostgres: cpuAfter.postgres === null || cpuBefore.postgres === null ? null : (cpuAfter.postgres - cpuBefore.postgres) / ok,
  };
}

async function main() {
  process.env.BENCH_SIGNING_SECRET = SIGNING_SECRET;
  const rig = await startRig((app) =>
    app.command('/thanks', async ({ ack }) => {
      await ack();
    }),
  );
  const { kudos, database } = rig;
  try {
    const baseline = await measure('bare Bolt (ack only)', rig.barePort, async () => undefined);
    const full = await measure('Kudos (Postgres)', kudos.port, () => kudos.background.idle());
    const count = await database.db.selectFrom('kudos').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const ratio = full.acked / baseline.acked;
    console.log('');
    for (const r of [baseline, full]) {
      console.log(`${r.name.padEnd(22)} ${r.acked.toFixed(0).padStart(6)} /thanks acknowledged per s   p50 ${r.p50} ms   p99 ${r.p99} ms at ~${r.fixedRate.toFixed(0)} req/s   non-2xx ${r.non2xx}`);
    }
    for (const r of [baseline, full]) {
      const pgCpu = r.cpuPostgres === null ? 'not readable here' : `${r.cpuPostgres.toFixed(2)} ms`;
      console.log(`${r.name.padEnd(22)} CPU per /thanks: this process ${r.cpuProcess.toFixed(2)} ms (all threads: app, load, fake Slack), Postgres ${pgCpu}`);
    }
    console.log(`Kudos, end to end (recorded, posted in the channel, recipients DMed): ${full.throughput.toFixed(0)} kudos/s`);
    console.log(`kudos recorded: ${Number(count.n) - rig.history} (on top of ${rig.history} of history)`);
    console.log(`ack throughput ratio (Kudos / bare Bolt): ${ratio.toFixed(2)}  (target ≥ 0.5: ${ratio >= 0.5 ? 'met' : 'NOT met'})`);
    console.log(`Kudos p99 ack latency at 200 req/s: ${full.p99} ms  (target < 100 ms: ${full.p99 < 100 ? 'met' : 'NOT met'})`);
  } finally {
    await rig.close();
  }
}

runMain(main);
