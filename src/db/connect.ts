import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PGliteDialect, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema';

export type DatabaseKind = 'postgres' | 'pglite';

export interface DatabaseHandle {
  readonly db: Kysely<Database>;
  readonly kind: DatabaseKind;
  /** Closes the pool (or the embedded database). */
  close(): Promise<void>;
}

export interface ConnectOptions {
  /** Postgres URL; when absent the embedded PGlite database is used. */
  url?: string;
  /** Directory for the embedded database; `memory://` for an in-memory one. */
  dataDir?: string;
  poolMax?: number;
  /** Postgres only: the schema every unqualified name resolves to (tests use one schema per file). */
  searchPath?: string;
  /** Postgres only: shows in pg_stat_activity (tests use it to find and cut their own connections). */
  applicationName?: string;
}

const DATE_OID = 1082;
const INT8_OID = 20;
const NUMERIC_OID = 1700;

// Dates stay 'YYYY-MM-DD' strings (a local day has no time zone); int8 (count(*), sum()) becomes a number on
// both drivers, so code written against one cannot hide a bug on the other. Values here stay far below 2^53.
const identity = (v: string): string => v;
const toNumber = (v: string): number => Number(v);

export async function connectDatabase(opts: ConnectOptions): Promise<DatabaseHandle> {
  if (opts.url) {
    const pool = new pg.Pool({
      connectionString: opts.url,
      max: opts.poolMax ?? 10,
      application_name: opts.applicationName ?? 'kudos',
      options: opts.searchPath ? `-c search_path=${opts.searchPath}` : undefined,
      types: {
        getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
          if (oid === DATE_OID) return identity;
          if (oid === INT8_OID || oid === NUMERIC_OID) return toNumber;
          return pg.types.getTypeParser(oid, format);
        }) as typeof pg.types.getTypeParser,
      },
    });
    // A client that loses its server (a restart, a terminated backend) emits 'error': the pool listens on idle
    // ones, but one checked out when it happens would take the process down. The query in flight fails and
    // is retried or answered by its caller; the broken client is discarded by the pool.
    pool.on('error', () => undefined);
    pool.on('connect', (client) => {
      client.on('error', () => undefined);
    });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, kind: 'postgres', close: () => db.destroy() };
  }
  const dir = opts.dataDir ?? './data';
  if (!dir.startsWith('memory://')) mkdirSync(dir, { recursive: true });
  const pglite = await PGlite.create(dir.startsWith('memory://') ? undefined : dir, {
    parsers: { [DATE_OID]: identity, [INT8_OID]: toNumber, [NUMERIC_OID]: toNumber },
  });
  const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) });
  return { db, kind: 'pglite', close: () => db.destroy() };
}
