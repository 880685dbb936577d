import { createSign, generateKeyPairSync, type KeyObject } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TeamsConfig } from '../../src/config';
import { Background } from '../../src/server/background';
import { HttpServer } from '../../src/server/http';
import { TOKEN_CHECK_TIMEOUT_MS } from '../../src/teams/adapter';
import { TeamsAdapter } from '../../src/teams/app';
import { createTestDb, type TestDb } from '../helpers/db';
import { captureLogs } from '../helpers/logs';
import { ALICE, BOT, channelMessage } from '../helpers/teams-activities';
import { closeNow, listenLocally } from '../helpers/local-server';

/**
 * Token checks in production mode when Microsoft's sign-in metadata (OpenID configuration and signing keys)
 * cannot be had, and when it can but the token is forged. The bot points botbuilder's metadata URLs at a local
 * server standing in for login.botframework.com; everything else is the public cloud's configuration.
 */

const APP_ID = '8d7c6b5a-1234-4e5f-9a8b-0c1d2e3f4a5b';
const ISSUER = 'https://api.botframework.com';
const UNAUTHORIZED = 'Unauthorized';
const UNAVAILABLE = 'Service unavailable: cannot verify the sender right now';
/** What a body must not show: error names, stack frames, URLs, socket errors. */
const INTERNAL = /error|\bat |http|econn|127\.0\.0\.1|\.js|openid|keys|jwt|signature|token/i;

const CONFIG: TeamsConfig = { appId: APP_ID, appPassword: 'not-a-real-secret', appType: 'MultiTenant', tenantId: undefined, allowUnauthenticated: false };

interface Jwk {
  kty: string;
  n: string;
  e: string;
  kid: string;
  endorsements: string[];
}

function signingKey(kid: string): { kid: string; privateKey: KeyObject; jwk: Jwk } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const { kty, n, e } = publicKey.export({ format: 'jwk' }) as { kty: string; n: string; e: string };
  return { kid, privateKey, jwk: { kty, n, e, kid, endorsements: ['msteams'] } };
}

const b64url = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

/** An RS256 token as the Bot Connector sends one, signed with `key` (claims as given override the usual). */
function token(key: { kid: string; privateKey: KeyObject }, serviceUrl: string, claims: Record<string, unknown> = {}): string {
  const now = Math.floor(Date.now() / 1000);
  const payload = { iss: ISSUER, aud: APP_ID, serviceurl: serviceUrl, nbf: now - 60, iat: now - 60, exp: now + 3600, ...claims };
  const data = `${b64url({ alg: 'RS256', typ: 'JWT', kid: key.kid })}.${b64url(payload)}`;
  return `${data}.${createSign('RSA-SHA256').update(data).sign(key.privateKey).toString('base64url')}`;
}

type Mode = 'ok' | 'config-500' | 'keys-500' | 'hang';

/**
 * A stand-in for the sign-in metadata endpoint: `/{mode}/{n}/openid` is the OpenID configuration and
 * `/{mode}/{n}/keys` the signing keys. A fresh `n` per bot, since botbuilder caches keys per URL for the process.
 */
class FakeSignIn {
  readonly published = signingKey('published-key');
  readonly requests: string[] = [];
  private waiters: Array<(path: string) => void> = [];
  private server = http.createServer((req, res) => this.handle(req, res));
  private counter = 0;
  private port = 0;

  async start(): Promise<this> {
    this.port = await listenLocally(this.server);
    return this;
  }

  stop(): Promise<void> {
    return closeNow(this.server);
  }

  metadataUrl(mode: Mode): string {
    return `http://127.0.0.1:${this.port}/${mode}/${++this.counter}/openid`;
  }

  /** Resolves on the next request the endpoint receives. */
  nextRequest(): Promise<string> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const path = req.url ?? '/';
    this.requests.push(path);
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w(path);
    const [, mode, n, what] = path.split('/');
    if (mode === 'hang') return; // never answers
    const fail = (mode === 'config-500' && what === 'openid') || (mode === 'keys-500' && what === 'keys');
    if (fail) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end('Error: upstream failure at http://10.0.0.1/internal (stack trace follows)');
      return;
    }
    const body = what === 'openid' ? { issuer: ISSUER, jwks_uri: `http://127.0.0.1:${this.port}/${mode}/${n}/keys` } : { keys: [this.published.jwk] };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }
}

/** A port nothing listens on (connections are refused). */
async function closedPort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** botbuilder's public-cloud settings, with the channel's and the Emulator's metadata at `metadataUrl`. */
function settingsWith(metadataUrl: string) {
  return {
    ToChannelFromBotLoginUrl: 'https://login.microsoftonline.com/botframework.com',
    ToChannelFromBotOAuthScope: 'https://api.botframework.com',
    ToBotFromChannelTokenIssuer: ISSUER,
    OAuthUrl: 'https://api.botframework.com',
    ToBotFromChannelOpenIdMetadataUrl: metadataUrl,
    ToBotFromEmulatorOpenIdMetadataUrl: metadataUrl,
    CallerId: 'urn:botframework:azure',
    ValidateAuthority: true,
  };
}

