import type { Kysely } from 'kysely';
import type { Clock } from '../core/clock';
import { liveWallLinks, loadWallHeader, newFeedCursor, pollWallFeed, type ChannelVisibilityPort, type FeedCursor, type WallNote } from '../core/wall';
import type { Database, WorkspaceRow } from '../db/schema';
import type { Logger } from '../logger';
import { ENDED_TEXT, noteAnnouncement, renderHeaderFigures, renderNote } from './wall-page';

/**
 * Live updates for open walls. One poller per workspace with walls open in this process, not one per page: it
 * reads the database (shared by every replica, so a kudos given through any replica is seen) every `pollMs`,
 * renders what changed once, and writes it to every open page of that workspace. It also checks that each open
 * page's link is still live, and ends the pages of a revoked or expired one. It stops when the last page closes.
 */

/** One open page's stream. */
export interface WallClient {
  linkId: number;
  /** Writes one event (`data` is one line of JSON). */
  send(event: string, data: string): void;
  /** A comment line: keeps proxies from closing an idle stream. */
  heartbeat(): void;
  end(): void;
}

export interface WallFeedOptions {
  db: Kysely<Database>;
  clock: Clock;
  logger: Logger;
  /** The platform's answer about channels, for the workspace's platform (undefined: not served here). */
  channels: (workspace: WorkspaceRow) => ChannelVisibilityPort | undefined;
  pollMs?: number;
  heartbeatMs?: number;
  /** The header (this week, the chart, the theme of the day) is recomputed at least this often. */
  headerRefreshMs?: number;
  maxPerLink?: number;
  maxTotal?: number;
}

export type JoinResult = { ok: true; leave: () => void } | { ok: false; reason: 'link_full' | 'server_full' };

export class WallFeeds {
  private readonly feeds = new Map<number, WorkspaceFeed>();
  private readonly perLink = new Map<number, number>();
  private total = 0;
  private heartbeat: NodeJS.Timeout | undefined;
  /** Channels asked about without an answer (shared by this process's feeds). */
  readonly unanswered = new Map<string, number>();
  private closed = false;

  constructor(readonly opts: WallFeedOptions) {}

  get openWalls(): number {
    return this.total;
  }

  get pollingWorkspaces(): number {
    return this.feeds.size;
  }

  /** Adds an open page of `workspace`'s wall; the first page starts the workspace's poller. */
  join(workspace: WorkspaceRow, client: WallClient): JoinResult {
    if (this.closed || this.total >= (this.opts.maxTotal ?? 2000)) return { ok: false, reason: 'server_full' };
    const onLink = this.perLink.get(client.linkId) ?? 0;
    if (onLink >= (this.opts.maxPerLink ?? 100)) return { ok: false, reason: 'link_full' };
    this.perLink.set(client.linkId, onLink + 1);
    this.total++;
    let feed = this.feeds.get(workspace.id);
    if (!feed) {
      feed = new WorkspaceFeed(this, workspace);
      this.feeds.set(workspace.id, feed);
      feed.start();
    }
    feed.clients.add(client);
    this.heartbeat ??= setInterval(() => this.beat(), this.opts.heartbeatMs ?? 20_000);
    this.heartbeat.unref?.();
    let left = false;
    return {
      ok: true,
      leave: () => {
        if (left) return;
        left = true;
        this.total--;
        const n = (this.perLink.get(client.linkId) ?? 1) - 1;
        if (n > 0) this.perLink.set(client.linkId, n);
        else this.perLink.delete(client.linkId);
        const f = this.feeds.get(workspace.id);
        f?.clients.delete(client);
        if (f && !f.clients.size) {
          f.stop();
          this.feeds.delete(workspace.id);
        }
        if (!this.total && this.heartbeat) {
          clearInterval(this.heartbeat);
          this.heartbeat = undefined;
        }
      },
    };
  }

  /** Ends every open stream and stops polling (the server is stopping; pages reconnect to another replica). */
  close(): void {
    this.closed = true;
    for (const f of this.feeds.values()) {
      f.stop();
      for (const c of [...f.clients]) c.end();
    }
    this.feeds.clear();
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }

  private beat(): void {
    for (const f of this.feeds.values()) for (const c of f.clients) c.heartbeat();
  }
}

class WorkspaceFeed {
  readonly clients = new Set<WallClient>();
  private cursor: FeedCursor;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private headerAt = 0;
  private failures = 0;

  constructor(
    private readonly hub: WallFeeds,
    private readonly workspace: WorkspaceRow,
  ) {
    this.cursor = newFeedCursor(hub.opts.clock());
  }

  start(): void {
    this.headerAt = this.hub.opts.clock().getTime();
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private schedule(): void {
    if (this.stopped) return;
    // Backs off while the database fails (up to 10 s), so an outage is not hammered by every open wall.
    const delay = Math.min(10_000, (this.hub.opts.pollMs ?? 750) * 2 ** Math.min(this.failures, 4));
    this.timer = setTimeout(() => void this.tick().finally(() => this.schedule()), delay);
    this.timer.unref?.();
  }

  private async tick(): Promise<void> {
    const { db, clock, logger } = this.hub.opts;
    const now = clock();
    try {
      // Pages whose link was revoked or expired are told so and closed.
      const linkIds = [...new Set([...this.clients].map((c) => c.linkId))];
      const live = await liveWallLinks(db, this.workspace.id, linkIds, now);
      for (const c of [...this.clients]) {
        if (live.has(c.linkId)) continue;
        c.send('ended', JSON.stringify({ text: ENDED_TEXT }));
        c.end();
      }
      if (!this.clients.size || this.stopped) return;
      const changes = await pollWallFeed({ db, channels: this.hub.opts.channels(this.workspace), unanswered: this.hub.unanswered }, this.workspace, this.cursor, now);
      if (changes.added.length) this.broadcast('add', JSON.stringify({ notes: changes.added.map((n) => noteEvent(n, now)) }));
      if (changes.removed.length) this.broadcast('remove', JSON.stringify({ ids: changes.removed }));
      const changed = changes.added.length > 0 || changes.removed.length > 0;
      if (changed || now.getTime() - this.headerAt >= (this.hub.opts.headerRefreshMs ?? 60_000)) {
        this.headerAt = now.getTime();
        const header = await loadWallHeader(db, this.workspace, undefined, now);
        this.broadcast('header', JSON.stringify({ html: renderHeaderFigures(header) }));
      }
      this.failures = 0;
    } catch (err) {
      this.failures++;
      if (this.failures === 1 || this.failures % 20 === 0) logger.warn({ err, workspaceId: this.workspace.id, failures: this.failures }, 'the Kudos Wall could not poll for new kudos');
    }
  }

  private broadcast(event: string, data: string): void {
    for (const c of this.clients) c.send(event, data);
  }
}

function noteEvent(n: WallNote, now: Date): { id: number; html: string; text: string } {
  return { id: n.id, html: renderNote(n, now), text: noteAnnouncement(n) };
}
