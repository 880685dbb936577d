import http from 'node:http';
import { closeNow, listenLocally } from '../helpers/local-server';
import { testDatabases } from '../helpers/db';
import { useSlackE2E } from '../helpers/slack-e2e';

/**
 * A forward proxy as a self-hoster's network has one: it takes absolute-URI requests (`POST http://host/path`,
 * how a client sends a plain-http target to a proxy), forwards them, and records what went through it. CONNECT
 * (how https targets go) is recorded and refused: the fake Slack API here is plain http.
 */
class RecordingProxy {
  readonly forwarded: string[] = [];
  readonly tunnels: string[] = [];
  private readonly server = http.createServer((req, res) => this.forward(req, res));
  url = '';

  async start(): Promise<this> {
    this.server.on('connect', (req: http.IncomingMessage, socket: import('node:net').Socket) => {
      this.tunnels.push(String(req.url));
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
    });
    this.url = `http://127.0.0.1:${await listenLocally(this.server)}`;
    return this;
  }

  /** The Slack Web API methods that went through, in order. */
  methods(): string[] {
    return this.forwarded.map((u) => new URL(u).pathname.split('/').pop() ?? '');
  }

  stop(): Promise<void> {
    return closeNow(this.server);
  }

  private forward(req: http.IncomingMessage, res: http.ServerResponse): void {
    const target = String(req.url);
    if (!/^https?:\/\//.test(target)) {
      res.writeHead(400).end('not a proxy request');
      return;
    }
    this.forwarded.push(target);
    const upstream = http.request(target, { method: req.method, headers: { ...req.headers, host: new URL(target).host } }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  }
}

const kind = testDatabases()[0]!;
const proxy = new RecordingProxy();
beforeAll(() => proxy.start());
afterAll(() => proxy.stop());

describe('outbound calls with HTTPS_PROXY and HTTP_PROXY set', () => {
  // Filled in once the proxy listens, before the app starts (hooks run in the order they are declared).
  const env: Record<string, string> = {};
  beforeAll(() => {
    env.HTTPS_PROXY = proxy.url;
    env.HTTP_PROXY = proxy.url;
  });
  const e = useSlackE2E(kind, { env });

  it('sends every Slack Web API call of a /thanks through the proxy', async () => {
    // The app's start-up call went through it too.
    expect(proxy.methods()).toContain('auth.test');
    proxy.forwarded.length = 0;

    const res = await e.thanks('<@UALICE> for fixing the refund flow #ownership');
    expect(res.json.text).toContain('Kudos sent to <@UALICE>');

    const called = e.fake.calls.map((c) => c.method);
    expect(called).toEqual(expect.arrayContaining(['users.info', 'chat.postMessage']));
    // Everything the fake Slack answered came through the proxy, and nothing went round it.
    expect(proxy.methods().sort()).toEqual([...called].sort());
    expect(proxy.forwarded.every((u) => u.startsWith(e.fake.apiUrl.replace(/\/?$/, '/')))).toBe(true);
    expect(proxy.tunnels).toEqual([]);
  });
});

describe('outbound calls with NO_PROXY naming the Slack API host', () => {
  const env: Record<string, string> = {};
  beforeAll(() => {
    env.HTTPS_PROXY = proxy.url;
    env.HTTP_PROXY = proxy.url;
    // Compared as written: it is 127.0.0.1 the app calls, so that is the name to list.
    env.NO_PROXY = 'localhost,127.0.0.1';
  });
  const e = useSlackE2E(kind, { env });

  it('calls Slack directly', async () => {
    proxy.forwarded.length = 0;
    const res = await e.thanks('<@UBOB> for the careful migration plan #ownership');
    expect(res.json.text).toContain('Kudos sent to <@UBOB>');
    expect(e.fake.calls.map((c) => c.method)).toEqual(expect.arrayContaining(['users.info', 'chat.postMessage']));
    expect(proxy.forwarded).toEqual([]);
    expect(proxy.tunnels).toEqual([]);
  });
});
