import http from 'node:http';
import { closeNow, listenLocally } from './local-server';

/**
 * A small local stand-in for the Slack Web API (and for response_urls). It records every call and
 * answers like Slack does, errors included, so the real app can be driven end to end.
 */

export interface RecordedCall {
  method: string;
  params: Record<string, any>;
  headers: http.IncomingHttpHeaders;
}

export interface FakeUser {
  id: string;
  name?: string;
  real_name?: string;
  tz?: string;
  is_bot?: boolean;
  deleted?: boolean;
  is_admin?: boolean;
  is_owner?: boolean;
  team_id?: string;
}

/**
 * How a call fails: Slack's error answer, an HTTP status, or `lostAnswer`: Slack does what was asked (a post is
 * made) but the connection drops before the answer arrives.
 */
type Failure = { error: string } | { status: number; retryAfter?: number } | { lostAnswer: true };

interface Override {
  method: string;
  match?: (params: Record<string, any>) => boolean;
  failure: Failure;
  times: number;
}

const JSON_FIELDS = ['blocks', 'view', 'attachments', 'metadata'];

export class FakeSlack {
  readonly calls: RecordedCall[] = [];
  readonly responses: Array<{ id: string; body: Record<string, any> }> = [];
  readonly users = new Map<string, FakeUser>();
  auth: Record<string, unknown> = { ok: true, team_id: 'T0001', team: 'Acme', user_id: 'UKUDOSBOT', bot_id: 'B0001', url: 'https://acme.slack.com/' };
  private server = http.createServer((req, res) => this.handle(req, res));
  private overrides: Override[] = [];
  private gates = new Map<string, Promise<void>>();
  private waiters: Array<{ test: (c: RecordedCall) => boolean; resolve: (c: RecordedCall) => void }> = [];
  private tsCounter = 100;
  port = 0;
  /** Answer users.info for any id with a made-up person (benchmarks with many people). */
  autoUsers = false;
  /** The WebSocket URL handed out by apps.connections.open (Socket Mode). */
  socketUrl = '';
  /** Messages posted with chat.postMessage, oldest first, as conversations.history answers them. */
  readonly messages: Array<{ channel: string; ts: string; thread_ts?: string; text?: string; metadata?: Record<string, any> }> = [];
  /** When set, message timestamps follow this clock (an app under an injected clock), else a fixed epoch. */
  clock: (() => Date) | undefined;
  /**
   * Answers for methods the fake does not know (or replacing its own): given the call's params and its bearer
   * token (empty when none). OAuth (`oauth.v2.access`, …) and per-workspace behaviour plug in here.
   */
  readonly methods = new Map<string, (params: Record<string, any>, token: string) => Record<string, unknown>>();
  /** User groups, as usergroups.list and usergroups.users.list answer them (not emptied by reset). */
  readonly userGroups = new Map<string, { id: string; name: string; handle: string; users: string[]; date_delete?: number }>();

  async start(): Promise<this> {
    this.port = await listenLocally(this.server);
    return this;
  }

