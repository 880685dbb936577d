import { App, LogLevel } from '@slack/bolt';
import type { ExtendedErrorHandlerArgs } from '@slack/bolt/dist/App';
import type { Kysely } from 'kysely';
import type { Clock } from '../core/clock';
import type { CoreDeps } from '../core/give';
import { publishLeftovers, sendDueDms } from '../core/publish';
import type { CampaignsPort } from '../core/home';
import type { ChannelVisibilityPort } from '../core/wall';
import { Secrets } from '../core/secrets';
import type { Database, WorkspaceRow } from '../db/schema';
import type { Config, SlackConfig } from '../config';
import type { Logger } from '../logger';
import type { Background } from '../server/background';
import { Inbox } from '../server/inbox';
import type { SchedulerDeps } from '../jobs/scheduler';
import { SlackApi, slackDispatcher } from './api';
import type { SlackContext } from './context';
import { boltLogger } from './bolt-logger';
import { tellPerson } from './respond';
import { KudosReceiver, type HttpReply } from './receiver';
import * as giveButton from './listeners/give-button';
import * as giveModal from './listeners/give-modal';
import * as giveShortcut from './listeners/give-shortcut';
import * as reactions from './listeners/reactions';
import * as lifecycle from './listeners/lifecycle';
import * as thanksCommand from './listeners/thanks-command';
import type { SlackHome, SlackHomeOptions } from './home';
import * as adminDigest from './listeners/admin-digest';
import * as appHome from './listeners/app-home';
import * as teams from './listeners/teams';
import * as settingsForms from './listeners/settings';
import * as dataRequests from './listeners/data';
import * as wall from './listeners/wall';
import { PostgresInstallationStore } from './installation-store';
import { InstalledWorkspaces } from './installed-workspaces';
import { authorization, CONTEXT_KEY, SingleWorkspace, type SharedParts, type SlackWorkspaces } from './workspaces';
import { SlackJobPoster } from './job-poster';

export interface SlackAdapterOptions {
  config: SlackConfig;
  db: Kysely<Database>;
  logger: Logger;
  clock: Clock;
  background: Background;
  campaignKeyAt?: CoreDeps['campaignKeyAt'];
  /** Injected waiting for Slack's Retry-After (tests record instead of waiting). */
  sleep?: (ms: number) => Promise<void>;
  /** Delay between auth.test attempts while Slack is unreachable at start-up. */
  identityRetryMs?: number;
  sweepIntervalMs?: number;
  /** How often teams due for the daily read of their members are looked for (default hourly). */
  teamRefreshIntervalMs?: number;
  dmFlushIntervalMs?: number;
  /** KUDOS_ADMINS: seeds the admin list on first start and always counts as admins. */
  seedAdmins?: readonly string[];
  /** The running campaign and a person's challenge progress, for the App Home. */
  campaigns?: CampaignsPort;
  /** The app's job scheduler, so "Post digest now" claims runs exactly as it does. */
  scheduler?: () => SchedulerDeps | undefined;
  /** UNINSTALL_GRACE_DAYS: how long an uninstalled workspace's data is kept ("Add to Slack" mode). */
  uninstallGraceDays?: number;
  /** KUDOS_ENCRYPTION_KEY (and earlier keys): "Add to Slack" installations' tokens are sealed with it. */
  encryption?: Config['encryption'];
  /** PUBLIC_URL: the address of the Kudos Wall's links. */
  publicUrl?: string;
  /** App Home refresh debounce, and a replacement renderer (benchmarks). */
  home?: Pick<SlackHomeOptions, 'refreshDelayMs' | 'render'> & { tickMs?: number };
}

/**
 * The Slack adapter: one Bolt app, one receiver, the listeners, and the workspaces it serves: one (SLACK_BOT_TOKEN)
 * or any number installed with "Add to Slack" (SLACK_CLIENT_ID). Each request is resolved to its workspace before
 * anything is processed (a workspace that is not installed gets a 401 that Slack does not retry), and listeners
 * receive that workspace's context, with its own token, through Bolt's per-request context.
 */
