import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Kysely } from 'kysely';
import type { Clock } from '../core/clock';
import { loadSettings } from '../core/settings-store';
import { loadWallSnapshot, resolveWallLink, WALL_PATH, type ChannelVisibilityPort, type WallSnapshot } from '../core/wall';
import type { Database, WorkspaceRow } from '../db/schema';
import type { Logger } from '../logger';
import { send } from './http';
import { WallFeeds, type WallClient } from './wall-feed';
import { renderHeaderFigures, renderNote, renderWallPage } from './wall-page';

/**
 * GET /wall/<token>: the Kudos Wall page; GET /wall/<token>/events: its live updates (Server-Sent Events). An
 * unknown, revoked or expired token, or anything else under /wall/, gets one plain 404. The token is a secret:
 * it is never logged. Every answer carries strict headers: a CSP with no source but this server (the page's one
 * script and style by nonce), no framing unless the workspace's `wall.frameAncestors` setting allows an origin,
 * no Referer, no sniffing, no caching.
 */

export interface WallRouteOptions {
  db: Kysely<Database>;
  logger: Logger;
  clock: Clock;
  /** The platform's answer about a workspace's channels (Slack: conversations.info; Teams: the conversation kind). */
  channels: (workspace: WorkspaceRow) => ChannelVisibilityPort | undefined;
  pollMs?: number;
  heartbeatMs?: number;
  maxPerLink?: number;
  maxTotal?: number;
}

const BASE_HEADERS = {
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), interest-cohort=()',
} as const;

const NOT_FOUND_HEADERS = {
  ...BASE_HEADERS,
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
} as const;

/** The page's security headers: same-origin only, its inline script and style by `nonce`, framing by the setting. */
export function wallHeaders(nonce: string, frameAncestors: readonly string[]): Record<string, string> {
  const ancestors = frameAncestors.length ? frameAncestors.join(' ') : "'none'";
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src 'nonce-${nonce}'`,
    "img-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    `frame-ancestors ${ancestors}`,
  ].join('; ');
  return { ...BASE_HEADERS, 'content-security-policy': csp, ...(frameAncestors.length ? {} : { 'x-frame-options': 'DENY' }) };
}

/** A snapshot is shared by the pages that open within this long of each other (a replica's restart reconnects them all at once). */
const SNAPSHOT_SHARE_MS = 1000;

export class WallRoute {
  readonly feeds: WallFeeds;
  private readonly snapshots = new Map<number, { at: number; snapshot: Promise<WallSnapshot> }>();

  constructor(private readonly opts: WallRouteOptions) {
    this.feeds = new WallFeeds({
      db: opts.db,
      clock: opts.clock,
      logger: opts.logger,
      channels: opts.channels,
      pollMs: opts.pollMs,
      heartbeatMs: opts.heartbeatMs,
      maxPerLink: opts.maxPerLink,
      maxTotal: opts.maxTotal,
    });
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    const rest = path.startsWith(WALL_PATH) ? path.slice(WALL_PATH.length) : '';
    const [token, what, ...more] = rest.split('/');
    if (more.length || (what !== undefined && what !== 'events')) return this.notFound(res);
    const now = this.opts.clock();
    const found = await resolveWallLink(this.opts.db, token ?? '', now);
    if (!found) return this.notFound(res);
    if (what === 'events') return this.stream(req, res, found.workspace, found.link.id);

    const { workspace } = found;
    const channels = this.opts.channels(workspace);
    const [snapshot, settings] = await Promise.all([this.snapshot(workspace, channels, now), loadSettings(this.opts.db, workspace.id)]);
    const nonce = randomBytes(16).toString('base64');
    this.opts.logger.info({ workspaceId: workspace.id, link: found.link.id }, 'Kudos Wall opened');
    send(res, {
      status: 200,
      headers: { ...wallHeaders(nonce, settings.wall.frameAncestors), 'content-type': 'text/html; charset=utf-8' },
      body: renderWallPage({ snapshot, nonce, now }),
    });
  }

  /** Ends every open stream and stops polling. */
  close(): void {
    this.feeds.close();
  }

  /** The workspace's snapshot, read once for every page that opens within SNAPSHOT_SHARE_MS. */
  private snapshot(workspace: WorkspaceRow, channels: ChannelVisibilityPort | undefined, now: Date): Promise<WallSnapshot> {
    const shared = this.snapshots.get(workspace.id);
    if (shared && Math.abs(now.getTime() - shared.at) < SNAPSHOT_SHARE_MS) return shared.snapshot;
    const snapshot = loadWallSnapshot({ db: this.opts.db, channels, unanswered: this.feeds.unanswered }, workspace, now);
    this.snapshots.set(workspace.id, { at: now.getTime(), snapshot });
    // A failed read is not shared: the next page asks again.
    snapshot.catch(() => this.snapshots.get(workspace.id)?.snapshot === snapshot && this.snapshots.delete(workspace.id));
    if (this.snapshots.size > 1000) this.snapshots.clear();
    return snapshot;
  }

  private notFound(res: ServerResponse): void {
    send(res, { status: 404, headers: { ...NOT_FOUND_HEADERS }, body: 'not found' });
  }

  /**
   * The page's live updates. It joins the workspace's feed first and only then reads the snapshot it starts
   * with, so nothing given in between is missed (the page skips a note it already has).
   */
  private async stream(req: IncomingMessage, res: ServerResponse, workspace: WorkspaceRow, linkId: number): Promise<void> {
    let open = true;
    const buffered: Array<[string, string]> = [];
    let ready = false;
    const write = (chunk: string) => {
      if (!open) return;
      // A page that stopped reading (a sleeping laptop) is let go rather than buffered without end.
      if (res.writableLength > 1_000_000) return client.end();
      res.write(chunk);
    };
    const client: WallClient = {
      linkId,
      send: (event, data) => (ready ? write(`event: ${event}\ndata: ${data}\n\n`) : void buffered.push([event, data])),
      heartbeat: () => write(': keep-alive\n\n'),
      end: () => {
        if (!open) return;
        open = false;
        joined.ok && joined.leave();
        res.end();
      },
    };
    const joined = this.feeds.join(workspace, client);
    if (!joined.ok) {
      return send(res, { status: 503, headers: { ...NOT_FOUND_HEADERS, 'retry-after': '30' }, body: 'This wall has too many open pages right now. Please try again later.' });
    }
    req.on('close', () => {
      if (!open) return;
      open = false;
      joined.leave();
    });
    res.writeHead(200, {
      ...NOT_FOUND_HEADERS,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store, no-transform',
      'x-accel-buffering': 'no',
      connection: 'keep-alive',
    });
    // The page retries after 3 s when the stream drops (a replica stopping): another replica picks it up.
    write('retry: 3000\n\n');
    try {
      const now = this.opts.clock();
      const snapshot = await this.snapshot(workspace, this.opts.channels(workspace), now);
      write(`event: snapshot\ndata: ${JSON.stringify({ notes: snapshot.notes.map((n) => renderNote(n, now)).join(''), header: renderHeaderFigures(snapshot.header) })}\n\n`);
    } catch (err) {
      this.opts.logger.warn({ err, workspaceId: workspace.id }, 'the Kudos Wall could not load its first view');
    }
    ready = true;
    for (const [event, data] of buffered.splice(0)) client.send(event, data);
  }
}
