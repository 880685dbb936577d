import type { KudosHandle } from '../kudos';
import type { Logger } from '../logger';

/** Ctrl-C under `npm start` reaches the app twice, from the terminal and from npm, ms apart: that is one request. */
const SAME_SIGNAL_WINDOW_MS = 1_000;

/**
 * `kudos serve`: migrates, then serves until a signal stops it.
 *
 * Signals are handled from the first line: the handlers are registered before the app's modules load (they
 * take a second or so). One during start-up (loading, migrations, waiting for Slack) stops start-up between
 * two steps and closes what it opened; one after start-up stops gracefully; another one while stopping exits
 * at once. This module imports nothing but types, so whoever calls serve() has it first.
 */
export function serve(): void {
  const startUp = new AbortController();
  let logger: Logger | undefined;
  let kudos: KudosHandle | undefined;
  let firstSignalAt: number | undefined;

  function onSignal(signal: NodeJS.Signals): void {
    if (firstSignalAt !== undefined) {
      if (Date.now() - firstSignalAt < SAME_SIGNAL_WINDOW_MS) return;
      logger?.warn({ signal }, 'second signal while stopping; exiting now');
      process.exit(1);
    }
    firstSignalAt = Date.now();
    logger?.info({ signal }, 'shutting down');
    if (kudos) stopRunning(kudos);
    else startUp.abort();
  }

  function stopRunning(running: KudosHandle): void {
    running.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger?.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  }

  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);

  async function main(): Promise<void> {
    // Loaded once the handlers are in place.
    const { configOrExplain } = await import('./config.js');
    const { createLogger } = await import('../logger.js');
    const config = configOrExplain();
    if (!config) return process.exit(1);
    const log = (logger = createLogger(config.logLevel, undefined, config.logFormat));
    log.info({ pid: process.pid }, 'starting');
    const { startKudos, StartAborted } = await import('../kudos.js');
    let started: KudosHandle;
    try {
      started = await startKudos({ config, logger: log, signal: startUp.signal });
    } catch (err) {
      if (!(err instanceof StartAborted)) throw err;
      log.info('stopped before start-up finished');
      process.exit(0);
    }
    kudos = started;
    // A signal that came as start-up finished (after its last check) stops the app it started.
    if (startUp.signal.aborted) stopRunning(started);
  }

  main().catch((err: unknown) => {
    process.stderr.write(`Kudos failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
