import { connectDatabase } from '../db/connect';
import { migrateToLatest } from '../db/migrate';
import { createLogger } from '../logger';
import { configOrExplain } from './config';

/** `kudos migrate`: applies pending migrations, installs the ledger's functions if they changed, and exits. */
export async function migrateMain(): Promise<number> {
  const config = configOrExplain();
  if (!config) return 1;
  const logger = createLogger(config.logLevel, undefined, config.logFormat);
  try {
    const handle = await connectDatabase({ url: config.databaseUrl, dataDir: config.dataDir, poolMax: 2, timeouts: config.databaseTimeouts, onLockTakeover: (message) => logger.warn(message) });
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
  } catch (err) {
    process.stderr.write(`Migration failed: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  return 0;
}