export class SlackAdapter {
  readonly app: App;
  readonly receiver: KudosReceiver;
  /** "Add to Slack" installations (several-workspace mode only). */
  readonly installations: PostgresInstallationStore | undefined;
  private readonly workspaces: SlackWorkspaces;
  private readonly inbox: Inbox;
  /** Who a payload's workspace is, resolved once per request (the receiver's check, then Bolt's authorize). */
  private readonly resolved = new WeakMap<object, SlackContext>();
  private readonly single: SingleWorkspace | undefined;
  private readonly shared: SharedParts;
  private stopped = false;
  private timers: NodeJS.Timeout[] = [];

  constructor(private readonly opts: SlackAdapterOptions) {
    const { config, logger } = opts;
    const homeOptions: SlackHomeOptions = { seedAdmins: opts.seedAdmins, campaigns: opts.campaigns, publicUrl: opts.publicUrl, ...opts.home };
    // KUDOS_ADMINS names the admins of the one workspace; with Add to Slack each workspace's admins are its own.
    const home = config.botToken ? homeOptions : { ...homeOptions, seedAdmins: [] };
    this.shared = { db: opts.db, clock: opts.clock, logger, background: opts.background, campaignKeyAt: opts.campaignKeyAt, home };
    const now = () => opts.clock().getTime();
    if (config.botToken) {
      // HTTPS_PROXY / HTTP_PROXY / NO_PROXY for the Web API and response_url posts alike.
      const api = new SlackApi({ token: config.botToken, apiUrl: config.apiUrl, logger, sleep: opts.sleep, proxy: config.proxy, now });
      this.single = new SingleWorkspace(this.shared, api, { seedAdmins: opts.seedAdmins, identityRetryMs: opts.identityRetryMs });
      this.workspaces = this.single;
    } else {
      if (!config.oauth || !opts.encryption) throw new Error('Slack needs SLACK_BOT_TOKEN, or SLACK_CLIENT_ID with KUDOS_ENCRYPTION_KEY');
      this.installations = new PostgresInstallationStore(opts.db, Secrets.fromText(opts.encryption.key, opts.encryption.previous));
      // The shared dispatcher is closed with the adapter (each workspace's client leaves it open).
    this.workspaces = new InstalledWorkspaces(this.shared, {
        store: this.installations,
        oauth: config.oauth,
        apiUrl: config.apiUrl,
        dispatcher: slackDispatcher(config.proxy),
        sleep: opts.sleep,
        graceDays: opts.uninstallGraceDays ?? 30,
      });
    }
    this.inbox = new Inbox({ db: opts.db, clock: opts.clock, logger, platform: 'slack' });
    this.receiver = new KudosReceiver({
      signingSecret: config.signingSecret,
      appToken: config.appToken,
      apiUrl: config.apiUrl,
      ackTimeoutMs: config.ackTimeoutMs,
      logger,
      background: opts.background,
      now,
      hooks: {
        ready: () => this.workspaces.ready(),
        accepts: (body) => {
          const found = this.contextFor(body);
          return found instanceof Promise ? found.then((ctx) => !!ctx) : !!found;
        },
        storeEvent: async (body) => {
          const ctx = await this.contextFor(body);
          const id = await this.inbox.store(String(body.event_id), ctx?.workspace().id ?? null, body);
          return id === undefined ? { stored: false } : { stored: true, id };
        },
        processStoredEvent: (id, body, retry) => this.processStored(id, body, retry),
        answerLate: async (body, response) => {
          const ctx = await this.contextFor(body);
          if (ctx) await tellPerson(ctx, { responseUrl: stringOr(body.response_url), userId: String(body.user_id ?? '') }, response);
        },
      },
    });
    this.app = new App({
      receiver: this.receiver,
      // The workspace was resolved when the request arrived (or is again, for an event from the inbox).
      authorize: async (_source, body) => {
        const ctx = body ? await this.contextFor(body as Record<string, unknown>) : undefined;
        if (!ctx) throw new Error('a Slack request for a workspace Kudos is not installed in');
        return authorization(ctx);
      },
      logger: boltLogger(logger),
      logLevel: LogLevel.WARN,
      extendedErrorHandler: true,
      // Bolt's conversation store is not used; without it no lookup (and no thrown 'not found') per request.
      convoStore: false,
      clientOptions: { slackApiUrl: config.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true },
    });
    // Log with context, then rethrow so the receiver knows the listener failed (an event stays in the inbox).
    const onError = async ({ error, body }: ExtendedErrorHandlerArgs): Promise<void> => {
      const b = body as Record<string, unknown> | undefined;
      logger.error({ err: error, type: b?.type ?? (b?.command ? 'command' : undefined) }, 'Slack listener error');
      throw error;
    };
    this.app.error(onError as never);
    // Bolt does not authorize app_uninstalled and tokens_revoked (the token may be gone already); their listeners
    // still get the workspace they are about.
    this.app.use(async ({ context, body, next }) => {
      if (!(CONTEXT_KEY in context)) {
        const ctx = await this.contextFor(body as Record<string, unknown>);
        if (ctx) Object.assign(context, authorization(ctx));
      }
      await next();
    });
    thanksCommand.register(this.app);
    giveModal.register(this.app);
    giveButton.register(this.app);
    giveShortcut.register(this.app);
    reactions.register(this.app);
    lifecycle.register(this.app);
    appHome.register(this.app);
    teams.register(this.app);
    settingsForms.register(this.app);
    adminDigest.register(this.app, { scheduler: opts.scheduler });
    dataRequests.register(this.app);
    wall.register(this.app, { publicUrl: opts.publicUrl });
  }

