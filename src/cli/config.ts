import { ConfigError, loadConfig, type Config } from '../config';

/** The app's configuration for a command; a bad one is explained on standard error and gives undefined. */
export function configOrExplain(): Config | undefined {
  try {
    return loadConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    return undefined;
  }
}
