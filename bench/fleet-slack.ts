/**
 * The fake Slack of bench:fleet: one Web API for many workspaces, each known by its bot token
 * (`xoxb-fleet-<n>` belongs to workspace n), with Slack's per-token rate limits, on a worker thread of its own
 * so that the replicas' load and the harness never share its event loop.
 *
 * - `auth.test` answers the token's own team (an unknown token: `invalid_auth`, none: `not_authed`).
 * - `chat.postMessage` records the channel, the token and the run id of the post's metadata; a token posting
 *   in a channel that is not its workspace's gets `channel_not_found` (and is counted: a cross-workspace post).
 *   About one message a second per channel, with a burst of 3; over that, HTTP 429 with `Retry-After: 1`.
 * - Every `slowEvery`-th workspace answers its first post with 429 `Retry-After: <slowRetryAfterSec>`, and keeps
 *   answering 429 (with the seconds left) until that time has passed: an app that retries early is counted.
 * - Every `joinEvery`-th workspace (offset by half) has a bot that is not in the channel yet: `not_in_channel`
 *   until the token calls `conversations.join` for it.
 * - Other methods: per-token buckets by Slack's tiers (`users.info` tier 4, most others tier 3).
 *
 * The parent gets a `post` message for each accepted post, and a full report when it asks for one.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

export const FLEET_APP_ID = 'AFLEET0001';

const pad = (n: number) => String(n).padStart(6, '0');
export const fleetToken = (n: number) => `xoxb-fleet-${n}`;
export const fleetTeamId = (n: number) => `T${pad(n)}`;
export const fleetChannel = (n: number) => `CDIGEST${pad(n)}`;
export const fleetBotUserId = (n: number) => `UBOT${pad(n)}`;
export const fleetBotId = (n: number) => `BBOT${pad(n)}`;
/** The p-th person (1-based) of workspace n. */
export const fleetPersonId = (n: number, p: number) => `U${pad(n)}P${String(p).padStart(2, '0')}`;

export interface FleetSlackOptions {
  workspaces: number;
  /** Every n-th workspace answers its first post with a long Retry-After; 0: none. */
  slowEvery: number;
  slowRetryAfterSec: number;
  /** Every n-th workspace's bot must join the channel first; 0: none. */
  joinEvery: number;
}

export interface FleetPost {
  /** Epoch ms when the post was accepted. */
  at: number;
  channel: string;
  ts: string;
  runId: number | null;
}

export interface FleetWorkspaceTally {
  n: number;
  posts: FleetPost[];
  /** chat.postMessage calls with this token, answered or refused. */
  attempts: number;
  /** 429s answered to chat.postMessage. */
  limited: number;
  /** Posts tried while a Retry-After given to this token was still running. */
  earlyRetries: number;
  /** Posts with this token into another workspace's channel. */
  wrongChannel: number;
  /** Epoch ms of the first chat.postMessage attempt. */
  firstAttemptAt: number | null;
  slow: boolean;
  mustJoin: boolean;
  joined: boolean;
}

export interface FleetSlackReport {
  workspaces: FleetWorkspaceTally[];
  /** Calls per method, and per method the 429s answered. */
  calls: Record<string, number>;
  limited: Record<string, number>;
  /** Calls whose token is none of the fleet's. */
  unknownToken: number;
  /** Calls that carried no token at all. */
  noToken: number;
}

type ToParent =
  | { type: 'ready'; port: number }
  | { type: 'post'; n: number; at: number }
  | { type: 'calls'; total: number }
  | { type: 'report'; report: FleetSlackReport };
type ToWorker = { type: 'report' };

/** Slack's tiers, per token and method: calls a minute, and the burst a bucket holds. */
const TIERS: Record<string, { perMinute: number; burst: number }> = {
  'auth.test': { perMinute: 100, burst: 20 },
  'users.info': { perMinute: 100, burst: 20 },
  'conversations.join': { perMinute: 50, burst: 10 },
  'conversations.history': { perMinute: 50, burst: 10 },
};
const DEFAULT_TIER = { perMinute: 50, burst: 10 };
/** chat.postMessage: about one a second per channel, a short burst allowed. */
const POST_RATE = { perSecond: 1, burst: 3 };

class Buckets {
  private readonly state = new Map<string, { tokens: number; at: number }>();

  /** 0 when the call may go now, else the seconds to wait (at least 1). */
  take(key: string, burst: number, perSecond: number, now: number): number {
    const b = this.state.get(key) ?? { tokens: burst, at: now };
    b.tokens = Math.min(burst, b.tokens + ((now - b.at) / 1000) * perSecond);
    b.at = now;
    this.state.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / perSecond));
  }
}

