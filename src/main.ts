import { ConfigError, loadConfig } from './config';
import { startKudos } from './kudos';
import { createLogger } from './logger';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  const kudos = await startKudos({ config, logger });
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    kudos.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`Kudos failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
