import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Activity, TurnContext } from 'botbuilder';
import type { Kysely } from 'kysely';
import type { TeamsConfig } from '../config';
import type { Clock } from '../core/clock';
import type { CoreDeps } from '../core/give';
import { DEFAULT_VALUES } from '../core/values';
import { claimStaleDeliveries, markDelivered, markFailed, storeDelivery } from '../db/queries/inbox';
import { findPeople, upsertPerson } from '../db/queries/people';
import { findWorkspace, upsertWorkspace } from '../db/queries/workspaces';
import type { Database, PersonRow, WorkspaceRow } from '../db/schema';
import type { Logger } from '../logger';
import type { Background } from '../server/background';
import { PROFILE_TTL_MS } from '../core/people';
import { clientTimeZone, deliveryKey, tenantOf } from './activity';
import { createCloudAdapter, type KudosCloudAdapter } from './adapter';
import { KudosBot } from './bot';
import { SORRY } from './cards/messages';
import { storeReference } from './conversations';
import { setTurn, type TeamsContext, type Turn } from './context';
import { senderProfile, TeamsDirectory } from './directory';
import { isBotRemoval } from './handlers/install';
import { processTeamsRequest } from './http';

export interface TeamsAdapterOptions {
  config: TeamsConfig;
  db: Kysely<Database>;
  logger: Logger;
  clock: Clock;
  background: Background;
  seedAdmins: readonly string[];
  campaignKeyAt?: CoreDeps['campaignKeyAt'];
}

/** How often activities that failed (after their backoff) or were cut short (after their lease) are tried again. */
const SWEEP_INTERVAL_MS = 60_000;

/** Activities stored in the inbox and processed once; invokes are answered directly, anything else ignored. */
const STORED_TYPES = new Set(['message', 'messageReaction', 'conversationUpdate', 'installationUpdate']);

/**
 * Teams in the app: botbuilder's CloudAdapter behind `POST /api/messages`, a tenant as a workspace, and every
 * activity processed exactly once. A message, reaction or update is stored in the event inbox (unique on its
 * activity id) before it is handled, so a re-delivery is a no-op and one that failed or was cut short by a crash
 * is handled again by the sweeper; the core's natural keys catch anything that gets past that.
 */
export class TeamsAdapter {
  readonly adapter: KudosCloudAdapter;
  readonly ctx: TeamsContext;
  private readonly bot: KudosBot;
  private sweeper: NodeJS.Timeout | undefined;

  constructor(private readonly opts: TeamsAdapterOptions) {
    this.adapter = createCloudAdapter(opts.config, opts.logger);
    this.ctx = {
      db: opts.db,
      clock: opts.clock,
      logger: opts.logger,
      background: opts.background,
      adapter: this.adapter,
      seedAdmins: opts.seedAdmins,
      campaignKeyAt: opts.campaignKeyAt,
    };
    this.bot = new KudosBot(this.ctx);
  }

  /** Sweeps the inbox now (what a crash left behind) and then every minute, until stop(). */
  async start(): Promise<void> {
    await this.sweepInbox();
    this.sweeper ??= setInterval(() => this.opts.background.run('Teams inbox sweep', () => this.sweepInbox()), SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  stop(): void {
    clearInterval(this.sweeper);
    this.sweeper = undefined;
  }

  handleHttp(req: IncomingMessage, res: ServerResponse, rawBody: Buffer): Promise<void> {
    return processTeamsRequest(this.adapter, req, res, rawBody, (tc) => this.onTurn(tc), this.opts.logger);
  }

  /** Handles activities that were stored but never finished (a crash, a failure), with a fresh identity. */
  async sweepInbox(): Promise<number> {
    const rows = await claimStaleDeliveries(this.opts.db, 'teams', this.opts.clock(), 100);
    for (const row of rows) {
      try {
        await this.adapter.replay(row.body as Activity, async (tc) => {
          const tenant = tenantOf(tc.activity);
          if (!tenant) return;
          await this.runTurn(tc, await this.workspaceFor(tenant, tc.activity), tenant);
        });
        await markDelivered(this.opts.db, { id: row.id, now: this.opts.clock() });
      } catch (err) {
        this.opts.logger.error({ err, id: row.id }, 'a stored Teams activity failed again');
        await markFailed(this.opts.db, row.id, err instanceof Error ? err.message : String(err), this.opts.clock()).catch(() => undefined);
      }
    }
    if (rows.length) this.opts.logger.info({ count: rows.length }, 'processed Teams activities left unfinished');
    return rows.length;
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
    const stored = key ? await storeDelivery(this.opts.db, { platform: 'teams', deliveryId: key, workspaceId: ws.id, body: a, now: this.opts.clock() }) : undefined;
    if (key && !stored) {
      this.opts.logger.info({ type: a.type }, 'ignored a Teams activity delivered before');
      return;
    }
    try {
      await this.runTurn(tc, ws, tenant);
      if (stored) await markDelivered(this.opts.db, { id: stored.id, now: this.opts.clock() });
    } catch (err) {
      this.opts.logger.error({ err, type: a.type }, 'a Teams activity failed; it stays in the inbox to be tried again');
      if (stored) await markFailed(this.opts.db, stored.id, err instanceof Error ? err.message : String(err), this.opts.clock()).catch(() => undefined);
      if (a.type === 'message') await tc.sendActivity(SORRY).catch(() => undefined);
    }
  }

  private async workspaceFor(tenant: string, a: Partial<Activity>): Promise<WorkspaceRow> {
    const ws = await findWorkspace(this.opts.db, 'teams', tenant);
    if (ws && !ws.uninstalled_at) return ws;
    // First sight of a tenant (installed before this database existed), or back after an uninstall.
    return upsertWorkspace(this.opts.db, { platform: 'teams', externalId: tenant, botUserId: a.recipient?.id ?? null, timeZone: clientTimeZone(a) }, DEFAULT_VALUES);
  }

  private async runTurn(tc: TurnContext, ws: WorkspaceRow, tenant: string): Promise<void> {
    const a = tc.activity;
    const directory = new TeamsDirectory(tc, this.opts.db, ws);
    const turn: Turn = {
      tc,
      ws,
      tenant,
      directory,
      core: { db: this.opts.db, directory, clock: this.opts.clock, campaignKeyAt: this.opts.campaignKeyAt },
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
    const [known] = await findPeople(this.opts.db, ws.id, [from.id]);
    const profile = senderProfile(tc.activity, known?.time_zone ?? null);
    const now = this.opts.clock();
    const fresh = known?.profile_fetched_at && now.getTime() - new Date(known.profile_fetched_at).getTime() < PROFILE_TTL_MS;
    if (!from.name && known?.display_name) profile.displayName = known.display_name;
    if (known && fresh && profile.displayName === known.display_name && profile.timeZone === known.time_zone) return known;
    return upsertPerson(this.opts.db, ws.id, profile, now);
  }
}