describe('Teams token checks when the signing keys cannot be had, or the token is forged', () => {
  const { lines, logger } = captureLogs();
  let db: TestDb;
  let signIn: FakeSignIn;
  let background: Background;
  const stops: Array<() => Promise<void>> = [];
  const serviceUrl = 'http://127.0.0.1:9/';

  beforeAll(async () => {
    // botbuilder prints its own diagnostics for some rejected tokens; the app's log is what these tests read.
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
    db = await createTestDb('pglite');
    signIn = await new FakeSignIn().start();
    background = new Background(logger);
  });
  afterAll(async () => {
    for (const stop of stops) await stop();
    await signIn?.stop();
    await db?.close();
    jest.restoreAllMocks();
  });
  beforeEach(() => {
    lines.length = 0;
  });

  /** The app's HTTP server with Teams on, token checks against `metadataUrl`. */
  async function startBot(metadataUrl: string): Promise<string> {
    const teams = new TeamsAdapter({
      config: CONFIG,
      db: db.db,
      logger,
      clock: () => new Date(),
      background,
      seedAdmins: [],
      tokenCheck: { settings: settingsWith(metadataUrl) },
    });
    const server = new HttpServer({ health: async () => ({ status: 200 }), ready: async () => ({ status: 200 }), teams }, logger);
    const port = await server.listen(0, '127.0.0.1');
    stops.push(() => server.stop(1_000));
    return `http://127.0.0.1:${port}`;
  }

  async function post(url: string, activity: unknown, bearer: string): Promise<{ status: number; text: string; retryAfter: string | null }> {
    const res = await fetch(`${url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
      body: JSON.stringify(activity),
    });
    const text = await res.text();
    await background.idle();
    return { status: res.status, text, retryAfter: res.headers.get('retry-after') };
  }

  const kudos = () => channelMessage(serviceUrl, { parts: [BOT, ' thanks ', ALICE, ' for the careful review'] });
  /** An activity the bot accepts and does nothing with (no outbound call), to show a good token gets through. */
  const typing = () => ({ ...kudos(), type: 'typing', text: undefined, entities: [] });
  const forger = signingKey('published-key');

  async function nothingRecorded(): Promise<void> {
    for (const table of ['event_inbox', 'kudos', 'person', 'conversation_ref'] as const) {
      const r = await db.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      expect(Number(r.n)).toBe(0);
    }
  }

  function expectUnavailable(res: { status: number; text: string; retryAfter: string | null }): void {
    expect({ status: res.status, text: res.text }).toEqual({ status: 503, text: UNAVAILABLE });
    expect(res.text).not.toMatch(INTERNAL);
    expect(Number(res.retryAfter)).toBeGreaterThan(0);
  }

  function expectUnauthorized(res: { status: number; text: string; retryAfter: string | null }): void {
    expect({ status: res.status, text: res.text }).toEqual({ status: 401, text: UNAUTHORIZED });
    expect(res.retryAfter).toBeNull();
  }

  /** The warning the app logged for the last request, which names the cause but never carries the token. */
  function warning(bearer: string): string {
    const log = lines.join('');
    expect(log).not.toContain(bearer);
    const warn = lines.map((l) => JSON.parse(l)).find((l) => l.level === 40 && /token/.test(l.msg));
    expect(warn).toBeDefined();
    return JSON.stringify(warn);
  }

  it('answers 503 with a fixed body when the metadata endpoint refuses connections', async () => {
    const bot = await startBot(`http://127.0.0.1:${await closedPort()}/openid`);
    const bearer = token(forger, serviceUrl);
    const res = await post(bot, kudos(), bearer);
    expectUnavailable(res);
    expect(warning(bearer)).toContain('ECONNREFUSED');
    await nothingRecorded();
  });

  it('answers 503 with a fixed body when the OpenID configuration answers 500', async () => {
    const bot = await startBot(signIn.metadataUrl('config-500'));
    const bearer = token(forger, serviceUrl);
    const res = await post(bot, kudos(), bearer);
    expectUnavailable(res);
    expect(warning(bearer)).toContain('500');
    await nothingRecorded();
  });

  it('answers 503 with a fixed body when the signing keys answer 500', async () => {
    const bot = await startBot(signIn.metadataUrl('keys-500'));
    const bearer = token(forger, serviceUrl);
    const res = await post(bot, kudos(), bearer);
    expectUnavailable(res);
    expect(warning(bearer)).toContain('500');
    await nothingRecorded();
  });

  it('answers 503 within the time limit when the metadata endpoint never answers', async () => {
    const bot = await startBot(signIn.metadataUrl('hang'));
    const bearer = token(forger, serviceUrl);
    const fetched = signIn.nextRequest();
    const answer = post(bot, kudos(), bearer);
    await fetched; // the bot is now waiting on an endpoint that never answers
    const asked = Date.now();
    const res = await answer;
    expect(Date.now() - asked).toBeLessThan(TOKEN_CHECK_TIMEOUT_MS + 2_000);
    expectUnavailable(res);
    warning(bearer);
    await nothingRecorded();
  }, 15_000);

  it('accepts a token signed with the published key, and refuses one with the same key id but a forged signature with 401', async () => {
    const bot = await startBot(signIn.metadataUrl('ok'));
    const genuine = await post(bot, typing(), token(signIn.published, serviceUrl));
    expect(genuine.status).toBe(200);

    const bearer = token(forger, serviceUrl);
    const res = await post(bot, kudos(), bearer);
    expectUnauthorized(res);
    warning(bearer);
    await nothingRecorded();
  });

  it('refuses with 401 a token signed by a key that is not published, an expired one, and one for another bot', async () => {
    const bot = await startBot(signIn.metadataUrl('ok'));
    const cases = [
      token(signingKey('unknown-key'), serviceUrl),
      token(signIn.published, serviceUrl, { nbf: 1_600_000_000, iat: 1_600_000_000, exp: 1_600_003_600 }),
      token(signIn.published, serviceUrl, { aud: '00000000-0000-4000-8000-000000000000' }),
      token(signIn.published, 'http://127.0.0.1:10/'),
    ];
    for (const bearer of cases) {
      lines.length = 0;
      expectUnauthorized(await post(bot, kudos(), bearer));
      warning(bearer);
    }
    await nothingRecorded();
  });
});
