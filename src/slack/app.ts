import { App, LogLevel } from '@slack/bolt';
import type { ExtendedErrorHandlerArgs } from '@slack/bolt/dist/App';
import type { Kysely } from 'kysely';
import type { Clock } from '../core/clock';
import type { CoreDeps } from '../core/give';
import { publishLeftovers, sendDueDms } from '../core/publish';
import { seedAdmins, slackSeedAdmins } from '../core/admin';
import type { CampaignsPort } from '../core/home';
import { connectWorkspace } from '../core/workspaces';
import type { Database, WorkspaceRow } from '../db/schema';
import type { SlackConfig } from '../config';
import type { Logger } from '../logger';
import type { Background } from '../server/background';
import { Inbox } from '../server/inbox';
import type { SchedulerDeps } from '../jobs/scheduler';
import { AUTH_FAILURES, SlackApi, SlackCallError } from './api';
import type { SlackContext } from './context';
import { SlackDirectory } from './directory';
import { boltLogger } from './bolt-logger';
import { tellPerson } from './respond';
import { belongsTo, fetchIdentity, workspaceKey, type SlackIdentity } from './identity';
import { KudosReceiver, type HttpReply } from './receiver';
import * as giveButton from './listeners/give-button';
import * as giveModal from './listeners/give-modal';
import * as giveShortcut from './listeners/give-shortcut';
import * as reactions from './listeners/reactions';
import * as lifecycle from './listeners/lifecycle';
import * as thanksCommand from './listeners/thanks-command';
import { SlackHome, type SlackHomeOptions } from './home';
import * as adminDigest from './listeners/admin-digest';
import * as appHome from './listeners/app-home';
import * as settingsForms from './listeners/settings';
import { SlackNotifier } from './notifier';

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
  dmFlushIntervalMs?: number;
  /** KUDOS_ADMINS: seeds the admin list on first start and always counts as admins. */
  seedAdmins?: readonly string[];
  /** The running campaign and a person's challenge progress, for the App Home. */
  campaigns?: CampaignsPort;
  /** The app's job scheduler, so "Post digest now" claims runs exactly as it does. */
  scheduler?: () => SchedulerDeps | undefined;
  /** App Home refresh debounce, and a replacement renderer (benchmarks). */
  home?: Pick<SlackHomeOptions, 'refreshDelayMs' | 'render'> & { tickMs?: number };
}

/** Errors that mean the token itself is wrong: retrying cannot help, the operator must act. */
const FATAL_AUTH = new Set([...AUTH_FAILURES, 'no_permission']);

export class SlackAdapter {
  readonly api: SlackApi;
  readonly app: App;
  readonly receiver: KudosReceiver;
  readonly ctx: SlackContext;
  /** The App Home: publishing, debounced refreshes after kudos, admin checks. */
  readonly home: SlackHome;
  private readonly inbox: Inbox;
  private identity: SlackIdentity | undefined;
  private ws: WorkspaceRow | undefined;
  private stopped = false;
  private timers: NodeJS.Timeout[] = [];