  stop(): Promise<void> {
    return closeNow(this.server);
  }

  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api/`;
  }

  responseUrl(id: string): string {
    return `http://127.0.0.1:${this.port}/respond/${id}`;
  }

  reset(): void {
    this.calls.length = 0;
    this.files.clear();
    this.responses.length = 0;
    this.overrides = [];
    this.messages.length = 0;
  }

  addUser(u: FakeUser): this {
    this.users.set(u.id, { tz: 'America/New_York', team_id: 'T0001', ...u });
    return this;
  }

  /** Holds every call of `method` until the returned function is called (a slow Slack, without timers). */
  hold(method: string): () => void {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    this.gates.set(method, gate);
    return () => {
      this.gates.delete(method);
      release();
    };
  }

  /** The next `times` calls of `method` (optionally matching) fail the way Slack fails. */
  fail(method: string, failure: Failure, opts: { times?: number; match?: (p: Record<string, any>) => boolean } = {}): this {
    this.overrides.push({ method, failure, times: opts.times ?? 1, match: opts.match });
    return this;
  }

  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Resolves on the first call (already made or future) that matches. */
  waitFor(method: string, test: (p: Record<string, any>) => boolean = () => true): Promise<RecordedCall> {
    const pred = (c: RecordedCall) => c.method === method && test(c.params);
    const found = this.calls.find(pred);
    if (found) return Promise.resolve(found);
    return new Promise((resolve) => this.waiters.push({ test: pred, resolve }));
  }

  /** Files uploaded (files.getUploadURLExternal, then the bytes), by file id; `sharedTo` once completed. */
  readonly files = new Map<string, { filename: string; length: number; bytes: Buffer; sharedTo?: string; title?: string; comment?: string }>();

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = req.url ?? '/';
    if (url.startsWith('/upload/')) {
      const file = this.files.get(url.slice('/upload/'.length));
      if (!file) return void res.writeHead(404).end();
      file.bytes = Buffer.concat(chunks);
      this.record({ method: 'file_upload', params: { id: url.slice('/upload/'.length), length: file.bytes.length }, headers: req.headers });
      return void res.writeHead(200, { 'content-type': 'text/plain' }).end('OK - ' + file.bytes.length);
    }
    if (url.startsWith('/respond/')) {
      // Failures and holds apply to response_urls too, under the method name 'response_url'.
      const body = raw ? JSON.parse(raw) : {};
      const gate = this.gates.get('response_url');
      if (gate) {
        this.record({ method: 'response_url:held', params: body, headers: req.headers });
        await gate;
      }
      const override = this.overrides.find((o) => o.method === 'response_url' && o.times > 0 && (!o.match || o.match(body)));
      if (override && 'status' in override.failure) {
        override.times--;
        this.record({ method: 'response_url:failed', params: body, headers: req.headers });
        return void res.writeHead(override.failure.status, { 'content-type': 'text/plain' }).end('failed');
      }
      this.responses.push({ id: url.slice('/respond/'.length), body });
      this.record({ method: 'response_url', params: body, headers: req.headers });
      return void res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    }
    const method = url.replace(/^\/api\//, '').split('?')[0];
    const params = parseParams(raw, String(req.headers['content-type'] ?? ''));
    const gate = this.gates.get(method);
    if (gate) {
      this.record({ method: `${method}:held`, params, headers: req.headers });
      await gate;
    }
    const call = { method, params, headers: req.headers };
    const override = this.overrides.find((o) => o.method === method && o.times > 0 && (!o.match || o.match(params)));
    if (override) {
      override.times--;
      this.record(call);
      const f = override.failure;
      if ('lostAnswer' in f) {
        this.answer(method, params, req.headers);
        return void res.socket?.destroy();
      }
      if ('status' in f) {
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (f.retryAfter !== undefined) headers['retry-after'] = String(f.retryAfter);
        return void res.writeHead(f.status, headers).end(JSON.stringify({ ok: false, error: f.status === 429 ? 'ratelimited' : 'internal_error' }));
      }
      return json(res, { ok: false, error: f.error });
    }
    this.record(call);
    json(res, this.answer(method, params, req.headers));
  }

  private record(call: RecordedCall): void {
    this.calls.push(call);
    const ready = this.waiters.filter((w) => w.test(call));
    this.waiters = this.waiters.filter((w) => !w.test(call));
    for (const w of ready) w.resolve(call);
  }

  private nextTs(): string {
    const seconds = this.clock ? Math.floor(this.clock().getTime() / 1000) : 1700000000;
    return `${seconds}.${String(++this.tsCounter).padStart(6, '0')}`;
  }

  private answer(method: string, p: Record<string, any>, headers: http.IncomingHttpHeaders): Record<string, unknown> {
    const custom = this.methods.get(method);
    if (custom) return custom(p, bearerToken(headers));
    switch (method) {
      case 'auth.test':
        return this.auth;
      case 'users.info': {
        const u = this.users.get(p.user) ?? (this.autoUsers ? { id: String(p.user), tz: 'Europe/Paris' } : undefined);
        if (!u) return { ok: false, error: 'user_not_found' };
        return {
          ok: true,
          user: {
            ...u,
            name: u.name ?? u.id.toLowerCase(),
            real_name: u.real_name ?? u.name ?? u.id,
            profile: { display_name: u.name ?? u.id, real_name: u.real_name ?? u.name ?? u.id },
          },
        };
      }
      case 'chat.postMessage': {
        const ts = this.nextTs();
        this.messages.push({ channel: p.channel, ts, text: p.text, ...(p.thread_ts ? { thread_ts: p.thread_ts } : {}), ...(p.metadata ? { metadata: p.metadata } : {}) });
        return { ok: true, channel: p.channel, ts, message: { text: p.text } };
      }
      case 'chat.postEphemeral':
        return { ok: true, message_ts: this.nextTs() };
      case 'chat.update':
        return { ok: true, channel: p.channel, ts: p.ts };
      case 'chat.getPermalink':
        return { ok: true, channel: p.channel, permalink: `https://acme.slack.com/archives/${p.channel}/p${String(p.message_ts).replace('.', '')}` };
      case 'views.open':
      case 'views.publish':
      case 'views.update':
      case 'views.push':
        return { ok: true, view: { id: `V${++this.tsCounter}`, hash: 'h' } };
      case 'usergroups.list': {
        const withCount = p.include_count === true || p.include_count === 'true';
        const usergroups = [...this.userGroups.values()].map(({ users, ...g }) => ({ ...g, date_delete: g.date_delete ?? 0, ...(withCount ? { user_count: users.length } : {}) }));
        return { ok: true, usergroups };
      }
      case 'usergroups.users.list': {
        const g = this.userGroups.get(String(p.usergroup));
        return g ? { ok: true, users: g.users } : { ok: false, error: 'no_such_subteam' };
      }
      case 'conversations.join':
        return { ok: true, channel: { id: p.channel } };
      case 'conversations.open':
        return { ok: true, channel: { id: `D${String(p.users).replace(/^U/, '')}` } };
      case 'files.getUploadURLExternal': {
        const id = `F${++this.tsCounter}`;
        this.files.set(id, { filename: String(p.filename), length: Number(p.length), bytes: Buffer.alloc(0) });
        return { ok: true, upload_url: `http://127.0.0.1:${this.port}/upload/${id}`, file_id: id };
      }
      case 'files.completeUploadExternal': {
        const list = (typeof p.files === 'string' ? JSON.parse(p.files) : p.files) as Array<{ id: string; title?: string }>;
        for (const f of list) {
          const file = this.files.get(f.id);
          if (!file || file.bytes.length !== file.length) return { ok: false, error: 'file_not_found' };
          Object.assign(file, { sharedTo: String(p.channel_id), title: f.title, comment: p.initial_comment });
        }
        return { ok: true, files: list.map((f) => ({ id: f.id, title: f.title })) };
      }
      case 'apps.connections.open':
        return this.socketUrl ? { ok: true, url: this.socketUrl } : { ok: false, error: 'invalid_auth' };
      case 'conversations.history': {
        // Newest first, after `oldest`, at most `limit`; metadata only when asked for (include_all_metadata).
        const withMeta = p.include_all_metadata === true || p.include_all_metadata === 'true';
        // A thread's replies are not in the channel's history.
        const found = this.messages
          .filter((m) => m.channel === p.channel && !m.thread_ts && (p.oldest === undefined || Number(m.ts) > Number(p.oldest)))
          .reverse();
        const limit = Number(p.limit ?? 100);
        const messages = found.slice(0, limit).map(({ ts, text, metadata }) => ({ type: 'message', ts, text, ...(withMeta && metadata ? { metadata } : {}) }));
        return { ok: true, messages, has_more: found.length > limit };
      }
      case 'conversations.replies': {
        // The thread's messages, oldest first, after `oldest`; metadata only when asked for.
        const withMeta = p.include_all_metadata === true || p.include_all_metadata === 'true';
        const found = this.messages.filter((m) => m.channel === p.channel && m.thread_ts === p.ts && (p.oldest === undefined || Number(m.ts) > Number(p.oldest)));
        const messages = found.map(({ ts, text, metadata }) => ({ type: 'message', ts, text, ...(withMeta && metadata ? { metadata } : {}) }));
        return { ok: true, messages, has_more: false };
      }
      default:
        return { ok: true };
    }
  }
}

function parseParams(raw: string, contentType: string): Record<string, any> {
  if (!raw) return {};
  const params: Record<string, any> = contentType.includes('application/json') ? JSON.parse(raw) : Object.fromEntries(new URLSearchParams(raw));
  for (const f of JSON_FIELDS) {
    if (typeof params[f] === 'string') {
      try {
        params[f] = JSON.parse(params[f]);
      } catch {
        /* leave as sent */
      }
    }
  }
  return params;
}

function json(res: http.ServerResponse, body: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/** The token a Web API call carries (`Authorization: Bearer …`, or a `token` form field), else ''. */
export function bearerToken(headers: http.IncomingHttpHeaders): string {
  const auth = String(headers.authorization ?? '');
  return auth.startsWith('Bearer ') ? auth.slice('Bearer '.length) : '';
}