export class FleetSlack {
  private readonly server = http.createServer((req, res) => void this.handle(req, res));
  private readonly tallies: FleetWorkspaceTally[];
  private readonly buckets = new Buckets();
  /** Per workspace: until when its Retry-After runs (epoch ms). */
  private readonly blockedUntil = new Map<number, number>();
  private readonly calls: Record<string, number> = {};
  private readonly limited: Record<string, number> = {};
  private unknownToken = 0;
  private noToken = 0;
  private seq = 0;

  constructor(
    private readonly opts: FleetSlackOptions,
    private readonly onPost: (n: number, at: number) => void = () => undefined,
  ) {
    this.tallies = Array.from({ length: opts.workspaces + 1 }, (_, n) => ({
      n,
      posts: [],
      attempts: 0,
      limited: 0,
      earlyRetries: 0,
      wrongChannel: 0,
      firstAttemptAt: null,
      slow: opts.slowEvery > 0 && n % opts.slowEvery === 0,
      mustJoin: opts.joinEvery > 0 && n % opts.joinEvery === Math.floor(opts.joinEvery / 2),
      joined: false,
    }));
  }

  async start(): Promise<number> {
    // Many replicas keep connections open at once; keep-alive as Slack's edge does.
    this.server.keepAliveTimeout = 60_000;
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
    return (this.server.address() as AddressInfo).port;
  }

  /** Calls answered so far, of any method. */
  get totalCalls(): number {
    return Object.values(this.calls).reduce((a, b) => a + b, 0);
  }

  report(): FleetSlackReport {
    return { workspaces: this.tallies.slice(1), calls: { ...this.calls }, limited: { ...this.limited }, unknownToken: this.unknownToken, noToken: this.noToken };
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const method = (req.url ?? '/').replace(/^\/api\//, '').split('?')[0];
    const params = parseParams(Buffer.concat(chunks).toString('utf8'), String(req.headers['content-type'] ?? ''));
    this.calls[method] = (this.calls[method] ?? 0) + 1;
    const auth = String(req.headers.authorization ?? '');
    const token = auth.startsWith('Bearer ') ? auth.slice(7) : typeof params.token === 'string' ? params.token : '';
    const n = tokenNumber(token, this.opts.workspaces);
    if (n === undefined) {
      if (token) this.unknownToken++;
      else this.noToken++;
      return json(res, { ok: false, error: token ? 'invalid_auth' : 'not_authed' });
    }
    const now = Date.now();
    if (method === 'chat.postMessage') return this.postMessage(n, params, now, res);
    const tier = TIERS[method] ?? DEFAULT_TIER;
    const wait = this.buckets.take(`${n}:${method}`, tier.burst, tier.perMinute / 60, now);
    if (wait) return this.tooMany(res, method, wait);
    json(res, this.answer(n, method, params));
  }

  private postMessage(n: number, p: Record<string, any>, now: number, res: http.ServerResponse): void {
    const t = this.tallies[n];
    t.attempts++;
    t.firstAttemptAt ??= now;
    const blocked = this.blockedUntil.get(n);
    if (blocked !== undefined && now < blocked) {
      t.earlyRetries++;
      t.limited++;
      return this.tooMany(res, 'chat.postMessage', Math.ceil((blocked - now) / 1000));
    }
    if (t.slow && t.attempts === 1) {
      this.blockedUntil.set(n, now + this.opts.slowRetryAfterSec * 1000);
      t.limited++;
      return this.tooMany(res, 'chat.postMessage', this.opts.slowRetryAfterSec);
    }
    const channel = String(p.channel ?? '');
    const wait = this.buckets.take(`${n}:post:${channel}`, POST_RATE.burst, POST_RATE.perSecond, now);
    if (wait) {
      t.limited++;
      return this.tooMany(res, 'chat.postMessage', wait);
    }
    if (channel !== fleetChannel(n)) {
      t.wrongChannel++;
      return json(res, { ok: false, error: 'channel_not_found' });
    }
    if (t.mustJoin && !t.joined) return json(res, { ok: false, error: 'not_in_channel' });
    const ts = `${Math.floor(now / 1000)}.${String(++this.seq).padStart(6, '0')}`;
    const runId = Number(p.metadata?.event_payload?.run_id);
    t.posts.push({ at: now, channel, ts, runId: Number.isFinite(runId) ? runId : null });
    this.onPost(n, now);
    json(res, { ok: true, channel, ts, message: { text: p.text, metadata: p.metadata } });
  }

  private answer(n: number, method: string, p: Record<string, any>): Record<string, unknown> {
    switch (method) {
      case 'auth.test':
        return { ok: true, url: `https://fleet-${n}.slack.com/`, team: `Fleet ${n}`, team_id: fleetTeamId(n), user: 'kudos', user_id: fleetBotUserId(n), bot_id: fleetBotId(n), is_enterprise_install: false };
      case 'conversations.join':
        if (p.channel !== fleetChannel(n)) return { ok: false, error: 'channel_not_found' };
        this.tallies[n].joined = true;
        return { ok: true, channel: { id: p.channel, is_member: true } };
      case 'users.info': {
        const id = String(p.user ?? '');
        if (!id.startsWith(`U${String(n).padStart(6, '0')}`) && id !== fleetBotUserId(n)) return { ok: false, error: 'user_not_found' };
        return {
          ok: true,
          user: { id, team_id: fleetTeamId(n), name: id.toLowerCase(), real_name: id, tz: 'Europe/Paris', is_bot: id === fleetBotUserId(n), deleted: false, profile: { display_name: id, real_name: id } },
        };
      }
      case 'conversations.history': {
        // Newest first, after `oldest`; metadata only when asked for (what the scheduler's findPost reads).
        const withMeta = p.include_all_metadata === true || p.include_all_metadata === 'true';
        const found = this.tallies[n].posts.filter((m) => m.channel === p.channel && (p.oldest === undefined || Number(m.ts) > Number(p.oldest))).reverse();
        const limit = Number(p.limit ?? 100);
        const messages = found.slice(0, limit).map((m) => ({
          type: 'message',
          ts: m.ts,
          ...(withMeta && m.runId !== null ? { metadata: { event_type: 'kudos_job', event_payload: { run_id: m.runId } } } : {}),
        }));
        return { ok: true, messages, has_more: found.length > limit };
      }
      case 'chat.getPermalink':
        return { ok: true, channel: p.channel, permalink: `https://fleet-${n}.slack.com/archives/${p.channel}/p${String(p.message_ts).replace('.', '')}` };
      default:
        return { ok: true };
    }
  }

  private tooMany(res: http.ServerResponse, method: string, retryAfterSec: number): void {
    this.limited[method] = (this.limited[method] ?? 0) + 1;
    res.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(retryAfterSec) }).end(JSON.stringify({ ok: false, error: 'ratelimited' }));
  }
}

