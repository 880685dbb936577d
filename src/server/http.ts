import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EXPORT_LINK_PATH } from '../core/export-links';
import { WALL_PATH } from '../core/wall';
import type { Logger } from '../logger';

export interface RouteReply {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export interface Routes {
  health(): Promise<RouteReply>;
  ready(): Promise<RouteReply>;
  /** POST /slack/events with the raw body (signature verification needs the exact bytes). */
  slack?: { handleHttp(headers: IncomingHttpHeaders, rawBody: Buffer): Promise<RouteReply> };
  /** GET /slack/install and GET /slack/oauth_redirect ("Add to Slack"): handles the response itself. */
  slackInstall?: { handle(req: IncomingMessage, res: ServerResponse): Promise<void> };
  /** GET /export/<token> (a person's own kudos, through a short-lived link): handles the response itself. */
  exportLink?: { handle(req: IncomingMessage, res: ServerResponse): Promise<void> };
  /** GET /wall/<token> and its live updates (the Kudos Wall, src/server/wall-route.ts): handles the response itself. */
  wall?: { handle(req: IncomingMessage, res: ServerResponse): Promise<void> };
  /** POST /api/messages (Teams): handles the response itself. */
  teams?: { handleHttp(req: IncomingMessage, res: ServerResponse, rawBody: Buffer): Promise<void> };
}

/** "Add to Slack": the page with the button, and where Slack sends the installer back. */
export const SLACK_INSTALL_PATH = '/slack/install';
export const SLACK_REDIRECT_PATH = '/slack/oauth_redirect';

/** Slack's payloads are small; anything this large is not from Slack. */
export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * One HTTP server for every route. It counts requests in flight so that stop() can let them finish
 * before the pool closes.
 */
export class HttpServer {
  private readonly server: http.Server;
  private inFlight = 0;
  private drained: (() => void) | undefined;

  constructor(
    private readonly routes: Routes,
    private readonly logger: Logger,
  ) {
    this.server = http.createServer((req, res) => {
      this.inFlight++;
      this.handle(req, res)
        .catch((err: unknown) => {
          this.logger.error({ err, path: loggablePath(req.url) }, 'request failed');
          if (!res.headersSent) send(res, { status: 500, body: 'internal error' });
          else res.end();
        })
        .finally(() => {
          this.inFlight--;
          if (this.inFlight === 0) this.drained?.();
        });
    });
    this.server.keepAliveTimeout = 5_000;
    this.server.headersTimeout = 10_000;
  }

  listen(port: number, host?: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve((this.server.address() as AddressInfo).port);
      });
    });
  }

  /** Stops accepting, waits for requests in flight (up to timeoutMs), then closes idle connections. */
  async stop(timeoutMs: number): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    if (this.inFlight > 0) {
      await Promise.race([
        new Promise<void>((resolve) => {
          this.drained = resolve;
        }),
        new Promise<void>((resolve) => setTimeout(resolve, timeoutMs).unref()),
      ]);
    }
    this.server.closeAllConnections();
    await closed;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/healthz') return send(res, await this.routes.health());
    if (req.method === 'GET' && path === '/readyz') return send(res, await this.routes.ready());
    if (path === SLACK_INSTALL_PATH || path === SLACK_REDIRECT_PATH) {
      if (req.method !== 'GET') return send(res, { status: 405, headers: { allow: 'GET' } });
      if (!this.routes.slackInstall) return send(res, { status: 404, body: 'Installing Kudos in several Slack workspaces is not configured (set SLACK_CLIENT_ID; see the README)' });
      return this.routes.slackInstall.handle(req, res);
    }
    if (path.startsWith(EXPORT_LINK_PATH)) {
      if (req.method !== 'GET') return send(res, { status: 405, headers: { allow: 'GET' } });
      if (!this.routes.exportLink) return send(res, { status: 404, body: 'not found' });
      return this.routes.exportLink.handle(req, res);
    }
    if (path.startsWith(WALL_PATH)) {
      if (req.method !== 'GET') return send(res, { status: 405, headers: { allow: 'GET' } });
      if (!this.routes.wall) return send(res, { status: 404, body: 'not found' });
      return this.routes.wall.handle(req, res);
    }
    if (path === '/slack/events' || path === '/api/messages') {
      if (req.method !== 'POST') return send(res, { status: 405, headers: { allow: 'POST' } });
      const body = await readBody(req);
      if (body === 'too_large') return send(res, { status: 413, body: 'payload too large' });
      if (path === '/slack/events') {
        if (!this.routes.slack) return send(res, { status: 404, body: 'Slack is not configured (set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET)' });
        return send(res, await this.routes.slack.handleHttp(req.headers, body));
      }
      if (!this.routes.teams) return send(res, { status: 404, body: 'Teams is not configured (set MICROSOFT_APP_ID)' });
      return this.routes.teams.handleHttp(req, res, body);
    }
    send(res, { status: 404, body: 'not found' });
  }
}

/** A request's path for the logs: an export or wall link's token is a secret, so it is left out. */
export function loggablePath(url: string | undefined): string | undefined {
  if (url?.startsWith(WALL_PATH)) return `${WALL_PATH}…`;
  return url?.startsWith(EXPORT_LINK_PATH) ? `${EXPORT_LINK_PATH}…` : url;
}

function readBody(req: IncomingMessage): Promise<Buffer | 'too_large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(c);
    });
    req.on('end', () => resolve(tooLarge ? 'too_large' : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function send(res: ServerResponse, reply: RouteReply): void {
  const headers: Record<string, string> = { ...(reply.headers ?? {}) };
  if (reply.body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
    headers['content-type'] = 'text/plain; charset=utf-8';
  }
  res.writeHead(reply.status, headers);
  res.end(reply.body);
}
