import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Activity, TurnContext } from 'botbuilder';
import type { Kysely } from 'kysely';
import type { TeamsConfig } from '../config';
import type { Clock } from '../core/clock';
import type { CoreDeps } from '../core/give';
import { rememberSender } from '../core/people';
import type { UseCaseDeps } from '../core/ports';
import { publishLeftovers, sendDueDms, workspacesWithDueWork } from '../core/publish';
import type { Directory } from '../core/types';
import { workspaceFor } from '../core/workspaces';
import type { Database, PersonRow, WorkspaceRow } from '../db/schema';
import type { Logger } from '../logger';
import type { Background } from '../server/background';
import { Inbox } from '../server/inbox';
import { clientTimeZone, deliveryKey, tenantOf } from './activity';
import { createCloudAdapter, type KudosCloudAdapter, type TokenCheckOptions } from './adapter';
import { KudosBot } from './bot';
import { SORRY } from './cards/messages';
import { storeReference } from './conversations';
import { setTurn, type TeamsContext, type Turn } from './context';
import { NO_TURN_DIRECTORY, senderProfile, TeamsDirectory } from './directory';
import { isBotRemoval } from './handlers/install';
import { processTeamsRequest } from './http';
import { TeamsNotifier } from './notifier';

export interface TeamsAdapterOptions {
  config: TeamsConfig;
  db: Kysely<Database>;
  logger: Logger;
  clock: Clock;
  background: Background;
  seedAdmins: readonly string[];
  campaignKeyAt?: CoreDeps['campaignKeyAt'];
  /** PUBLIC_URL: where download links point (`export`); unset, none are made. */
  publicUrl?: string;
  /** Tests only: where signing keys come from and how long checking a token may take. */
  tokenCheck?: TokenCheckOptions;
}

/**
 * How often activities that failed (after their backoff) or were cut short (after their lease) are tried again,
 * and kudos cards and DMs a stop left behind are sent.
 */
const SWEEP_INTERVAL_MS = 60_000;
/** Tenants visited per tick for leftover cards, and for due DMs: those that have such work, by id. */
const WORKSPACES_PER_TICK = 25;

/** Activities stored in the inbox and processed once; invokes are answered directly, anything else ignored. */
const STORED_TYPES = new Set(['message', 'messageReaction', 'conversationUpdate', 'installationUpdate']);

/**
 * Teams in the app: botbuilder's CloudAdapter behind `POST /api/messages`, a tenant as a workspace, and every
 * activity processed exactly once. A message, reaction or update is stored in the event inbox (unique on its
 * activity id) before it is handled, so a re-delivery is a no-op and one that failed or was cut short by a crash
 * is handled again by the sweeper; the core's natural keys catch anything that gets past that. The same timer
 * posts kudos cards a stop left unposted and sends due DMs, through the same notifier the turns use.
 */
export class TeamsAdapter {
  readonly adapter: KudosCloudAdapter;
  readonly ctx: TeamsContext;
  readonly notifier: TeamsNotifier;
  private readonly bot: KudosBot;
  private readonly inbox: Inbox;
  private sweeper: NodeJS.Timeout | undefined;
  /** The last tenant the timer looked after (tenants are visited in id order, a page per tick). */

  constructor(private readonly opts: TeamsAdapterOptions) {
    this.adapter = createCloudAdapter(opts.config, opts.logger, opts.tokenCheck);
    this.ctx = {
      db: opts.db,
      clock: opts.clock,
      logger: opts.logger,
      background: opts.background,
      adapter: this.adapter,
      seedAdmins: opts.seedAdmins,
      campaignKeyAt: opts.campaignKeyAt,
      publicUrl: opts.publicUrl,
    };
    this.notifier = new TeamsNotifier(this.ctx);
    this.inbox = new Inbox({ db: opts.db, clock: opts.clock, logger: opts.logger, platform: 'teams' });
    this.bot = new KudosBot(this.ctx);
  }