function tokenNumber(token: string, workspaces: number): number | undefined {
  const m = /^xoxb-fleet-(\d+)$/.exec(token);
  const n = m ? Number(m[1]) : NaN;
  return n >= 1 && n <= workspaces ? n : undefined;
}

function parseParams(raw: string, contentType: string): Record<string, any> {
  if (!raw) return {};
  const params: Record<string, any> = contentType.includes('application/json') ? JSON.parse(raw) : Object.fromEntries(new URLSearchParams(raw));
  for (const f of ['metadata', 'blocks']) {
    if (typeof params[f] === 'string') {
      try {
        params[f] = JSON.parse(params[f]);
      } catch {
        // Left as sent.
      }
    }
  }
  return params;
}

function json(res: http.ServerResponse, body: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

export interface FleetSlackHandle {
  url: string;
  /** Calls answered so far (any method), as of the worker's latest count (sent every second). */
  calls(): number;
  /** Accepted posts so far, as they arrive: workspace number and epoch ms. */
  onPost(listener: (n: number, at: number) => void): void;
  report(): Promise<FleetSlackReport>;
  stop(): Promise<void>;
}

/** Starts the fake on a worker thread of its own. */
export function startFleetSlack(opts: FleetSlackOptions): Promise<FleetSlackHandle> {
  // Registers tsx in the worker first, so it runs this TypeScript file like the rest of the benchmark.
  const file = JSON.stringify(__filename);
  const worker = new Worker(`require('tsx/cjs/api').register(); require(${file});`, { eval: true, workerData: { fleetSlack: opts } });
  const listeners: Array<(n: number, at: number) => void> = [];
  let reportWaiter: ((r: FleetSlackReport) => void) | undefined;
  let calls = 0;
  return new Promise((resolve, reject) => {
    worker.once('error', reject);
    worker.on('message', (m: ToParent) => {
      if (m.type === 'post') for (const l of listeners) l(m.n, m.at);
      else if (m.type === 'calls') calls = m.total;
      else if (m.type === 'report') reportWaiter?.(m.report);
      else if (m.type === 'ready') {
        resolve({
          url: `http://127.0.0.1:${m.port}/api/`,
          calls: () => calls,
          onPost: (l) => listeners.push(l),
          report: () =>
            new Promise((r) => {
              reportWaiter = r;
              worker.postMessage({ type: 'report' } satisfies ToWorker);
            }),
          stop: async () => {
            await worker.terminate();
          },
        });
      }
    });
  });
}

if (!isMainThread && (workerData as { fleetSlack?: FleetSlackOptions } | undefined)?.fleetSlack) {
  const send = (m: ToParent) => parentPort!.postMessage(m);
  const fake = new FleetSlack((workerData as { fleetSlack: FleetSlackOptions }).fleetSlack, (n, at) => send({ type: 'post', n, at }));
  parentPort!.on('message', (m: ToWorker) => {
    if (m.type === 'report') send({ type: 'report', report: fake.report() });
  });
  setInterval(() => send({ type: 'calls', total: fake.totalCalls }), 1_000).unref();
  void fake.start().then((port) => send({ type: 'ready', port }));
}
