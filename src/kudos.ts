import { sql } from 'kysely';
import type { Config } from './config';
import { activeCampaignAt, campaignKeyAt, challengeProgress } from './core/campaigns';
import { systemClock, type Clock } from './core/clock';
import { connectDatabase, type DatabaseHandle } from './db/connect';
import { migrateToLatest, migrationsPending } from './db/migrate';
import type { Logger } from './logger';
import type { UseCaseDeps } from './core/ports';
import { Background } from './server/background';
import { ExportRoute } from './server/export-route';
import { WallRoute } from './server/wall-route';
import { teamsChannelVisibility } from './teams/handlers/wall';
import { HttpServer } from './server/http';
import { readiness } from './server/readiness';
import { SlackAdapter } from './slack/app';
import { TeamsAdapter } from './teams/app';
import { SlackInstallRoutes } from './slack/oauth';
import { BOT_SCOPES } from './slack/scopes';
import { Jobs } from './jobs/jobs';
import type { JobPoster } from './jobs/ports';
import type { TickSummary } from './jobs/scheduler';
import { TeamsJobPoster } from './teams/job-poster';

export interface StartOptions {
  config: Config;
  logger: Logger;
  clock?: Clock;
  /** Use this database instead of connecting from config (tests pass a prepared schema). */
  database?: DatabaseHandle;
  /** How waiting for Slack's Retry-After is done (tests record instead). */
  sleep?: (ms: number) => Promise<void>;
  /**
   * Stops start-up midway (a SIGTERM before it finished): looked at between steps, never in the middle of a
   * migration. When it aborts, what was opened so far is closed and startKudos rejects with StartAborted.
   */
  signal?: AbortSignal;
}

/** startKudos was stopped by its `signal` before start-up finished; everything it had opened is closed. */
export class StartAborted extends Error {
  override name = 'StartAborted';
  constructor() {
    super('start-up was stopped before it finished');
  }
}

export interface KudosHandle {
  port: number;
  database: DatabaseHandle;
  background: Background;
  slack: SlackAdapter | undefined;
  teams: TeamsAdapter | undefined;
  jobs: Jobs;
  /** Runs one scheduler tick now (at `now`, else the clock's time); the minute timer does the same. */
  runJobsNow(now?: Date): Promise<TickSummary>;
  /** Graceful stop: the scheduler, HTTP (draining requests in flight), background work, adapters, then the pool. */
  stop(): Promise<void>;
}

/**
 * The composition root as a function, so the real app runs the same way from main.ts and from the
 * end-to-end tests: config → database → migrations → adapters → one HTTP server.
 */