  /**
   * Gets ready to serve (one workspace: who the bot is, from auth.test), connects Socket Mode if configured,
   * picks up events a crash left unfinished, then keeps sweeping for them and sending batched DMs.
   */
  async start(): Promise<void> {
    await this.workspaces.start();
    if (this.stopped) return;
    await this.receiver.start();
    await this.sweepInbox();
    await this.publishLeftovers();
    const every = (ms: number, label: string, work: () => Promise<unknown>) => {
      const t = setInterval(() => this.opts.background.run(label, work), ms);
      t.unref();
      this.timers.push(t);
    };
    every(this.opts.sweepIntervalMs ?? 60_000, 'sweep slack inbox', async () => {
      await this.sweepInbox();
      await this.publishLeftovers();
      await this.purgeExpired();
    });
    every(this.opts.dmFlushIntervalMs ?? 15_000, 'send batched DMs', () => this.flushDms());
    every(this.opts.home?.tickMs ?? 5_000, 'refresh app homes', () => this.flushHomes());
    // Teams' members are read again once a day; each run reads only the teams due (claimed, so replicas share them).
    every(this.opts.teamRefreshIntervalMs ?? 60 * 60_000, 'refresh teams', () => this.refreshTeams());
  }

  /** Reads again the members of teams (user groups) last read a day ago or more (also run on a timer). */
  refreshTeams(): Promise<number> {
    if (!this.workspaces.ready()) return Promise.resolve(0);
    return teams.refreshStaleTeams({ forWorkspace: (ws) => this.workspaces.forWorkspace(ws), db: this.opts.db, clock: this.opts.clock, logger: this.opts.logger });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await this.receiver.stop();
    await this.workspaces.stop();
  }

  /** Publishes kudos an earlier stop left unposted or half-posted (also run on a timer), in the workspaces that have some. */
  async publishLeftovers(): Promise<number> {
    let done = 0;
    for (const ctx of await this.workspaces.toSweep('leftovers')) {
      const found = await publishLeftovers(ctx.core(), ctx.workspace());
      if (found.published || found.found) this.opts.logger.info({ ...found, workspace: ctx.workspace().external_id }, 'published kudos left over by an earlier stop');
      done += found.published + found.found;
    }
    return done;
  }

