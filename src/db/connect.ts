import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PGliteDialect, PostgresDialect } from 'kysely';
import pg from 'pg';
import { withDeadline } from '../deadline';
import { acquireDataDirLock } from './data-dir-lock';
import { EMBEDDED_CONF, fillFromTemplate, tuneForEmbedded } from './embedded';
import type { Database } from './schema';

export { DataDirLocked } from './data-dir-lock';

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
  /** Postgres only: how long waits may last before a connection is given up (see DatabaseTimeouts). */
  timeouts?: Partial<DatabaseTimeouts>;
  /** Embedded only: what this process is, for the message a second opener of the directory gets. */
  role?: string;
  /** Embedded only: told when a lock left by a process that is gone is taken over (default: standard error). */
  onLockTakeover?: (message: string) => void;
}

/**
 * Postgres only. A connection the network has silently lost (a partition, a NAT that forgot it) looks alive
 * until something times out, so every wait is bounded:
 * - `connectMs`: getting a connection (a new one, or a turn at the pool) fails after this long;
 * - `queryMs`: a statement with no answer after this long fails, and its connection is destroyed (it is
 *   dead or hopelessly slow) so that no later query waits behind it; the server cancels its own copy of a
 *   statement a little earlier (statement_timeout), and ends a transaction left idle by a lost client;
 * - `idleMs`: idle connections are closed after this long, so the pool holds few that may have died unseen.
 * TCP keepalive is on at both ends, so the kernel notices a dead peer too.
 */
export interface DatabaseTimeouts {
  connectMs: number;
  queryMs: number;
  idleMs: number;
}

export const DEFAULT_TIMEOUTS: DatabaseTimeouts = { connectMs: 5_000, queryMs: 15_000, idleMs: 10_000 };

const DATE_OID = 1082;
const INT8_OID = 20;
const NUMERIC_OID = 1700;

// Dates stay 'YYYY-MM-DD' strings (a local day has no time zone); int8 (count(*), sum()) becomes a number on
// both drivers, so code written against one cannot hide a bug on the other. Values here stay far below 2^53.
const identity = (v: string): string => v;
const toNumber = (v: string): number => Number(v);

export async function connectDatabase(opts: ConnectOptions): Promise<DatabaseHandle> {
  if (opts.url) {
    const t = { ...DEFAULT_TIMEOUTS, ...opts.timeouts };
    // Settings the URL itself carries (`?options=-c …`) are kept, ours after them: pg would otherwise let the
    // URL's replace ours whole.
    const url = new URL(opts.url);
    const fromUrl = url.searchParams.get('options') ?? '';
    url.searchParams.delete('options');
    const serverSide = [
      fromUrl,
      opts.searchPath ? `-c search_path=${opts.searchPath}` : '',
      `-c statement_timeout=${Math.max(t.queryMs - 500, 100)}`,
      `-c idle_in_transaction_session_timeout=${Math.max(t.queryMs * 2, 10_000)}`,
      '-c tcp_keepalives_idle=30 -c tcp_keepalives_interval=10 -c tcp_keepalives_count=3',
    ];
    const pool = new pg.Pool({
      connectionString: url.toString(),
      max: opts.poolMax ?? 10,
      application_name: opts.applicationName ?? 'kudos',
      options: serverSide.filter(Boolean).join(' '),
      connectionTimeoutMillis: t.connectMs,
      idleTimeoutMillis: t.idleMs,
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
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
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new GuardedPool(pool, t.queryMs) as unknown as pg.Pool }) });
    return { db, kind: 'postgres', close: () => db.destroy() };
  }
  const dir = opts.dataDir ?? './data';
  const inMemory = dir.startsWith('memory://');
  if (!inMemory) mkdirSync(dir, { recursive: true });
  // One process per directory (data-dir-lock.ts): a second opener refuses here, before PGlite touches a file.
  const lock = inMemory ? undefined : acquireDataDirLock(dir, { role: opts.role, onTakeover: opts.onLockTakeover });
  let pglite: PGlite;
  if (!inMemory) {
    tuneForEmbedded();
    // A fresh directory starts as a copy of the build's template instead of running initdb (embedded.ts).
    fillFromTemplate(dir);
  }
  try {
    pglite = await PGlite.create(inMemory ? undefined : dir, {
      parsers: { [DATE_OID]: identity, [INT8_OID]: toNumber, [NUMERIC_OID]: toNumber },
      // A small database's settings (embedded.ts).
      postgresqlconf: EMBEDDED_CONF,
    });
  } catch (err) {
    lock?.release();
    throw err;
  }
  const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) });
  return {
    db,
    kind: 'pglite',
    close: async () => {
      try {
        await db.destroy();
      } finally {
        lock?.release();
      }
    },
  };
}

/** Raised for a statement that had no answer in time; its connection is destroyed, not reused. */
export class QueryTimeoutError extends Error {
  override name = 'QueryTimeoutError';
  readonly code = 'KUDOS_QUERY_TIMEOUT';
  constructor(ms: number) {
    super(`the database did not answer within ${ms} ms`);
  }
}

/**
 * The pool as Kysely sees it, with every statement bounded: a statement with no answer within `queryMs` fails
 * with QueryTimeoutError, its connection's socket is destroyed, and the client is released as broken, so the
 * pool replaces it. (pg's own query_timeout leaves the client waiting for the lost answer, and the pool would
 * hand that client to the next request.) The other connections open at that moment are retired too, as they
 * come out of the pool: after a partition they are as dead as the one that showed it, and each would
 * otherwise cost a request a full timeout to find out.
 */
class GuardedPool {
  /** One wrapper per pooled client, so Kysely keeps one connection object (and its backend pid) per client. */
  private readonly wrappers = new WeakMap<pg.PoolClient, GuardedClient>();
  private born = 0;
  /** Clients born before this were open when a statement went unanswered: they are replaced, not reused. */
  private retireBefore = 0;

  constructor(
    private readonly pool: pg.Pool,
    private readonly queryMs: number,
  ) {}

  get options(): object {
    return this.pool.options;
  }

  get Client(): unknown {
    return (this.pool as unknown as { Client?: unknown }).Client;
  }

  async connect(): Promise<GuardedClient> {
    for (;;) {
      const client = await this.pool.connect();
      let wrapper = this.wrappers.get(client);
      if (!wrapper) {
        wrapper = new GuardedClient(client, this.queryMs, this.born++, () => {
          this.retireBefore = this.born;
        });
        this.wrappers.set(client, wrapper);
      }
      // A connection that shared the network with one that went silent has likely died the same way.
      if (wrapper.born < this.retireBefore) {
        client.release(true);
        continue;
      }
      wrapper.broken = undefined;
      return wrapper;
    }
  }

  end(): Promise<void> {
    return this.pool.end();
  }
}

class GuardedClient {
  broken: Error | undefined;

  constructor(
    private readonly client: pg.PoolClient,
    private readonly queryMs: number,
    readonly born: number,
    private readonly onTimeout: () => void,
  ) {}

  get processID(): number | undefined {
    return (this.client as unknown as { processID?: number }).processID;
  }

  query(text: unknown, values?: unknown): Promise<unknown> {
    const running = (this.client.query as (t: unknown, v?: unknown) => Promise<unknown>).call(this.client, text, values);
    return withDeadline(running, this.queryMs, () => {
      this.broken = new QueryTimeoutError(this.queryMs);
      this.onTimeout();
      (this.client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
      return this.broken;
    });
  }

  release(destroy?: boolean): void {
    this.client.release(this.broken ?? (destroy ? true : undefined));
  }
}
