import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import { FileMigrationProvider, Migrator } from 'kysely/migration';
import pg from 'pg';
import { connectDatabase, type DatabaseHandle, type DatabaseKind } from '../../src/db/connect';
import { BASELINE, MIGRATIONS_DIR, migrateToLatest, migrationsPending, SQUASHED_CHAIN } from '../../src/db/migrate';
import { readLedgerSource } from '../../src/db/ledger/install';
import { testDatabases } from '../helpers/db';

/**
 * Start-up against databases in the states a developer may have: empty, migrated by the chain the baseline
 * squashed (adopted), or part-way through that chain (refused, saying what to do). Each case gets an empty
 * schema of its own: on Postgres a connection pool bound to it, on PGlite one instance whose search path moves.
 */
describe.each(testDatabases())('migrations from the baseline on %s', (kind: DatabaseKind) => {
  let pglite: DatabaseHandle | undefined;
  const opened: Array<{ handle: DatabaseHandle; schema: string }> = [];

  beforeAll(async () => {
    if (kind === 'pglite') pglite = await connectDatabase({ dataDir: 'memory://' });
  });
  afterAll(async () => {
    if (pglite) await pglite.close();
    for (const { handle, schema } of opened) {
      await handle.close();
      const c = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
      await c.connect();
      await c.query(`drop schema if exists ${schema} cascade`);
      await c.end();
    }
  });

  /** A new empty schema, current for the returned handle. */
  async function emptySchema(): Promise<{ db: Kysely<any>; kind: DatabaseKind; schema: string }> {
    const schema = `m_${randomBytes(6).toString('hex')}`;
    if (pglite) {
      await sql.raw(`create schema ${schema}`).execute(pglite.db);
      await sql.raw(`set search_path to ${schema}`).execute(pglite.db);
      return { db: pglite.db, kind, schema };
    }
    const url = process.env.TEST_DATABASE_URL!;
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.query(`create schema ${schema}`);
    await c.end();
    const handle = await connectDatabase({ url, searchPath: schema, poolMax: 4 });
    opened.push({ handle, schema });
    return { db: handle.db, kind, schema };
  }

  /**
   * A database as the squashed chain left it: the baseline's schema (the same, as compared with pg_dump when
   * squashing), the chain's migrations recorded (all of them, or the first `count`), and the ledger functions
   * of the time, with their positional signatures.
   */
  async function migratedBeforeTheSquash(db: Kysely<any>, schema: string, count: number = SQUASHED_CHAIN.length): Promise<string[]> {
    const migrator = new Migrator({
      db,
      provider: new FileMigrationProvider({ fs, path, migrationFolder: MIGRATIONS_DIR }),
      migrationTableSchema: schema,
    });
    const { error } = await migrator.migrateTo(BASELINE);
    if (error) throw error;
    const stamps = SQUASHED_CHAIN.slice(0, count).map((_, i) => new Date(Date.UTC(2026, 10, 1 + i)).toISOString());
    await sql`delete from kysely_migration`.execute(db);
    await sql`insert into kysely_migration (name, timestamp) select * from unnest(${SQUASHED_CHAIN.slice(0, count)}::text[], ${stamps}::text[])`.execute(db);
    await sql`create function kudos_revoke(p_workspace int, p_id int, p_by int, p_reason text, p_at timestamptz) returns text language sql as $$ select 'old' $$`.execute(db);
    await sql`create function inbox_mark_processed(p_ids bigint[], p_at timestamptz) returns void language sql as $$ select $$`.execute(db);
    return stamps;
  }

  const functionsIn = async (db: Kysely<any>, schema: string): Promise<string[]> =>
    (
      await sql<{ f: string }>`
        select p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')' as f
        from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname = ${schema} order by 1`.execute(db)
    ).rows.map((r) => r.f);

  const recorded = async (db: Kysely<any>): Promise<Array<{ name: string; timestamp: string }>> =>
    (await sql<{ name: string; timestamp: string }>`select name, timestamp from kysely_migration order by timestamp, name`.execute(db)).rows;

  it('builds an empty database from the baseline, then installs the ledger; a second start changes nothing', async () => {
    const { db, kind, schema } = await emptySchema();
    const first = await migrateToLatest(db, kind);
    expect(first.applied[0]).toBe(BASELINE);
    expect(first).toMatchObject({ adopted: false, ledgerInstalled: true });
    expect(await migrationsPending(db)).toBe(0);
    expect((await functionsIn(db, schema)).map((f) => f.replace(/\(.*/, '')).sort()).toEqual(readLedgerSource().functions);

    expect(await migrateToLatest(db, kind)).toEqual({ applied: [], adopted: false, ledgerInstalled: false });
  });

  it('adopts a database migrated by the whole squashed chain: recorded as at the baseline, old functions replaced', async () => {
    const { db, kind, schema } = await emptySchema();
    const stamps = await migratedBeforeTheSquash(db, schema);

    const outcome = await migrateToLatest(db, kind);
    expect(outcome.adopted).toBe(true);
    expect(outcome.ledgerInstalled).toBe(true);
    expect(outcome.applied).not.toContain(BASELINE);

    const rows = await recorded(db);
    // The baseline, dated like the chain's last migration, then whatever came after it (applied just now).
    expect(rows[0]).toEqual({ name: BASELINE, timestamp: stamps[stamps.length - 1] });
    expect(rows.map((r) => r.name)).toEqual([BASELINE, ...outcome.applied]);
    expect(rows.some((r) => (SQUASHED_CHAIN as readonly string[]).includes(r.name))).toBe(false);
    expect(await migrationsPending(db)).toBe(0);

    // The positional functions of the time are gone; each ledger function takes one jsonb record.
    const fns = await functionsIn(db, schema);
    expect(fns).not.toContain('kudos_revoke(p_workspace integer, p_id integer, p_by integer, p_reason text, p_at timestamp with time zone)');
    expect(fns).toContain('kudos_revoke(p_revoke jsonb)');
    expect(fns).toContain('inbox_mark_processed(p_deliveries jsonb)');
    expect(fns).toHaveLength(readLedgerSource().functions.length);
    const { rows: revoke } = await sql<{ s: string }>`select kudos_revoke('{"workspace": 1, "id": 1}'::jsonb) as s`.execute(db);
    expect(revoke[0].s).toBe('not_found');

    // And it starts again like any other database.
    expect(await migrateToLatest(db, kind)).toEqual({ applied: [], adopted: false, ledgerInstalled: false });
  });

  it('refuses a database that stopped part-way through the squashed chain, saying what to do, and leaves it as it was', async () => {
    const { db, kind, schema } = await emptySchema();
    await migratedBeforeTheSquash(db, schema, 5);
    const before = await recorded(db);

    await expect(migrateToLatest(db, kind)).rejects.toThrow(/0007_home, .*0014_record_many were never applied[\s\S]*squashed into 0001_baseline[\s\S]*Start the earlier version/);
    expect(await recorded(db)).toEqual(before);
    expect(await functionsIn(db, schema)).toContain('kudos_revoke(p_workspace integer, p_id integer, p_by integer, p_reason text, p_at timestamp with time zone)');
  });
});
