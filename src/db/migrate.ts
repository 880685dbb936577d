import { promises as fs } from 'node:fs';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import { FileMigrationProvider, Migrator } from 'kysely/migration';
import type { Database } from './schema';

/** migrations/ sits beside src/ both in the source tree and in dist/. */
export const MIGRATIONS_DIR = path.resolve(__dirname, '../../migrations');

export interface MigrationOutcome {
  applied: string[];
}

// Replicas may all start at once: one Postgres advisory lock serialises their migrators.
const MIGRATION_LOCK_ID = 741_852_963;

/**
 * Kysely looks for its bookkeeping tables in every schema unless told which one: another schema holding them
 * (a second app, a parallel test) would make it skip creating its own. So name the current schema.
 */
async function migratorFor(db: Kysely<Database>): Promise<Migrator> {
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  return new Migrator({
    db,
    provider: new FileMigrationProvider({ fs, path, migrationFolder: MIGRATIONS_DIR }),
    migrationTableSchema: rows[0]?.schema ?? 'public',
    // Migrations are independent of each other's order; a database that has a later one but not an
    // earlier-named one (work merged in a different order) still gets the missing one.
    allowUnorderedMigrations: true,
  });
}

export async function migrateToLatest(db: Kysely<Database>, kind: 'postgres' | 'pglite'): Promise<MigrationOutcome> {
  const migrator = await migratorFor(db);
  const run = async (): Promise<MigrationOutcome> => {
    const { error, results } = await migrator.migrateToLatest();
    if (error) {
      const failed = results?.find((r) => r.status === 'Error')?.migrationName;
      throw new Error(`Migration ${failed ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
      });
    }
    return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
  };
  if (kind === 'pglite') return run();
  // Kysely's own Postgres adapter already takes a transaction-scoped advisory lock; the session lock here also
  // covers the time before its lock table exists.
  return db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK_ID})`.execute(conn);
    try {
      return await run();
    } finally {
      await sql`select pg_advisory_unlock(${MIGRATION_LOCK_ID})`.execute(conn);
    }
  });
}

/** How many migrations on disk are not applied yet (/readyz wants 0). */
export async function migrationsPending(db: Kysely<Database>): Promise<number> {
  const migrator = await migratorFor(db);
  const all = await migrator.getMigrations();
  return all.filter((m) => !m.executedAt).length;
}
