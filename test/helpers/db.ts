import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { connectDatabase, type DatabaseHandle, type DatabaseKind } from '../../src/db/connect';
import { migrateToLatest } from '../../src/db/migrate';

/**
 * Database tests run on embedded PGlite always, and on real Postgres too when TEST_DATABASE_URL is set.
 * Each test file gets its own Postgres schema (or its own PGlite), so files run in parallel.
 */
export function testDatabases(): DatabaseKind[] {
  return process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
}

export interface TestDb extends DatabaseHandle {
  /** The URL and schema an app instance can connect to (Postgres only). */
  url?: string;
  schema?: string;
  /** Empties every table between tests (but those in `keep`, e.g. a running app's workspace). */
  reset(opts?: { keep?: string[] }): Promise<void>;
  /** Postgres only: terminates every server connection of this test's pool, as a server restart would. */
  cutConnections?(): Promise<number>;
}

const TABLES_SQL = sql<{ tablename: string }>`select tablename from pg_tables where schemaname = current_schema() and tablename not like 'kysely_%'`;

/**
 * The test file's database on `kind`: created before its tests, emptied before each one (before the file's
 * own beforeEach runs), closed after them. Use it like the TestDb it stands for, inside tests and hooks.
 */
export function useTestDb(kind: DatabaseKind): TestDb {
  let real: TestDb | undefined;
  beforeAll(async () => {
    real = await createTestDb(kind);
  });
  afterAll(() => real?.close());
  beforeEach(() => current().reset());
  const current = (): TestDb => {
    if (!real) throw new Error('the test database is only there inside tests and their hooks');
    return real;
  };
  return new Proxy({} as TestDb, {
    get: (_, key) => {
      const value = Reflect.get(current(), key) as unknown;
      return typeof value === 'function' ? value.bind(current()) : value;
    },
  });
}

export async function createTestDb(kind: DatabaseKind): Promise<TestDb> {
  if (kind === 'pglite') {
    const handle = await connectDatabase({ dataDir: 'memory://' });
    await migrateToLatest(handle.db, handle.kind);
    return { ...handle, reset: (o) => truncateAll(handle, o?.keep) };
  }
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_DATABASE_URL is not set');
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const handle = await connectDatabase({ url, searchPath: schema, poolMax: 20, applicationName: schema });
  await migrateToLatest(handle.db, handle.kind);
  return {
    ...handle,
    url,
    schema,
    reset: (o) => truncateAll(handle, o?.keep),
    cutConnections: async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      const r = await c.query('select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1', [schema]);
      await c.end();
      return r.rowCount ?? 0;
    },
    close: async () => {
      await handle.close();
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`drop schema if exists ${schema} cascade`);
      await c.end();
    },
  };
}

async function truncateAll(handle: DatabaseHandle, keep: string[] = []): Promise<void> {
  const { rows: all } = await TABLES_SQL.execute(handle.db);
  const rows = all.filter((r) => !keep.includes(r.tablename));
  if (!rows.length) return;
  await sql.raw(`truncate ${rows.map((r) => `"${r.tablename}"`).join(', ')} restart identity${keep.length ? '' : ' cascade'}`).execute(handle.db);
}
