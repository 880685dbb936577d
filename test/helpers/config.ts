import { ConfigError, loadConfig } from '../../src/config';

/** The message start-up stops with for this environment; fails the test when the configuration is accepted. */
export function configFailure(env: NodeJS.ProcessEnv): string {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('loadConfig accepted the configuration');
}