  /** Does what a crash left behind now (see tick) and then every minute, until stop(). */
  async start(): Promise<void> {
    await this.tick();
    this.sweeper ??= setInterval(() => this.opts.background.run('Teams sweep', () => this.tick()), SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  stop(): void {
    clearInterval(this.sweeper);
    this.sweeper = undefined;
  }

  handleHttp(req: IncomingMessage, res: ServerResponse, rawBody: Buffer): Promise<void> {
    return processTeamsRequest(this.adapter, req, res, rawBody, (tc) => this.onTurn(tc), this.opts.logger);
  }

  /** The timer's work: activities left unfinished, then kudos cards left unposted and DMs due, tenant by tenant. */
  async tick(): Promise<void> {
    await this.sweepInbox();
    await this.publishUnfinished();
  }

  /** Handles activities that were stored but never finished (a crash, a failure), with a fresh identity. */
  sweepInbox(): Promise<number> {
    return this.inbox.sweep((body) =>
      this.adapter.replay(body as Activity, async (tc) => {
        const tenant = tenantOf(tc.activity);
        if (!tenant) return;
        await this.runTurn(tc, await this.workspaceFor(tenant, tc.activity), tenant);
      }),
    );
  }

  /**
   * Kudos a stop left unposted (the core looks for nothing it cannot check: Teams cannot list a conversation, so
   * a post cut short is reported, not made twice) and DMs whose time has come, in the tenants that have such
   * work (a page of them per tick).
   */
  async publishUnfinished(): Promise<void> {
    const now = this.opts.clock();
    const deps = this.coreDeps(NO_TURN_DIRECTORY);
    const each = async (kind: 'leftovers' | 'dms', work: (ws: WorkspaceRow) => Promise<void>) => {
      for (const ws of await workspacesWithDueWork(this.opts.db, 'teams', kind, now, WORKSPACES_PER_TICK)) {
        try {
          await work(ws);
        } catch (err) {
          this.opts.logger.error({ err, tenant: ws.external_id }, 'posting what was left behind failed; the next tick tries again');
        }
      }
    };
    await each('leftovers', async (ws) => {
      const { published, found } = await publishLeftovers(deps, ws);
      if (published || found) this.opts.logger.info({ tenant: ws.external_id, published, found }, 'posted kudos cards left behind');
    });
    await each('dms', async (ws) => {
      await sendDueDms(deps, ws);
    });
  }

  /** The core's dependencies outside a turn (scheduled work): no directory to ask, the notifier and the clock. */
  backgroundDeps(): UseCaseDeps {
    return this.coreDeps(NO_TURN_DIRECTORY);
  }

  private coreDeps(directory: Directory): UseCaseDeps {
    return { db: this.opts.db, directory, notifier: this.notifier, clock: this.opts.clock, campaignKeyAt: this.opts.campaignKeyAt };
  }

  private async onTurn(tc: TurnContext): Promise<void> {
    const a = tc.activity;
    const tenant = tenantOf(a);
    if (!tenant) {
      this.opts.logger.warn({ type: a.type, channelId: a.channelId }, 'ignored a Teams activity without a tenant');
      return;
    }
    if (a.type === 'invoke') {
      await this.runTurn(tc, await this.workspaceFor(tenant, a), tenant);
      return;
    }
    if (!STORED_TYPES.has(a.type)) return;
    const ws = await this.workspaceFor(tenant, a);
    const key = deliveryKey(a, tenant);
    const stored = key ? await this.inbox.store(key, ws.id, a) : undefined;
    if (key && stored === undefined) {
      this.opts.logger.info({ type: a.type }, 'ignored a Teams activity delivered before');
      return;
    }
    let done: boolean;
    if (stored === undefined) {
      // No id to keep it by (never from Teams itself): handled once, as it comes.
      done = await this.runTurn(tc, ws, tenant).then(
        () => true,
        (err: unknown) => (this.opts.logger.error({ err, type: a.type }, 'a Teams activity failed'), false),
      );
    } else {
      // A failure leaves it in the inbox, to be tried again after a backoff.
      done = await this.inbox.process(stored, () => this.runTurn(tc, ws, tenant));
    }
    if (!done && a.type === 'message') await tc.sendActivity(SORRY).catch(() => undefined);
  }

  /** The tenant's workspace; first sight of a tenant (installed before this database existed), or back after an uninstall, connects it. */
  private workspaceFor(tenant: string, a: Partial<Activity>): Promise<WorkspaceRow> {
    return workspaceFor(this.opts.db, { platform: 'teams', externalId: tenant, botUserId: a.recipient?.id ?? null, timeZone: clientTimeZone(a) });
  }

  private async runTurn(tc: TurnContext, ws: WorkspaceRow, tenant: string): Promise<void> {
    const a = tc.activity;
    const directory = new TeamsDirectory(tc, this.opts.db, ws);
    const turn: Turn = {
      tc,
      ws,
      tenant,
      directory,
      core: this.coreDeps(directory),
      sender: await this.refreshSender(tc, ws),
      botName: a.recipient?.name || 'Kudos',
    };
    setTurn(tc, turn);
    // References come from what people send the bot; an invoke may come from a chat the bot is not part of.
    if (a.type !== 'invoke' && !isBotRemoval(a)) await storeReference(this.ctx, turn);
    await this.bot.run(tc);
  }

  /**
   * The sender as this activity describes them (display name, and time zone when the client sent one), written
   * only when something changed or the stored profile is old.
   */
  private async refreshSender(tc: TurnContext, ws: WorkspaceRow): Promise<PersonRow | null> {
    const from = tc.activity.from;
    if (!from?.id) return null;
    return rememberSender(
      this.opts.db,
      ws,
      from.id,
      (known) => {
        const profile = senderProfile(tc.activity, known?.time_zone ?? null);
        if (!from.name && known?.display_name) profile.displayName = known.display_name;
        return profile;
      },
      this.opts.clock(),
    );
  }

}
