/**
 * `npm run bench:digest`: bulk-loads 10,000 people and 1,000,000 kudos (a year of them, with recipients,
 * values, pile-ons and revocations) into a fresh Postgres schema with `generate_series`, then times building
 * the latest week's digest against the single aggregate a hand-written weekly report would run ("who was
 * thanked most this week", with the week's range on both tables as the schema intends, which also gives it
 * the better plan), in the same run, on the same data. Prints the load time, both timings (median of
 * several runs after a warm-up) and their ratio. Targets: digest < 200 ms and ≤ 2× the raw query.
 *
 * The people are in teams (kudos between teams): BENCH_TEAMS teams (40; 0 for none), one person in ten in two
 * teams and one in twelve in none, so the digest also counts the kudos that crossed team lines.
 *
 * Postgres: BENCH_DATABASE_URL, else TEST_DATABASE_URL, else the local server's `test` database.
 * BENCH_KEEP=1 keeps the schema afterwards (its name is printed).
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { buildDigest } from '../src/core/digest';
import { DEFAULT_SETTINGS } from '../src/core/settings';
import { DEFAULT_VALUES } from '../src/core/values';
import { connectDatabase } from '../src/db/connect';
import type { Database } from '../src/db/schema';
import { migrateToLatest } from '../src/db/migrate';
import { upsertWorkspace } from '../src/db/queries/workspaces';
import { latestDigestPeriod } from '../src/jobs/digest-job';
import { loadYearOfKudos } from './ledger-load';

const url = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const PEOPLE = Number(process.env.BENCH_PEOPLE ?? 10_000);
const KUDOS = Number(process.env.BENCH_KUDOS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const TEAMS = Number(process.env.BENCH_TEAMS ?? 40);
const TARGET_MS = 200;
const TARGET_RATIO = 2;

async function main(): Promise<void> {
  const schema = `bench_digest_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  // Loading a year of kudos takes longer than a served request may: the bulk statements get ten minutes.
  const handle = await connectDatabase({ url, searchPath: schema, poolMax: 10, timeouts: { connectMs: 5_000, queryMs: 600_000, idleMs: 10_000 } });
  const { db } = handle;
  try {
    await migrateToLatest(db, handle.kind);
    const ws = await upsertWorkspace(db, { platform: 'slack', externalId: 'TBENCH', name: 'Bench' }, DEFAULT_VALUES);
    const now = new Date();

    const loadStarted = performance.now();
    await loadYearOfKudos(db, ws.id, now, { people: PEOPLE, kudos: KUDOS });
    if (TEAMS > 0) await loadTeams(db, ws.id, now, TEAMS);
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
    const ct = sample.crossTeam;
    console.log(
      `teams             ${TEAMS}${ct?.share != null ? `: ${Math.round(ct.share * 100)}% of ${ct.pairs} thanks crossed team lines, most between ${ct.topPair?.a} and ${ct.topPair?.b} (${ct.topPair?.count})` : ''}`,
    );
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

/**
 * `count` teams (like Slack user groups marked as teams), each person in one of them, one in ten in a second one,
 * one in twelve in none.
 */
async function loadTeams(db: Kysely<Database>, workspaceId: number, now: Date, count: number): Promise<void> {
  await sql`
    insert into team (workspace_id, platform_key, name, handle, marked_at, members_refreshed_at)
    select ${workspaceId}, 'S' || lpad(g::text, 6, '0'), 'Team ' || g, 'team-' || g, ${now}, ${now}
    from generate_series(1, ${count}) g`.execute(db);
  await sql`
    insert into team_member (team_id, person_id, workspace_id)
    select t.id, m.person_id, ${workspaceId}
    from (
      select p.id as person_id, 1 + (p.id * 7) % ${count} as n from person p where p.workspace_id = ${workspaceId} and p.id % 12 <> 0
      union
      select p.id, 1 + (p.id * 7 + 13) % ${count} from person p where p.workspace_id = ${workspaceId} and p.id % 10 = 3
    ) m
    join team t on t.workspace_id = ${workspaceId} and t.platform_key = 'S' || lpad(m.n::text, 6, '0')`.execute(db);
  for (const t of ['team', 'team_member']) await sql`vacuum analyze ${sql.table(t)}`.execute(db);
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
