import { loadConfig } from '../config';
import { createLogger } from '../logger';
import { connectDatabase } from './connect';
import { migrateToLatest } from './migrate';

/** `npm run migrate`: applies pending migrations, installs the ledger's functions if they changed, and exits. */
async function run(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const handle = await connectDatabase({ url: config.databaseUrl, dataDir: config.dataDir, poolMax: 2 });
  try {
    const { applied, adopted, ledgerInstalled } = await migrateToLatest(handle.db, handle.kind);
    if (adopted) logger.info({ database: handle.kind }, 'database migrated before the squash adopted as at the baseline');
    logger.info(
      { applied, ledgerInstalled, database: handle.kind },
      applied.length || ledgerInstalled ? 'migrations applied' : 'database already up to date',
    );
  } finally {
    await handle.close();
  }
}

run().catch((err: unknown) => {
  process.stderr.write(`Migration failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
