import http from 'node:http';
import { closeNow, listenLocally } from './local-server';

/**
 * A small local stand-in for the Bot Connector REST API (the `serviceUrl` of every test activity). It records
 * what the bot sends and answers the way the connector does, errors included:
 *   POST /v3/conversations                                  create a conversation (a personal chat)
 *   POST /v3/conversations/{id}/activities                  a new message in the conversation
 *   POST /v3/conversations/{id}/activities/{activityId}     a reply (proactive sends carry a fresh uuid here)
 *   PUT  /v3/conversations/{id}/activities/{activityId}     update a message
 *   DELETE …/activities/{activityId}                        delete a message
 *   GET  /v3/conversations/{id}/members/{userId}            one member, by Teams id or Entra object id
 *   GET  /v3/conversations/{id}/pagedmembers                the members
 */

export type ConnectorCallKind = 'create' | 'post' | 'reply' | 'update' | 'delete' | 'member' | 'members';

export interface ConnectorCall {
  kind: ConnectorCallKind;
  conversationId: string;
  /** For replies, updates and deletes: the activity id in the path. */
  activityId?: string;
  /** For member lookups. */
  userId?: string;
  body: any;
  headers: http.IncomingHttpHeaders;
  /** The id the fake gave a new message. */
  newId?: string;
}

export interface FakeMember {
  id: string;
  name: string;
  aadObjectId: string;
  givenName?: string;
  surname?: string;
  email?: string;
  userPrincipalName?: string;
  tenantId?: string;
  userRole?: string;
}

interface Failure {
  kind: ConnectorCallKind;
  status: number;
  code: string;
  times: number;
  match?: (c: ConnectorCall) => boolean;
}

export class FakeConnector {
  readonly calls: ConnectorCall[] = [];
  readonly members = new Map<string, FakeMember>();
  private server = http.createServer((req, res) => void this.handle(req, res));
  private failures: Failure[] = [];
  private waiters: Array<{ test: (c: ConnectorCall) => boolean; resolve: (c: ConnectorCall) => void }> = [];
  private counter = 0;
  port = 0;

  async start(): Promise<this> {
    this.port = await listenLocally(this.server);
    return this;
  }

  stop(): Promise<void> {
    return closeNow(this.server);
  }

  /** What test activities carry as `serviceUrl`. */
  get url(): string {
    return `http://127.0.0.1:${this.port}/`;
  }

  reset(): void {
    this.calls.length = 0;
    this.failures = [];
  }

  addMember(m: FakeMember): this {
    this.members.set(m.id, m);
    return this;
  }

  /** The next `times` calls of `kind` (optionally matching) fail with the connector's error shape. */
  fail(kind: ConnectorCallKind, status: number, code: string, opts: { times?: number; match?: (c: ConnectorCall) => boolean } = {}): this {
    this.failures.push({ kind, status, code, times: opts.times ?? 1, match: opts.match });
    return this;
  }

  /** Messages the bot sent (new posts and replies), in order. */
  sent(): ConnectorCall[] {
    return this.calls.filter((c) => c.kind === 'post' || c.kind === 'reply');
  }

  callsOf(kind: ConnectorCallKind): ConnectorCall[] {
    return this.calls.filter((c) => c.kind === kind);
  }

  /** Resolves on the first call (made already, or to come) that matches. */
  waitFor(test: (c: ConnectorCall) => boolean): Promise<ConnectorCall> {
    const found = this.calls.find(test);
    if (found) return Promise.resolve(found);
    return new Promise((resolve) => this.waiters.push({ test, resolve }));
  }

  private nextId(): string {
    return `17000000000${String(++this.counter).padStart(2, '0')}`;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const body = raw ? JSON.parse(raw) : undefined;
    const path = (req.url ?? '/').split('?')[0].replace(/^\/+/, '/');
    const seg = path.split('/').filter(Boolean).map(decodeURIComponent);
    if (seg[0] !== 'v3' || seg[1] !== 'conversations') return void json(res, 404, { error: { code: 'NotFound', message: path } });
    const method = req.method ?? 'GET';
    let call: ConnectorCall;
    if (seg.length === 2 && method === 'POST') call = { kind: 'create', conversationId: '', body, headers: req.headers };
    else if (seg[3] === 'activities' && method === 'POST') call = { kind: seg[4] ? 'reply' : 'post', conversationId: seg[2], activityId: seg[4], body, headers: req.headers };
    else if (seg[3] === 'activities' && method === 'PUT') call = { kind: 'update', conversationId: seg[2], activityId: seg[4], body, headers: req.headers };
    else if (seg[3] === 'activities' && method === 'DELETE') call = { kind: 'delete', conversationId: seg[2], activityId: seg[4], body, headers: req.headers };
    else if (seg[3] === 'members' && seg[4] && method === 'GET') call = { kind: 'member', conversationId: seg[2], userId: seg[4], body, headers: req.headers };
    else if ((seg[3] === 'pagedmembers' || seg[3] === 'members') && method === 'GET') call = { kind: 'members', conversationId: seg[2], body, headers: req.headers };
    else return void json(res, 404, { error: { code: 'NotFound', message: `${method} ${path}` } });

    const failure = this.failures.find((f) => f.kind === call.kind && f.times > 0 && (!f.match || f.match(call)));
    if (failure) {
      failure.times--;
      this.record(call);
      return void json(res, failure.status, { error: { code: failure.code, message: `fake connector: ${failure.code}` } });
    }
    switch (call.kind) {
      case 'create': {
        const id = `a:personal-${this.nextId()}`;
        call.newId = id;
        this.record(call);
        return void json(res, 201, { id, activityId: this.nextId() });
      }
      case 'post':
      case 'reply': {
        call.newId = this.nextId();
        this.record(call);
        return void json(res, 201, { id: call.newId });
      }
      case 'update':
        this.record(call);
        return void json(res, 200, { id: call.activityId });
      case 'delete':
        this.record(call);
        return void json(res, 200, {});
      case 'member': {
        this.record(call);
        const m = this.members.get(call.userId!) ?? [...this.members.values()].find((x) => x.aadObjectId === call.userId);
        if (!m) return void json(res, 404, { error: { code: 'MemberNotFoundInConversation', message: 'The member was not found in the conversation.' } });
        return void json(res, 200, { ...m, objectId: m.aadObjectId });
      }
      case 'members':
        this.record(call);
        return void json(res, 200, { members: [...this.members.values()].map((m) => ({ ...m, objectId: m.aadObjectId })) });
    }
  }

  private record(call: ConnectorCall): void {
    this.calls.push(call);
    const ready = this.waiters.filter((w) => w.test(call));
    this.waiters = this.waiters.filter((w) => !w.test(call));
    for (const w of ready) w.resolve(call);
  }
}

function json(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
}

/** The Adaptive Card inside a sent activity, if any. */
export function cardOf(activity: any): any {
  return activity?.attachments?.find((a: any) => a.contentType === 'application/vnd.microsoft.card.adaptive')?.content;
}

/** All text a card shows, flattened (TextBlocks, facts, choices), for assertions on wording. */
export function cardText(card: any): string {
  const out: string[] = [];
  const walk = (x: any) => {
    if (Array.isArray(x)) return x.forEach(walk);
    if (!x || typeof x !== 'object') return;
    for (const [k, v] of Object.entries(x)) {
      if ((k === 'text' || k === 'title' || k === 'value' || k === 'label') && typeof v === 'string') out.push(v);
      else walk(v);
    }
  };
  walk(card?.body ?? card);
  return out.join('\n');
}