  constructor(private readonly opts: SlackAdapterOptions) {
    const { config, logger } = opts;
    // HTTPS_PROXY / HTTP_PROXY / NO_PROXY for the Web API and response_url posts alike.
    this.api = new SlackApi({ token: config.botToken, apiUrl: config.apiUrl, logger, sleep: opts.sleep, proxy: config.proxy });
    const directory = new SlackDirectory(this.api);
    const notifier = new SlackNotifier({ api: this.api, logger });
    this.inbox = new Inbox({ db: opts.db, clock: opts.clock, logger, platform: 'slack' });
    const self = this;
    this.ctx = {
      db: opts.db,
      api: this.api,
      directory,
      notifier,
      clock: opts.clock,
      logger,
      background: opts.background,
      workspace: () => self.workspace(),
      botUserId: () => self.requireIdentity().botUserId,
      identity: () => self.requireIdentity(),
      core: () => ({ db: opts.db, directory, notifier, clock: opts.clock, campaignKeyAt: opts.campaignKeyAt }),
    };
    this.receiver = new KudosReceiver({
      signingSecret: config.signingSecret,
      appToken: config.appToken,
      apiUrl: config.apiUrl,
      ackTimeoutMs: config.ackTimeoutMs,
      logger,
      background: opts.background,
      now: () => opts.clock().getTime(),
      hooks: {
        ready: () => !!this.ws,
        accepts: (body) => !!this.identity && belongsTo(body, this.identity),
        storeEvent: async (body) => {
          const id = await this.inbox.store(String(body.event_id), this.ws?.id ?? null, body);
          return id === undefined ? { stored: false } : { stored: true, id };
        },
        processStoredEvent: (id, body, retry) => this.processStored(id, body, retry),
        answerLate: async (body, response) => {
          await tellPerson(this.ctx, { responseUrl: stringOr(body.response_url), userId: String(body.user_id ?? '') }, response);
        },
      },
    });
    this.app = new App({
      receiver: this.receiver,
      // The token is known, so a fixed authorize answers Bolt without an auth.test of its own at construction.
      authorize: async () => {
        const id = this.requireIdentity();
        return {
          botToken: config.botToken,
          botUserId: id.botUserId,
          botId: id.botId ?? undefined,
          teamId: id.teamId ?? undefined,
          enterpriseId: id.enterpriseId ?? undefined,
        };
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
    thanksCommand.register(this.app, this.ctx);
    giveModal.register(this.app, this.ctx);
    giveButton.register(this.app, this.ctx);
    giveShortcut.register(this.app, this.ctx);
    reactions.register(this.app, this.ctx);
    lifecycle.register(this.app, this.ctx);
    this.home = new SlackHome(this.ctx, { seedAdmins: opts.seedAdmins, campaigns: opts.campaigns, ...opts.home });
    this.ctx.homes = this.home;
    appHome.register(this.app, this.ctx, this.home);
    settingsForms.register(this.app, this.ctx, this.home);
    adminDigest.register(this.app, this.ctx, this.home, { scheduler: opts.scheduler });
  }

  /**
   * Finds out who the bot is (auth.test), records the workspace, connects Socket Mode if configured, picks up
   * events a crash left unfinished, then keeps sweeping for them and sending batched DMs.
   */
  async start(): Promise<void> {
    await this.resolveIdentity();
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
    });
    every(this.opts.dmFlushIntervalMs ?? 15_000, 'send batched DMs', () => this.flushDms());
    every(this.opts.home?.tickMs ?? 5_000, 'refresh app homes', () => this.home.flushDue());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    this.home.cancelPending();
    await this.receiver.stop();
    await this.api.close();
  }

  /** Publishes kudos an earlier stop left unposted or half-posted (also run on a timer). */
  async publishLeftovers(): Promise<number> {
    if (!this.ws) return 0;
    const done = await publishLeftovers(this.ctx.core(), this.ws);
    if (done.published || done.found) this.opts.logger.info(done, 'published kudos left over by an earlier stop');
    return done.published + done.found;
  }

  /** Sends recipient DMs whose batch is due (also run on a timer). */
  flushDms(): Promise<number> {
    return this.ws ? sendDueDms(this.ctx.core(), this.ws) : Promise.resolve(0);
  }

  isReady(): boolean {
    return !!this.ws;
  }

  /** What keeps Slack from working, for /readyz: not connected yet, or the token refused. Undefined when fine. */
  problem(): string | undefined {
    if (this.api.tokenRefused) return `Slack refuses the bot token (${this.api.tokenRefused})`;
    if (!this.ws) return 'not connected to Slack yet';
    return undefined;
  }

  workspace(): WorkspaceRow {
    if (!this.ws) throw new Error('Slack workspace not known yet');
    return this.ws;
  }

  handleHttp(headers: import('node:http').IncomingHttpHeaders, rawBody: Buffer): Promise<HttpReply> {
    return this.receiver.handleHttp(headers, rawBody);
  }

  /** Re-processes events that were stored and acknowledged but never finished (a crash, a failure). */
  async sweepInbox(): Promise<number> {
    if (!this.ws) return 0;
    return this.inbox.sweep((body) => this.processEvent(body as Record<string, unknown>, {}));
  }

  private async processStored(id: number, body: Record<string, unknown>, retry: { num?: number; reason?: string }): Promise<void> {
    await this.inbox.process(id, () => this.processEvent(body, retry));
  }

  private processEvent(body: Record<string, unknown>, retry: { num?: number; reason?: string }): Promise<void> {
    return this.app.processEvent({ body, ack: async () => undefined, retryNum: retry.num, retryReason: retry.reason });
  }

  /** KUDOS_ADMINS into the admin list, the first time (it shows in the App Home and the audit log). */
  private async seedAdminList(): Promise<void> {
    const seeds = slackSeedAdmins(this.opts.seedAdmins ?? []);
    if (!this.ws || !seeds.length) return;
    try {
      if (await seedAdmins(this.opts.db, this.ws.id, seeds)) this.opts.logger.info({ count: seeds.length }, 'admin list seeded from KUDOS_ADMINS');
    } catch (err) {
      this.opts.logger.warn({ err }, 'could not seed the admin list');
    }
  }

  private requireIdentity(): SlackIdentity {
    if (!this.identity) throw new Error('Slack identity not known yet');
    return this.identity;
  }

  private async resolveIdentity(): Promise<void> {
    for (;;) {
      try {
        this.identity = await fetchIdentity(this.api);
        this.ws = await connectWorkspace(this.opts.db, {
          platform: 'slack',
          externalId: workspaceKey(this.identity),
          enterpriseId: this.identity.enterpriseId,
          name: this.identity.teamName,
          botUserId: this.identity.botUserId,
        });
        this.opts.logger.info({ workspace: this.ws.external_id, name: this.identity.teamName }, 'connected to Slack');
        await this.seedAdminList();
        return;
      } catch (err) {
        const code = err instanceof SlackCallError ? err.code : String(err);
        if (FATAL_AUTH.has(code)) throw new Error(`Slack rejected SLACK_BOT_TOKEN (${code}). Check the token in your environment.`);
        if (this.stopped) return;
        this.opts.logger.warn({ code }, 'Slack is not reachable yet; retrying');
        await new Promise((r) => setTimeout(r, this.opts.identityRetryMs ?? 5000));
      }
    }
  }
}

function stringOr(v: unknown): string | undefined {
  return typeof v === 'string' && v ? v : undefined;
}
