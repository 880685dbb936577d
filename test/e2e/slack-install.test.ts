import { createHmac, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { InstallationStore } from '@slack/oauth';
import { Secrets } from '../../src/core/secrets';
import { HttpServer } from '../../src/server/http';
import { PostgresInstallationStore } from '../../src/slack/installation-store';
import { SlackInstallRoutes, type SlackInstallRoutesOptions } from '../../src/slack/oauth';
import { STATE_TTL_MS } from '../../src/slack/oauth-state';
import { BOT_SCOPES } from '../../src/slack/scopes';
import { createTestDb, testDatabases, type TestDb } from '../helpers/db';
import { FakeSlack } from '../helpers/fake-slack';
import { FakeSlackOAuth, type OAuthGrant } from '../helpers/fake-slack-oauth';
import { closeNow, listenLocally } from '../helpers/local-server';
import { captureLogs } from '../helpers/logs';
import { comeBack as comeBackTo, installThroughBrowser, openInstallPage as openInstallPageAt, STATE_COOKIE as COOKIE } from '../helpers/slack-install';

/**
 * "Add to Slack" end to end: the real HTTP server with the install routes, on the test database, against the
 * fake Slack Web API playing oauth.v2.access and auth.test. The browser's part (following the button to Slack,
 * Slack sending it back with a code, the state cookie) is done by hand with fetch.
 */

const CLIENT = { id: '1111.2222', secret: 'client-secret-3f9a1c77d2e4b8' };
const STATE_SECRET = 'state-secret-8c1e5b0a9f3d7e21';
const REDIRECT_URI = 'https://kudos.example.com/slack/oauth_redirect';
const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'";

function acme(extra: Partial<OAuthGrant> = {}): OAuthGrant {
  return { team: { id: 'T0ACME', name: 'Acme' }, botToken: `xoxb-acme-${randomBytes(8).toString('hex')}`, scopes: BOT_SCOPES, ...extra };
}

function expectPageHeaders(res: Response): void {
  expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
  expect(res.headers.get('content-security-policy')).toBe(CSP);
  expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
}

/** A forward proxy for plain-http targets (absolute-URI requests), recording the Web API methods sent through. */
class RecordingProxy {
  readonly methods: string[] = [];
  private readonly server = http.createServer((req, res) => {
    const target = String(req.url);
    if (!target.startsWith('http://')) return void res.writeHead(400).end();
    this.methods.push(new URL(target).pathname.split('/').pop() ?? '');
    const upstream = http.request(target, { method: req.method, headers: { ...req.headers, host: new URL(target).host } }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  url = '';
  async start(): Promise<this> {
    this.url = `http://127.0.0.1:${await listenLocally(this.server)}`;
    return this;
  }
  stop(): Promise<void> {
    return closeNow(this.server);
  }
}

describe.each(testDatabases())('"Add to Slack" on %s', (kind) => {
  let db: TestDb;
  let fake: FakeSlack;
  let oauth: FakeSlackOAuth;
  let app: { url: string; stop(): Promise<void> };
  const logs = captureLogs('debug');
  const secrets = Secrets.fromText(randomBytes(32).toString('base64'));
  let offsetMs = 0;
  const clock = () => new Date(Date.now() + offsetMs);

  /** The HTTP server with the install routes (and health, ready), on an ephemeral port. */
  async function startServer(overrides: Partial<SlackInstallRoutesOptions> = {}): Promise<{ url: string; stop(): Promise<void> }> {
    const routes = new SlackInstallRoutes({
      config: { clientId: CLIENT.id, clientSecret: CLIENT.secret, stateSecret: STATE_SECRET, redirectUri: REDIRECT_URI },
      apiUrl: fake.apiUrl,
      store: new PostgresInstallationStore(db.db, secrets),
      db: db.db,
      logger: logs.logger,
      clock,
      scopes: BOT_SCOPES,
      ...overrides,
    });
    const server = new HttpServer(
      { health: async () => ({ status: 200, body: 'ok' }), ready: async () => ({ status: 200, body: 'ready' }), slackInstall: routes },
      logs.logger,
    );
    const port = await server.listen(0, '127.0.0.1');
    return {
      url: `http://127.0.0.1:${port}`,
      stop: async () => {
        await server.stop(1_000);
        await routes.close();
      },
    };
  }

  beforeAll(async () => {
    db = await createTestDb(kind);
    fake = await new FakeSlack().start();
    oauth = new FakeSlackOAuth(fake, CLIENT);
    app = await startServer();
  });
  afterAll(async () => {
    await app?.stop();
    await fake?.stop();
    await db?.close();
  });
  beforeEach(async () => {
    await db.reset();
    fake.reset();
    fake.methods.clear();
    oauth.reset();
    oauth.install();
    logs.lines.length = 0;
    offsetMs = 0;
  });

  const openInstallPage = (base = app.url) => openInstallPageAt(base);
  const comeBack = (query: Record<string, string>, cookie?: string, base = app.url) => comeBackTo(base, query, cookie);
  const install = (g: OAuthGrant, base = app.url) => installThroughBrowser(base, oauth, g);

  const installations = () => db.db.selectFrom('slack_installation').selectAll().execute();
  const states = () => db.db.selectFrom('slack_oauth_state').selectAll().execute();
  const exchanges = () => fake.callsTo('oauth.v2.access').length;

  /** Nothing secret reached the logs (at debug level, the most they ever show). */
  function expectLogsWithout(...secretValues: string[]): void {
    const all = logs.lines.join('\n');
    for (const s of [CLIENT.secret, STATE_SECRET, ...secretValues]) expect(all).not.toContain(s);
  }

  it('installs Kudos in a workspace: install page, state in the authorize link, redirect with the code, success page', async () => {
    const start = await openInstallPage();
    expect(start.res.status).toBe(200);
    expectPageHeaders(start.res);
    expect(start.html).toContain('<h1>Add Kudos to Slack</h1>');
    for (const scope of BOT_SCOPES) expect(start.html).toContain(`<code>${scope}</code>`);
    // Slack's authorize page, for this app, these scopes and this redirect, with the state also in the cookie.
    expect(`${start.authorizeUrl.origin}${start.authorizeUrl.pathname}`).toBe('https://slack.com/oauth/v2/authorize');
    expect(start.authorizeUrl.searchParams.get('client_id')).toBe(CLIENT.id);
    expect(start.authorizeUrl.searchParams.get('scope')).toBe(BOT_SCOPES.join(','));
    expect(start.authorizeUrl.searchParams.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(start.state).toMatch(/^[A-Za-z0-9_-]{22}\.[0-9]+\.[A-Za-z0-9_-]{43}$/);
    expect(start.cookie).toBe(`${COOKIE}=${start.state}`);
    expect(await states()).toHaveLength(1);

    const grant = acme({ installerId: 'UADMIN', appId: 'A0KUDOS', botId: 'B0ACME', botUserId: 'UACMEBOT' });
    const code = oauth.grant('code-acme-1', grant);
    const back = await comeBack({ code, state: start.state }, start.cookie);
    expect(back.res.status).toBe(200);
    expectPageHeaders(back.res);
    expect(back.html).toContain('<h1>Kudos is installed in Acme</h1>');
    expect(back.html).toContain('/invite @Kudos');
    expect(back.html).toContain('/thanks');
    expect(back.html).toContain('App Home');
    expect(back.html).toContain('href="slack://app?team=T0ACME&amp;id=A0KUDOS"');
    // The browser's copy of the state is cleared, and the stored one is used up.
    expect(back.res.headers.getSetCookie().join('\n')).toContain(`${COOKIE}=deleted`);
    expect(await states()).toEqual([]);

    // Slack was asked once, with the code and this app's credentials and redirect.
    const calls = fake.callsTo('oauth.v2.access');
    expect(calls).toHaveLength(1);
    expect(calls[0]!.params).toMatchObject({ code, client_id: CLIENT.id, client_secret: CLIENT.secret, redirect_uri: REDIRECT_URI });

    const rows = await installations();
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(row).toMatchObject({
      install_key: 'T0ACME',
      team_id: 'T0ACME',
      team_name: 'Acme',
      is_enterprise_install: false,
      app_id: 'A0KUDOS',
      bot_id: 'B0ACME',
      bot_user_id: 'UACMEBOT',
      bot_scopes: BOT_SCOPES.join(','),
      installer_user_id: 'UADMIN',
      bot_refresh_token_sealed: null,
      bot_token_expires_at: null,
    });
    // The token is sealed: not in the column, nor anywhere in the row; the key opens it.
    expect(row.bot_token_sealed).not.toContain(grant.botToken);
    expect(JSON.stringify(row)).not.toContain(grant.botToken);
    expect(secrets.open(row.bot_token_sealed)).toBe(grant.botToken);
    const ws = await db.db.selectFrom('workspace').selectAll().where('external_id', '=', 'T0ACME').executeTakeFirstOrThrow();
    expect(ws).toMatchObject({ platform: 'slack', name: 'Acme', bot_user_id: 'UACMEBOT', uninstalled_at: null });
    expect(row.workspace_id).toBe(ws.id);

    // One info line with the ids only; no code, token or secret anywhere in the logs.
    const installed = logs.lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'Kudos installed');
    expect(installed).toHaveLength(1);
    expect(installed[0]).toMatchObject({ level: 30, teamId: 'T0ACME', isEnterpriseInstall: false });
    expectLogsWithout(grant.botToken, code, start.state);
  });

  it('installs Kudos org-wide on Enterprise Grid, kept under the org', async () => {
    const grant: OAuthGrant = {
      team: null,
      enterprise: { id: 'E0GRID', name: 'Globex Grid' },
      isEnterpriseInstall: true,
      botToken: 'xoxb-org-wide-7d1e0c',
      scopes: BOT_SCOPES,
      url: 'https://globex.enterprise.slack.com/',
    };
    const back = await install(grant);
    expect(back.res.status).toBe(200);
    expect(back.html).toContain('<h1>Kudos is installed in Globex Grid</h1>');
    expect(back.html).toContain('org’s app management');
    const rows = await installations();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ install_key: 'E0GRID', team_id: null, enterprise_id: 'E0GRID', enterprise_name: 'Globex Grid', is_enterprise_install: true });
    expect(rows[0]!.bot_token_sealed).not.toContain(grant.botToken);
    const installed = logs.lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'Kudos installed');
    expect(installed).toMatchObject({ enterpriseId: 'E0GRID', isEnterpriseInstall: true });
    expect(installed).not.toHaveProperty('teamId');
  });

  it('refuses a state used already (400), and installs nothing more', async () => {
    const first = await install(acme());
    expect(first.res.status).toBe(200);
    const before = await installations();

    // The same state and cookie again, with a fresh code for another workspace.
    const code = oauth.grant('code-other', acme({ team: { id: 'T0OTHER', name: 'Other' } }));
    const again = await comeBack({ code, state: first.start.state }, first.start.cookie);
    expect(again.res.status).toBe(400);
    expectPageHeaders(again.res);
    expect(again.html).toContain('This install link has expired');
    expect(again.html).toContain('href="/slack/install"');
    expect(exchanges()).toBe(1);
    expect(await installations()).toEqual(before);
  });

  it('lets only one of two simultaneous uses of a state through', async () => {
    const start = await openInstallPage();
    const codes = [oauth.grant('code-a', acme()), oauth.grant('code-b', acme({ team: { id: 'T0OTHER', name: 'Other' } }))];
    const results = await Promise.all(codes.map((code) => comeBack({ code, state: start.state }, start.cookie)));
    expect(results.map((r) => r.res.status).sort()).toEqual([200, 400]);
    expect(exchanges()).toBe(1);
    expect(await installations()).toHaveLength(1);
  });

  it('refuses a forged or altered state (400) before calling Slack, and leaves the real one usable', async () => {
    const start = await openInstallPage();
    const [nonce, expiry] = start.state.split('.') as [string, string];
    const signedWith = (secret: string, payload: string) => `${payload}.${createHmac('sha256', secret).update(payload).digest('base64url')}`;
    const forged = [
      'not-a-state',
      `${nonce}.${expiry}.${randomBytes(32).toString('base64url')}`,
      signedWith('another-secret-of-some-length', `${nonce}.${expiry}`),
      // A later expiry with the original signature.
      `${nonce}.${Number(expiry) + 86_400}.${start.state.split('.')[2]}`,
      // A truncated signature.
      start.state.slice(0, -4),
    ];
    for (const state of forged) {
      const code = oauth.grant(`code-${randomBytes(4).toString('hex')}`, acme());
      // The cookie matches, as an attacker who set it would make it.
      const r = await comeBack({ code, state }, `${COOKIE}=${state}`);
      expect({ state, status: r.res.status }).toEqual({ state, status: 400 });
      expect(r.html).toContain('This install link has expired');
    }
    expect(exchanges()).toBe(0);
    expect(await installations()).toEqual([]);
    // Forgeries do not use up the real link.
    expect(await states()).toHaveLength(1);
    const code = oauth.grant('code-real', acme());
    expect((await comeBack({ code, state: start.state }, start.cookie)).res.status).toBe(200);
    expectLogsWithout(...forged);
  });

  it('refuses a state with no nonce stored for it, even when correctly signed (400)', async () => {
    const payload = `${randomBytes(16).toString('base64url')}.${Math.floor(Date.now() / 1000) + 300}`;
    const state = `${payload}.${createHmac('sha256', STATE_SECRET).update(payload).digest('base64url')}`;
    const code = oauth.grant('code-x', acme());
    const r = await comeBack({ code, state }, `${COOKIE}=${state}`);
    expect(r.res.status).toBe(400);
    expect(exchanges()).toBe(0);
  });

  it('refuses an expired state (400), and clears expired states when a new link is made', async () => {
    const first = await openInstallPage();
    await openInstallPage();
    offsetMs = STATE_TTL_MS + 1_000;
    const code = oauth.grant('code-late', acme());
    const late = await comeBack({ code, state: first.state }, first.cookie);
    expect(late.res.status).toBe(400);
    expect(late.html).toContain('10 minutes');
    expect(exchanges()).toBe(0);
    expect(await installations()).toEqual([]);
    // The second link was never followed; making a new one removes it.
    expect(await states()).toHaveLength(1);
    const fresh = await openInstallPage();
    expect((await states()).map((s) => s.nonce)).toEqual([fresh.state.split('.')[0]]);
    // A state used just before it expires still works.
    offsetMs += STATE_TTL_MS - 5_000;
    expect((await comeBack({ code, state: fresh.state }, fresh.cookie)).res.status).toBe(200);
  });

  it('refuses a state without its cookie, or with another link’s cookie (400)', async () => {
    const mine = await openInstallPage();
    const other = await openInstallPage();
    const code = oauth.grant('code-c', acme());
    expect((await comeBack({ code, state: mine.state })).res.status).toBe(400);
    expect((await comeBack({ code, state: mine.state }, other.cookie)).res.status).toBe(400);
    expect(exchanges()).toBe(0);
    expect(await installations()).toEqual([]);
  });

  it('refuses a redirect without a state, or without a code (400)', async () => {
    const start = await openInstallPage();
    const code = oauth.grant('code-m', acme());
    const noState = await comeBack({ code }, start.cookie);
    expect(noState.res.status).toBe(400);
    expectPageHeaders(noState.res);
    expect(noState.html).toContain('href="/slack/install"');
    const noCode = await comeBack({ state: start.state }, start.cookie);
    expect(noCode.res.status).toBe(400);
    expect(exchanges()).toBe(0);
    expect(await installations()).toEqual([]);
  });

  it('shows a cancelled install as such (200), installs nothing, and uses up the link', async () => {
    const start = await openInstallPage();
    const r = await comeBack({ error: 'access_denied', state: start.state }, start.cookie);
    expect(r.res.status).toBe(200);
    expectPageHeaders(r.res);
    expect(r.html).toContain('<h1>Installation cancelled</h1>');
    expect(r.html).toContain('nothing was installed');
    expect(r.html).toContain('href="/slack/install"');
    expect(r.res.headers.getSetCookie().join('\n')).toContain(`${COOKIE}=deleted`);
    expect(exchanges()).toBe(0);
    expect(await installations()).toEqual([]);
    expect(await states()).toEqual([]);
  });

  it('answers 502 when Slack refuses the code, installs nothing, and logs Slack’s error without the code', async () => {
    const start = await openInstallPage();
    const r = await comeBack({ code: 'code-slack-never-issued', state: start.state }, start.cookie);
    expect(r.res.status).toBe(502);
    expectPageHeaders(r.res);
    expect(r.html).toContain('<h1>Slack did not complete the installation</h1>');
    expect(r.html).toContain('href="/slack/install"');
    expect(exchanges()).toBe(1);
    expect(await installations()).toEqual([]);
    const warn = logs.lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'Slack refused the Add to Slack code');
    expect(warn).toMatchObject({ level: 40, slackError: 'invalid_code' });
    expectLogsWithout('code-slack-never-issued');
  });

  it('answers 502 when Slack cannot be reached', async () => {
    fake.fail('oauth.v2.access', { status: 503 });
    const back = await install(acme());
    expect(back.res.status).toBe(502);
    expect(back.html).toContain('Slack could not be reached');
    expect(await installations()).toEqual([]);
  });

  it('stores the refresh token and the expiry when Slack rotates tokens', async () => {
    const grant = acme({ refreshToken: 'xoxe-1-refresh-acme-5e2a', expiresIn: 43_200 });
    const back = await install(grant);
    expect(back.res.status).toBe(200);
    const row = (await installations())[0]!;
    expect(row.bot_refresh_token_sealed).not.toBeNull();
    expect(row.bot_refresh_token_sealed).not.toContain(grant.refreshToken);
    expect(secrets.open(row.bot_refresh_token_sealed!)).toBe(grant.refreshToken);
    // InstallProvider dates the expiry from the real time of the exchange.
    const expiresAt = new Date(row.bot_token_expires_at!).getTime();
    expect(Math.abs(expiresAt - (Date.now() + 43_200_000))).toBeLessThan(60_000);
    expectLogsWithout(grant.botToken, grant.refreshToken!);
  });

  it('escapes a hostile workspace name on the success page', async () => {
    const name = `<script>alert("x")</script> & Co's <b>`;
    const back = await install(acme({ team: { id: 'T0EVIL', name } }));
    expect(back.res.status).toBe(200);
    expect(back.html).not.toContain('<script');
    expect(back.html).not.toContain('<b>');
    expect(back.html).toContain('Kudos is installed in &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co&#39;s &lt;b&gt;');
  });

  it('serves self-contained pages: no script, nothing loaded from elsewhere', async () => {
    const start = await openInstallPage();
    const done = await comeBack({ code: oauth.grant('code-h', acme()), state: start.state }, start.cookie);
    for (const html of [start.html, done.html]) {
      expect(html).not.toMatch(/<script|<img|<link|<iframe|src=|url\(/i);
      expect(html).toMatch(/^<!doctype html>/);
    }
  });

  it('shows an error page (500) and logs the failure when the installation cannot be stored', async () => {
    const broken: InstallationStore = {
      storeInstallation: async () => {
        throw new Error('the database is down');
      },
      fetchInstallation: async () => {
        throw new Error('unused');
      },
    };
    const other = await startServer({ store: broken });
    try {
      const grant = acme();
      const back = await install(grant, other.url);
      expect(back.res.status).toBe(500);
      expectPageHeaders(back.res);
      expect(back.html).toContain('<h1>Something went wrong</h1>');
      const err = logs.lines.map((l) => JSON.parse(l) as Record<string, any>).find((l) => l.msg === 'Add to Slack failed');
      expect(err).toMatchObject({ level: 50, err: { message: 'the database is down' } });
      expectLogsWithout(grant.botToken, back.code);
    } finally {
      await other.stop();
    }
  });

  it('calls Slack through HTTPS_PROXY / HTTP_PROXY when one is configured', async () => {
    const proxy = await new RecordingProxy().start();
    const other = await startServer({ proxy: { httpProxy: proxy.url, httpsProxy: undefined, noProxy: undefined } });
    try {
      const back = await install(acme(), other.url);
      expect(back.res.status).toBe(200);
      expect(proxy.methods).toEqual(['oauth.v2.access', 'auth.test']);
    } finally {
      await other.stop();
      await proxy.stop();
    }
  });
});