export async function startKudos(opts: StartOptions): Promise<KudosHandle> {
  const { config, logger, signal } = opts;
  const clock = opts.clock ?? systemClock;
  // Closers for what start-up has opened so far, run newest first if `signal` stops it between two steps.
  const opened: Array<() => unknown> = [];
  const stopIfAborted = async (): Promise<void> => {
    if (!signal?.aborted) return;
    for (const close of opened.reverse()) {
      await Promise.resolve()
        .then(close)
        .catch((err: unknown) => logger.error({ err }, 'closing after an interrupted start-up failed'));
    }
    throw new StartAborted();
  };

  await stopIfAborted();
  const database =
    opts.database ??
    (await connectDatabase({
      url: config.databaseUrl,
      dataDir: config.dataDir,
      poolMax: config.databasePoolMax,
      timeouts: config.databaseTimeouts,
      onLockTakeover: (message) => logger.warn(message),
    }));
  const ownsDatabase = !opts.database;
  if (ownsDatabase) opened.push(() => database.close());
  await stopIfAborted();
  // Each migration runs in a transaction and is never interrupted: the signal is looked at once they are done.
  const migrated = await migrateToLatest(database.db, database.kind);
  if (migrated.adopted) logger.info('adopted a database created before the migrations were squashed into one baseline');
  if (migrated.applied.length) logger.info({ applied: migrated.applied }, 'migrations applied');
  if (migrated.ledgerInstalled) logger.info('ledger functions installed from src/db/ledger');
  const where = database.kind === 'postgres' ? 'postgres' : ownsDatabase ? `embedded (${config.dataDir})` : 'embedded';
  logger.info({ database: where }, 'database ready');
  await stopIfAborted();

  const background = new Background(logger);
  const slack = config.slack
    ? new SlackAdapter({ config: config.slack, db: database.db, logger, clock, background, sleep: opts.sleep, campaignKeyAt, encryption: config.encryption, uninstallGraceDays: config.uninstallGraceDays, publicUrl: config.publicUrl,
        // The App Home: admins named by the operator, campaign progress, and "Post digest now" through the scheduler below.
        seedAdmins: config.seedAdmins, campaigns: { activeCampaignAt, challengeProgress }, scheduler: () => jobs.deps })
    : undefined;
  const teams = config.teams
    ? new TeamsAdapter({ config: config.teams, db: database.db, logger, clock, background, seedAdmins: config.seedAdmins, campaignKeyAt, publicUrl: config.publicUrl })
    : undefined;
  // A person's own kudos through the short-lived links `export` sends in Teams.
  const exportLink = teams ? new ExportRoute({ db: database.db, logger, clock }) : undefined;
  // The Kudos Wall (GET /wall/<token>), for Slack and Teams alike: each workspace's channels are judged public by its platform's adapter.
  const slackChannels = slack?.wallChannels();
  const teamsChannels = teams ? teamsChannelVisibility(database.db) : undefined;
  const wall = new WallRoute({ db: database.db, logger, clock, channels: (ws) => (ws.platform === 'slack' ? slackChannels : teamsChannels) });
  // "Add to Slack" (several-workspace mode): the install page and Slack's redirect back, into the same store.
  const slackInstall =
    slack?.installations && config.slack?.oauth
      ? new SlackInstallRoutes({ config: config.slack.oauth, apiUrl: config.slack.apiUrl, store: slack.installations, db: database.db, logger, clock, scopes: BOT_SCOPES, proxy: config.proxy })
      : undefined;
  opened.push(
    () => slackInstall?.close(),
    () => slack && stopWithin(slack.stop(), SLACK_STOP_WAIT_MS),
    () => background.drain(config.shutdownTimeoutMs),
    () => teams?.stop(),
    () => wall.close(),
  );
  if (!config.slack && !config.teams) {
    logger.warn('Neither Slack nor Teams is configured: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN), SLACK_CLIENT_ID for several Slack workspaces, or MICROSOFT_APP_ID; see .env.example and the README sections "Creating the Slack app" and "Microsoft Teams". Health endpoints are up.');
  }

  const http = new HttpServer(
    {
      health: async () => json(200, { status: 'ok' }),
      // Each check answers within READINESS_TIMEOUT_MS, so a partitioned database gives a prompt 503.
      ready: () =>
        readiness({
          database: async () => {
            await sql`select 1`.execute(database.db);
            return undefined;
          },
          migrations: async () => ((await migrationsPending(database.db)) === 0 ? undefined : 'migrations are pending'),
          ...(slack ? { slack: () => slack.problem() } : {}),
        }),
      slack,
      slackInstall,
      exportLink,
      wall,
      teams,
    },
    logger,
  );
  const port = await http.listen(config.port, config.host);
  logger.info({ port }, 'listening');
  opened.push(() => http.stop(config.shutdownTimeoutMs));
  // Teams activities left unfinished by a crash are handled again (the inbox keeps them).
  await teams?.start().catch((err: unknown) => logger.error({ err }, 'Teams inbox sweep failed'));
  await stopIfAborted();

  // Slack start-up (auth.test, Socket Mode) may wait for Slack to be reachable; HTTP is up meanwhile.
  const slackStarted = slack?.start().catch((err: unknown) => {
    logger.fatal({ err }, 'Slack could not start');
    throw err;
  });
  if (slackStarted) await Promise.race([slackStarted, new Promise((r) => setTimeout(r, 10_000).unref()), whenAborted(signal)]);
  // Stopped while Slack was still starting: that start-up ends with the adapter, and a failure is already logged.
  if (signal?.aborted) slackStarted?.catch(() => undefined);
  await stopIfAborted();

  // Scheduled posts (digest, campaigns): each platform that is configured posts for its own workspaces.
  const posters: JobPoster[] = [];
  if (slack) posters.push(slack.jobPoster());
  if (teams) posters.push(new TeamsJobPoster(teams.ctx));
  const jobs = new Jobs({
    db: database.db,
    posters,
    clock,
    logger,
    graceHours: config.jobGraceHours,
    // Scheduled work that acts like a person would (the nightly erasure of people who left redraws their posts).
    useCaseDeps: async (ws): Promise<UseCaseDeps | undefined> => (ws.platform === 'slack' ? (await slack?.contextForWorkspace(ws))?.core() : teams?.backgroundDeps()),
  });
  if (config.schedulerEnabled) jobs.start(background);

  let stopping: Promise<void> | undefined;
  return {
    port,
    database,
    background,
    slack,
    teams,
    jobs,
    runJobsNow: (now) => jobs.runNow(now),
    stop: () =>
      (stopping ??= (async () => {
        logger.info('stopping');
        await jobs.stop();
        teams?.stop();
        // Open walls' streams end (their pages reconnect to another replica) before HTTP drains.
        wall.close();
        await http.stop(config.shutdownTimeoutMs);
        // Work that could not start in time goes back to its durable queue for the next process.
        await background.stop(config.shutdownTimeoutMs);
        if (slack) await stopWithin(slack.stop(), SLACK_STOP_WAIT_MS);
        await slackInstall?.close();
        if (ownsDatabase) await database.close();
        logger.info('stopped');
      })()),
  };
}

/**
 * Stopping Slack waits for its calls in flight; one stuck (start-up waiting on an auth.test that Slack does not
 * answer) would hold an interrupted start-up for as long as the HTTP timeout, so that wait is cut short.
 */
const SLACK_STOP_WAIT_MS = 2_000;

function stopWithin(stopping: Promise<void>, ms: number): Promise<void> {
  return Promise.race([stopping, new Promise<void>((r) => setTimeout(r, ms).unref())]);
}

/** Resolves when `signal` aborts (at once if it already has); never without one. */
function whenAborted(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) resolve();
    else signal?.addEventListener('abort', () => resolve(), { once: true });
  });
}

function json(status: number, body: unknown) {
  return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}