  /** Sends recipient DMs whose batch is due (also run on a timer). */
  async flushDms(): Promise<number> {
    let sent = 0;
    for (const ctx of await this.workspaces.toSweep('dms')) sent += await sendDueDms(ctx.core(), ctx.workspace());
    return sent;
  }

  /** Deletes workspaces whose grace period after an uninstall is over (also run on the sweep timer). */
  purgeExpired(): Promise<number> {
    return this.workspaces.purgeExpired();
  }

  isReady(): boolean {
    return this.workspaces.ready();
  }

  /** What keeps Slack from working, for /readyz: not connected yet, or the token refused. Undefined when fine. */
  problem(): string | undefined {
    return this.workspaces.problem();
  }

  /** Scheduled posts (digest, campaigns) for the workspaces served here, each with its own token. */
  jobPoster(): SlackJobPoster {
    return new SlackJobPoster({
      serves: (ws) => this.workspaces.ready() && this.workspaces.serves(ws),
      apiFor: async (ws) => (await this.workspaces.forWorkspace(ws))?.api,
      logger: this.opts.logger,
    });
  }

  /** The one workspace (one-workspace mode). */
  workspace(): WorkspaceRow {
    return this.only().workspace();
  }

  /** The one workspace's Web API client (one-workspace mode). */
  get api(): SlackApi {
    return this.only().api;
  }

  /** The one workspace's App Homes (one-workspace mode). */
  get home(): SlackHome {
    return this.only().home;
  }

  /** Whether channels of `ws` are public (the Kudos Wall), asked with that workspace's token. */
  wallChannels(): ChannelVisibilityPort {
    const warned = { scope: false };
    return async (ws, ids) => {
      const ctx = await this.workspaces.forWorkspace(ws);
      return ctx ? wall.slackChannelVisibility(ctx.api, this.opts.logger, warned)(ws, ids) : new Map();
    };
  }

  /** The context for a workspace (tests, the command line); undefined when it is not served here. */
  contextForWorkspace(ws: WorkspaceRow): Promise<SlackContext | undefined> {
    return this.workspaces.forWorkspace(ws);
  }

  handleHttp(headers: import('node:http').IncomingHttpHeaders, rawBody: Buffer): Promise<HttpReply> {
    return this.receiver.handleHttp(headers, rawBody);
  }

  /** Re-processes events that were stored and acknowledged but never finished (a crash, a failure). */
  async sweepInbox(): Promise<number> {
    if (!this.workspaces.ready()) return 0;
    return this.inbox.sweep((body) => this.processEvent(body as Record<string, unknown>, {}));
  }

  private only(): SlackContext {
    const ctx = this.single ? [...this.single.recent()][0] : undefined;
    if (!ctx) throw new Error(this.single ? 'Slack workspace not known yet' : 'Kudos serves several Slack workspaces here: ask for one with contextForWorkspace');
    return ctx;
  }

  /** The payload's workspace, once per payload: at once when it is known without a database read. */
  private contextFor(body: Record<string, unknown>): SlackContext | undefined | Promise<SlackContext | undefined> {
    const known = this.resolved.get(body);
    if (known) return known;
    const found = this.workspaces.forPayload(body);
    const remember = (ctx: SlackContext | undefined) => {
      if (ctx) this.resolved.set(body, ctx);
      return ctx;
    };
    return found instanceof Promise ? found.then(remember) : remember(found);
  }

  private async flushHomes(): Promise<void> {
    for (const ctx of this.workspaces.recent()) await ctx.home.flushDue();
  }

  private async processStored(id: number, body: Record<string, unknown>, retry: { num?: number; reason?: string }): Promise<void> {
    await this.inbox.process(id, () => this.processEvent(body, retry));
  }

  private processEvent(body: Record<string, unknown>, retry: { num?: number; reason?: string }): Promise<void> {
    return this.app.processEvent({ body, ack: async () => undefined, retryNum: retry.num, retryReason: retry.reason });
  }
}

function stringOr(v: unknown): string | undefined {
  return typeof v === 'string' && v ? v : undefined;
}
