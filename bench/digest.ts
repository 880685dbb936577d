/**
 * `npm run bench:digest`: bulk-loads 10,000 people and 1,000,000 kudos (a year of them, with recipients,
 * values, pile-ons and revocations) into a fresh Postgres schema with `generate_series`, then times building
 * the latest week's digest against the single aggregate a hand-written weekly report would run ("who was
 * thanked most this week", with the week's range on both tables as the schema intends, which also gives it
 * the better plan), in the same run, on the same data. Prints the load time, both timings (median of
 * several runs after a warm-up) and their ratio. Targets: digest < 200 ms and ≤ 2× the raw query.
 *
 * Postgres: BENCH_DATABASE_URL, else TEST_DATABASE_URL, else the local server's `test` database.
 * BENCH_KEEP=1 keeps the schema afterwards (its name is printed).
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import pg from 'pg';
import { buildDigest } from '../src/core/digest';
import { DEFAULT_SETTINGS } from '../src/core/settings';
import { DEFAULT_VALUES } from '../src/core/values';
import { connectDatabase } from '../src/db/connect';
import { migrateToLatest } from '../src/db/migrate';
import { upsertWorkspace } from '../src/db/queries/workspaces';
import { latestDigestPeriod } from '../src/jobs/digest-job';
import { loadYearOfKudos } from './ledger-load';

const url = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const PEOPLE = Number(process.env.BENCH_PEOPLE ?? 10_000);
const KUDOS = Number(process.env.BENCH_KUDOS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const TARGET_MS = 200;
const TARGET_RATIO = 2;

async function main(): Promise<void> {
  const schema = `bench_digest_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  const handle = await connectDatabase({ url, searchPath: schema, poolMax: 10 });
  const { db } = handle;
  try {
    await migrateToLatest(db, handle.kind);
    const ws = await upsertWorkspace(db, { platform: 'slack', externalId: 'TBENCH', name: 'Bench' }, DEFAULT_VALUES);
    const now = new Date();

    const loadStarted = performance.now();
    await loadYearOfKudos(db, ws.id, now, { people: PEOPLE, kudos: KUDOS });
    const loadMs = performance.now() - loadStarted;

    const settings = DEFAULT_SETTINGS.digest;
    const period = latestDigestPeriod(settings, 'UTC', now);
    const digest = () => buildDigest(db, ws, period, settings);
    const raw = () =>
      sql`
        select p.display_name, count(*) as kudos
        from kudos k
        join kudos_recipient r on r.kudos_id = k.id
        join person p on p.id = r.recipient_id
        where k.workspace_id = ${ws.id} and k.created_at >= ${period.start} and k.created_at < ${period.end}
          and k.revoked_at is null
          and r.workspace_id = ${ws.id} and r.created_at >= ${period.start} and r.created_at < ${period.end}
        group by p.id, p.display_name
        order by kudos desc
        limit 10`.execute(db);

    const sample = await digest();
    const [digestMs, rawMs] = await medians(digest, raw);
    const ratio = digestMs / rawMs;

    console.log(`schema            ${schema}${process.env.BENCH_KEEP ? ' (kept)' : ''}`);
    console.log(`loaded            ${PEOPLE.toLocaleString('en')} people, ${KUDOS.toLocaleString('en')} kudos in ${(loadMs / 1000).toFixed(1)} s`);
    console.log(`week              ${period.start.toISOString()} – ${period.end.toISOString()}: ${sample.totals.kudos} thanks, ${sample.totals.participants} people, ${sample.firstTimers.total} first-timers, ${sample.stories.length} stories`);
    console.log(`digest build      ${digestMs.toFixed(1)} ms (median of ${RUNS}, timed alternately)`);
    console.log(`raw aggregate     ${rawMs.toFixed(1)} ms (median of ${RUNS})`);
    console.log(`ratio             ${ratio.toFixed(2)}x`);
    const ok = digestMs < TARGET_MS && ratio <= TARGET_RATIO;
    console.log(`targets           digest < ${TARGET_MS} ms and ≤ ${TARGET_RATIO}x raw: ${ok ? 'met' : 'NOT met'}`);
    if (!ok) process.exitCode = 1;
  } finally {
    await handle.close();
    if (!process.env.BENCH_KEEP) await admin.query(`drop schema ${schema} cascade`);
    await admin.end();
  }
}


/** Medians of both, timed alternately after a warm-up, so a change in the machine's load hits both alike. */
async function medians(a: () => Promise<unknown>, b: () => Promise<unknown>): Promise<[number, number]> {
  for (let i = 0; i < 3; i++) {
    await a();
    await b();
  }
  const ta: number[] = [];
  const tb: number[] = [];
  const time = async (fn: () => Promise<unknown>, into: number[]) => {
    const t = performance.now();
    await fn();
    into.push(performance.now() - t);
  };
  for (let i = 0; i < RUNS; i++) {
    await time(a, ta);
    await time(b, tb);
  }
  const mid = (xs: number[]) => xs.sort((x, y) => x - y)[Math.floor(xs.length / 2)];
  return [mid(ta), mid(tb)];
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
