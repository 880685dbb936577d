import { loadConfig } from '../../src/config';
import { startKudos, type KudosHandle } from '../../src/kudos';
import { createLogger, type Logger } from '../../src/logger';
import type { TestDb } from './db';
import type { FakeSlack } from './fake-slack';
import { SIGNING_SECRET } from './slack-requests';

export interface TestApp {
  kudos: KudosHandle;
  url: string;
  /** Every wait the app asked for (Slack's Retry-After), instead of waiting. */
  sleeps: number[];
  stop(): Promise<void>;
}

/**
 * Starts the real app on an ephemeral port against the fake Slack API, on a test database (or, without one,
 * on whatever the env says, e.g. an embedded database in DATA_DIR that the app opens and closes itself).
 */
export async function startTestApp(opts: {
  db?: TestDb;
  /** Without a fake Slack API, Slack is left unconfigured (Teams-only tests pass Teams settings in `env`). */
  fake?: FakeSlack;
  clock?: () => Date;
  env?: Record<string, string>;
  /** Instead of the silent test logger (tests that check what the app logs). */
  logger?: Logger;
}): Promise<TestApp> {
  const slackEnv: Record<string, string> = opts.fake
    ? { SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: opts.fake.apiUrl }
    : {};
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    ...slackEnv,
    SCHEDULER_ENABLED: 'false',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    SHUTDOWN_TIMEOUT_MS: '2000',
    ...(opts.env ?? {}),
  });
  const sleeps: number[] = [];
  const kudos = await startKudos({
    config,
    logger: opts.logger ?? createLogger(config.logLevel),
    clock: opts.clock,
    database: opts.db,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
  return { kudos, url: `http://127.0.0.1:${kudos.port}`, sleeps, stop: () => kudos.stop() };
}
