import { promises as fs } from 'node:fs';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import { FileMigrationProvider, Migrator } from 'kysely/migration';
import { installLedger } from './ledger/install';
import type { Database } from './schema';

/** migrations/ sits beside src/ both in the source tree and in dist/. */
export const MIGRATIONS_DIR = path.resolve(__dirname, '../../migrations');

export interface MigrationOutcome {
  applied: string[];
  /** The database held an earlier chain of migrations (see adoptSquashedChain) and now counts as at the baseline. */
  adopted: boolean;
  /** The ledger's functions were (re)installed from src/db/ledger: they had changed, or were not there yet. */
  ledgerInstalled: boolean;
}

// Replicas may all start at once: one Postgres advisory lock serialises their migrators.
const MIGRATION_LOCK_ID = 741_852_963;

/** The baseline migration, and the chain it squashed (0.1.0 before the squash; there was never a 0006). */
export const BASELINE = '0001_baseline';
export const SQUASHED_CHAIN = [
  '0001_initial',
  '0002_ledger_functions',
  '0003_digest',
  '0004_teams',
  '0005_reactions',
  '0007_home',
  '0008_drop_redundant_recipient_index',
  '0009_dm_outbox_recipient_index',
  '0010_home_opened',
  '0011_recipient_position',
  '0012_ledger_procedures',
  '0013_reactions_settle_inbox',
  '0014_record_many',
] as const;

/**
 * Kysely looks for its bookkeeping tables in every schema unless told which one: another schema holding them
 * (a second app, a parallel test) would make it skip creating its own. So name the current schema.
 *
 * Migrations run in name order and only append: a database that has a later migration but not an
 * earlier-named one is an error, not something to catch up on.
 */
async function migratorFor(db: Kysely<Database>): Promise<{ migrator: Migrator; schema: string }> {
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  const schema = rows[0]?.schema ?? 'public';
  const files = new FileMigrationProvider({ fs, path, migrationFolder: MIGRATIONS_DIR });
  const migrator = new Migrator({
    db,
    // A dist/ built before the squash still holds the chain's compiled files (tsc deletes nothing): never run them.
    provider: {
      getMigrations: async () =>
        Object.fromEntries(Object.entries(await files.getMigrations()).filter(([name]) => !(SQUASHED_CHAIN as readonly string[]).includes(name))),
    },
    migrationTableSchema: schema,
    allowUnorderedMigrations: false,
  });
  return { migrator, schema };
}

/**
 * Applies pending migrations, then installs the ledger's functions from src/db/ledger/*.sql (when they
 * changed). A database migrated by the chain the baseline squashed is adopted first.
 */
export async function migrateToLatest(db: Kysely<Database>, kind: 'postgres' | 'pglite'): Promise<MigrationOutcome> {
  const run = async (): Promise<MigrationOutcome> => {
    const { migrator, schema } = await migratorFor(db);
    const adopted = await adoptSquashedChain(db, schema);
    const { error, results } = await migrator.migrateToLatest();
    if (error) {
      const failed = results?.find((r) => r.status === 'Error')?.migrationName;
      throw new Error(`Migration ${failed ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
      });
    }
    const { installed } = await installLedger(db);
    return {
      applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName),
      adopted,
      ledgerInstalled: installed,
    };
  };
  if (kind === 'pglite') return run();
  // Kysely's own Postgres adapter already takes a transaction-scoped advisory lock; the session lock here also
  // covers the time before its lock table exists, the adoption and the ledger's installation.
  return db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK_ID})`.execute(conn);
    try {
      return await run();
    } finally {
      await sql`select pg_advisory_unlock(${MIGRATION_LOCK_ID})`.execute(conn);
    }
  });
}

/**
 * A database migrated before the squash (every migration of SQUASHED_CHAIN applied, e.g. a developer's
 * embedded ./data) has exactly the baseline's schema: its record of those migrations is replaced by one of
 * the baseline, dated like the last of them, so later migrations still follow it. Migrations applied after
 * the chain keep their records. The ledger's functions are replaced by the installation that follows.
 *
 * A database with only part of the chain cannot be brought to the baseline from here: it is refused, with
 * what to do. Returns whether the database was adopted.
 */
export async function adoptSquashedChain(db: Kysely<Database>, schema: string): Promise<boolean> {
  const table = sql.table(`${schema}.kysely_migration`);
  const { rows: exists } = await sql<{ found: boolean }>`
    select to_regclass(${`"${schema}".kysely_migration`}) is not null as found
  `.execute(db);
  if (!exists[0]?.found) return false;
  return db.transaction().execute(async (trx) => {
    const { rows } = await sql<{ name: string; timestamp: string }>`select name, timestamp from ${table} for update`.execute(trx);
    const squashed = rows.filter((r) => (SQUASHED_CHAIN as readonly string[]).includes(r.name));
    if (!squashed.length) return false;
    if (squashed.length < SQUASHED_CHAIN.length) {
      const missing = SQUASHED_CHAIN.filter((n) => !squashed.some((r) => r.name === n));
      throw new Error(
        `This database was migrated by an earlier version of Kudos and stopped part-way: migrations ${missing.join(', ')} ` +
          `were never applied to it. Those migrations have since been squashed into ${BASELINE}, which can only ` +
          `take over a database that applied all of them. Start the earlier version (0.1.0 before the squash, ` +
          `e.g. \`git checkout 2e5c707 && npm run migrate\`) once against this database so it applies them, then ` +
          `start this version again; or, if its data can go, remove it (the DATA_DIR directory of the embedded ` +
          `database, or drop and recreate the Postgres database) and start afresh.`,
      );
    }
    const latest = squashed.reduce((a, b) => (new Date(a.timestamp).getTime() >= new Date(b.timestamp).getTime() ? a : b));
    await sql`delete from ${table} where name = any(${squashed.map((r) => r.name)}::text[])`.execute(trx);
    await sql`insert into ${table} (name, timestamp) values (${BASELINE}, ${latest.timestamp})`.execute(trx);
    return true;
  });
}

/** How many migrations on disk are not applied yet (/readyz wants 0). */
export async function migrationsPending(db: Kysely<Database>): Promise<number> {
  const { migrator } = await migratorFor(db);
  const all = await migrator.getMigrations();
  return all.filter((m) => !m.executedAt).length;
}
