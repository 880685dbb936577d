import { randomBytes } from 'node:crypto';
import { saveSetting } from '../../src/core/settings-store';
import type { WorkspaceRow } from '../../src/db/schema';
import { BOT_SCOPES } from '../../src/slack/scopes';
import { startTestApp, type TestApp } from '../helpers/app';
import { createTestDb, testDatabases, type TestDb } from '../helpers/db';
import { FakeSlack, type RecordedCall } from '../helpers/fake-slack';
import { FakeSlackOAuth, type OAuthGrant } from '../helpers/fake-slack-oauth';
import { installThroughBrowser } from '../helpers/slack-install';
import { eventEnvelope, postSigned, slashCommand } from '../helpers/slack-requests';

/**
 * Several workspaces on one deployment, end to end: the real app in "Add to Slack" mode, workspaces installed
 * through the real install flow against the fake Slack API, and signed requests from each. Every workspace has
 * the same user ids (UGIVER, UALICE, UBOB), so anything that leaked between them would show.
 */

const CLIENT = { id: '1111.2222', secret: 'client-secret-3f9a1c77d2e4b8' };
// Monday 7 December 2026, 10:00 UTC; the digest is due Friday 16:00 in each workspace's zone (UTC here).
const MONDAY = new Date('2026-12-07T10:00:00Z');
const FRIDAY_DIGEST = new Date('2026-12-11T16:01:00Z');
const DAY = 24 * 60 * 60_000;

const token = (name: string) => `xoxb-${name}-${randomBytes(6).toString('hex')}`;

describe.each(testDatabases())('several Slack workspaces on %s', (kind) => {
  let db: TestDb;
  let fake: FakeSlack;
  let oauth: FakeSlackOAuth;
  let app: TestApp;
  let now = MONDAY;
  const clock = () => now;
  let tokens: Record<string, string>;

  /** users.info answers per workspace (by token): the same id is a different person in each. */
  function peoplePerToken(): void {
    fake.methods.set('users.info', (p, tok) => {
      const team = Object.entries(tokens).find(([, t]) => t === tok)?.[0];
      if (!team) return { ok: false, error: 'invalid_auth' };
      const name = `${String(p.user).slice(1).toLowerCase()}-of-${team}`;
      return { ok: true, user: { id: p.user, name, real_name: name, tz: 'UTC', team_id: team, profile: { display_name: name, real_name: name } } };
    });
  }

  const grant = (team: string, extra: Partial<OAuthGrant> = {}): OAuthGrant => ({
    team: { id: team, name: `Team ${team}` },
    botToken: tokens[team],
    botUserId: `UBOT${team}`,
    scopes: BOT_SCOPES,
    ...extra,
  });

  async function install(g: OAuthGrant): Promise<void> {
    const done = await installThroughBrowser(app.url, oauth, g);
    expect(done.res.status).toBe(200);
  }

  const post = async (body: string) => {
    const contentType = body.startsWith('{') ? 'application/json' : undefined;
    const res = await postSigned(app.url, body, { timestamp: Math.floor(now.getTime() / 1000), contentType });
    await app.kudos.background.idle();
    return res;
  };
  const thanks = (team: string, text: string, extra: { user_id?: string; enterprise_id?: string; is_enterprise_install?: boolean } = {}) => {
    const form = new URLSearchParams(slashCommand({ text, team_id: team, user_id: extra.user_id, enterprise_id: extra.enterprise_id, response_url: fake.responseUrl(`${team}-${randomBytes(3).toString('hex')}`) }));
    if (extra.is_enterprise_install) form.set('is_enterprise_install', 'true');
    return post(form.toString());
  };
  const workspace = (externalId: string) => db.db.selectFrom('workspace').selectAll().where('external_id', '=', externalId).executeTakeFirst() as Promise<WorkspaceRow | undefined>;
  const kudosIn = async (externalId: string) => {
    const ws = await workspace(externalId);
    return ws ? db.db.selectFrom('kudos').selectAll().where('workspace_id', '=', ws.id).execute() : [];
  };
  const callsWith = (method: string, tok: string): RecordedCall[] => fake.callsTo(method).filter((c) => c.headers.authorization === `Bearer ${tok}`);
  const kudosPosts = () => fake.callsTo('chat.postMessage').filter((c) => c.params.metadata?.event_type === 'kudos_posted');

  beforeAll(async () => {
    db = await createTestDb(kind);
    fake = await new FakeSlack().start();
    fake.clock = clock;
    oauth = new FakeSlackOAuth(fake, CLIENT);
    app = await startTestApp({
      db,
      fake,
      clock,
      env: {
        SLACK_BOT_TOKEN: '',
        SLACK_CLIENT_ID: CLIENT.id,
        SLACK_CLIENT_SECRET: CLIENT.secret,
        SLACK_STATE_SECRET: 'state-secret-8c1e5b0a9f3d7e21',
        KUDOS_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
        UNINSTALL_GRACE_DAYS: '30',
        // Names the admins of one workspace only; with Add to Slack each workspace's admins are its own.
        KUDOS_ADMINS: 'UGIVER',
      },
    });
  });
  afterAll(async () => {
    await app?.stop();
    await fake?.stop();
    await db?.close();
  });
  beforeEach(async () => {
    await app.kudos.background.idle();
    await db.reset();
    fake.reset();
    fake.methods.clear();
    oauth.reset();
    oauth.install();
    now = MONDAY;
    tokens = { T0AAA: token('aaa'), T0BBB: token('bbb'), E0ORG: token('org') };
    peoplePerToken();
  });

  it('keeps two workspaces with the same user ids apart: kudos, people, tokens, stats and settings', async () => {
    await install(grant('T0AAA'));
    await install(grant('T0BBB'));

    const first = await thanks('T0AAA', '<@UALICE> for the release notes', { user_id: 'UGIVER' });
    expect(first.status).toBe(200);
    expect((await thanks('T0AAA', '<@UBOB> for the migration plan', { user_id: 'UGIVER' })).status).toBe(200);
    expect((await thanks('T0BBB', '<@UALICE> for fixing the printer', { user_id: 'UGIVER' })).status).toBe(200);

    expect(await kudosIn('T0AAA')).toHaveLength(2);
    expect(await kudosIn('T0BBB')).toHaveLength(1);
    // Each workspace's posts went out with its own token, never the other's.
    const a = callsWith('chat.postMessage', tokens.T0AAA);
    const b = callsWith('chat.postMessage', tokens.T0BBB);
    expect(a.filter((c) => c.params.metadata?.event_type === 'kudos_posted')).toHaveLength(2);
    expect(b.filter((c) => c.params.metadata?.event_type === 'kudos_posted')).toHaveLength(1);
    expect(kudosPosts()).toHaveLength(3);
    // UALICE is two people, each named by their own workspace's directory.
    const alices = await db.db
      .selectFrom('person')
      .innerJoin('workspace', 'workspace.id', 'person.workspace_id')
      .select(['workspace.external_id as ws', 'person.display_name'])
      .where('person.external_id', '=', 'UALICE')
      .orderBy('workspace.external_id')
      .execute();
    expect(alices).toEqual([
      { ws: 'T0AAA', display_name: 'alice-of-T0AAA' },
      { ws: 'T0BBB', display_name: 'alice-of-T0BBB' },
    ]);

    // Stats count only the asking workspace's kudos.
    const statsA = await thanks('T0AAA', 'stats', { user_id: 'UGIVER' });
    const statsB = await thanks('T0BBB', 'stats', { user_id: 'UGIVER' });
    expect(statsA.json.text).toMatch(/given 2\b|2 kudos given|gave 2/i);
    expect(statsB.json.text).toMatch(/given 1\b|1 kudos given|gave 1/i);

    // A setting changed in one workspace leaves the other as it was: a one-a-day allowance in A only.
    const wsA = (await workspace('T0AAA'))!;
    // KUDOS_ADMINS makes nobody an admin of an installed workspace, and seeds no admin list.
    expect((await app.kudos.slack!.contextForWorkspace(wsA))!.home.operatorAdmins()).toEqual([]);
    await expect((await app.kudos.slack!.contextForWorkspace(wsA))!.home.checkAdmin('UGIVER')).resolves.toMatchObject({ admin: false });
    await saveSetting(db.db, { workspaceId: wsA.id, key: 'allowancePerDay', value: 2, expectedVersion: 0, actorId: null });
    const refusedA = await thanks('T0AAA', '<@UCAROL> for the coffee run', { user_id: 'UGIVER' });
    const givenB = await thanks('T0BBB', '<@UCAROL> for the coffee run', { user_id: 'UGIVER' });
    expect(refusedA.json.text).toMatch(/allowance|today/i);
    expect(await kudosIn('T0AAA')).toHaveLength(2);
    expect(await kudosIn('T0BBB')).toHaveLength(2);
    expect(givenB.json.text).not.toMatch(/allowance/i);
  });

  it("posts each workspace's digest once, with its own token and only its own kudos", async () => {
    await install(grant('T0AAA'));
    await install(grant('T0BBB'));
    await thanks('T0AAA', '<@UALICE> for the release notes', { user_id: 'UGIVER' });
    await thanks('T0BBB', '<@UBOB> for fixing the printer', { user_id: 'UGIVER' });
    for (const [team, channel] of [
      ['T0AAA', 'CDIGESTA'],
      ['T0BBB', 'CDIGESTB'],
    ] as const) {
      const ws = (await workspace(team))!;
      await db.db.updateTable('workspace').set({ installed_at: new Date('2026-11-01T00:00:00Z') }).where('id', '=', ws.id).execute();
      await saveSetting(db.db, {
        workspaceId: ws.id,
        key: 'digest',
        value: { enabled: true, channel, weekday: 5, time: '16:00', timeZone: 'UTC', topCount: 3, quietWeek: 'nudge' },
        expectedVersion: 0,
        actorId: null,
      });
    }
    now = FRIDAY_DIGEST;
    await app.kudos.runJobsNow(FRIDAY_DIGEST);
    await app.kudos.runJobsNow(new Date(FRIDAY_DIGEST.getTime() + 60_000));
    const digests = fake.callsTo('chat.postMessage').filter((c) => c.params.metadata?.event_type === 'kudos_job');
    expect(digests.map((d) => [d.params.channel, d.headers.authorization]).sort()).toEqual([
      ['CDIGESTA', `Bearer ${tokens.T0AAA}`],
      ['CDIGESTB', `Bearer ${tokens.T0BBB}`],
    ]);
    const text = (channel: string) => JSON.stringify(digests.find((d) => d.params.channel === channel)!.params);
    expect(text('CDIGESTA')).toContain('UALICE');
    expect(text('CDIGESTA')).not.toContain('UBOB');
    expect(text('CDIGESTB')).toContain('UBOB');
    expect(text('CDIGESTB')).not.toContain('UALICE');
  });

  it('answers a workspace that has not installed Kudos with a 401 Slack does not retry, and records nothing', async () => {
    await install(grant('T0AAA'));
    const res = await thanks('T0NOTHERE', '<@UALICE> for the release notes', { user_id: 'UGIVER' });
    expect(res.status).toBe(401);
    expect(res.headers.get('x-slack-no-retry')).toBe('1');
    const event = await post(JSON.stringify(eventEnvelope({ type: 'app_home_opened', user: 'UGIVER', tab: 'home' }, { teamId: 'T0NOTHERE' })));
    expect(event.status).toBe(401);
    expect(await db.db.selectFrom('kudos').select('id').execute()).toHaveLength(0);
    expect(await db.db.selectFrom('event_inbox').select('id').execute()).toHaveLength(0);
    expect(await workspace('T0NOTHERE')).toBeUndefined();
  });

  it('serves every workspace of an org from one org-wide install, each with its own data', async () => {
    await install({ team: null, enterprise: { id: 'E0ORG', name: 'Grid Org' }, isEnterpriseInstall: true, botToken: tokens.E0ORG, botUserId: 'UBOTORG', scopes: BOT_SCOPES });
    const org = { enterprise_id: 'E0ORG', is_enterprise_install: true };
    expect((await thanks('T0ONE', '<@UALICE> for the offsite', { user_id: 'UGIVER', ...org })).status).toBe(200);
    expect((await thanks('T0TWO', '<@UALICE> for the roadmap', { user_id: 'UGIVER', ...org })).status).toBe(200);
    expect((await thanks('T0TWO', '<@UBOB> for the demo', { user_id: 'UGIVER', ...org })).status).toBe(200);
    const one = (await workspace('T0ONE'))!;
    const two = (await workspace('T0TWO'))!;
    expect([one.enterprise_id, two.enterprise_id]).toEqual(['E0ORG', 'E0ORG']);
    expect(await kudosIn('T0ONE')).toHaveLength(1);
    expect(await kudosIn('T0TWO')).toHaveLength(2);
    // One org token for both; a team the org did not install is still not served.
    expect(kudosPosts().every((c) => c.headers.authorization === `Bearer ${tokens.E0ORG}`)).toBe(true);
    expect(kudosPosts()).toHaveLength(3);
    expect((await thanks('T0ELSE', '<@UALICE> for the offsite', { user_id: 'UGIVER', enterprise_id: 'E0OTHER' })).status).toBe(401);

    // An event of the org-wide install is authorized for the org (no team): it belongs to the envelope's workspace.
    const opened = await post(
      JSON.stringify(
        eventEnvelope(
          { type: 'app_home_opened', user: 'UGIVER', tab: 'home' },
          { teamId: 'T0TWO', authorizations: [{ enterprise_id: 'E0ORG', team_id: null, user_id: 'UBOTORG', is_bot: true, is_enterprise_install: true }], extra: { enterprise_id: 'E0ORG' } },
        ),
      ),
    );
    expect(opened.status).toBe(200);
    expect(await db.db.selectFrom('event_inbox').select('workspace_id').execute()).toEqual([{ workspace_id: two.id }]);
    expect(fake.callsTo('views.publish').map((c) => c.headers.authorization)).toEqual([`Bearer ${tokens.E0ORG}`]);
    expect(await workspace('E0ORG')).toBeUndefined();
  });

  it('rotates an expiring token with its refresh token, stores the new one sealed, and uses it', async () => {
    const refreshed = token('aaa-rotated');
    const refreshCalls: Array<Record<string, any>> = [];
    await install(grant('T0AAA', { refreshToken: 'xoxe-1-refresh-first', expiresIn: 12 * 60 * 60 }));
    const exchange = fake.methods.get('oauth.v2.access')!;
    fake.methods.set('oauth.v2.access', (p, tok) => {
      if (p.grant_type !== 'refresh_token') return exchange(p, tok);
      refreshCalls.push(p);
      if (p.refresh_token !== 'xoxe-1-refresh-first' || p.client_secret !== CLIENT.secret) return { ok: false, error: 'invalid_refresh_token' };
      return { ok: true, access_token: refreshed, refresh_token: 'xoxe-1-refresh-second', expires_in: 12 * 60 * 60, token_type: 'bot' };
    });
    tokens.T0AAA_ROTATED = refreshed;

    await thanks('T0AAA', '<@UALICE> for the release notes', { user_id: 'UGIVER' });
    expect(refreshCalls).toHaveLength(0);
    expect(kudosPosts()[0].headers.authorization).toBe(`Bearer ${tokens.T0AAA}`);

    // An hour before the token expires (under two hours left): the next call refreshes first, once, and uses the new token.
    const issued = await db.db.selectFrom('slack_installation').select('bot_token_expires_at').where('install_key', '=', 'T0AAA').executeTakeFirstOrThrow();
    now = new Date(new Date(issued.bot_token_expires_at!).getTime() - 60 * 60_000);
    fake.reset();
    fake.methods.set('users.info', (p) => ({ ok: true, user: { id: p.user, name: 'bob', tz: 'UTC', profile: { display_name: 'bob' } } }));
    await thanks('T0AAA', '<@UBOB> for the migration plan', { user_id: 'UGIVER' });
    expect(refreshCalls).toHaveLength(1);
    expect(kudosPosts()).toHaveLength(1);
    expect(kudosPosts()[0].headers.authorization).toBe(`Bearer ${refreshed}`);
    const row = await db.db.selectFrom('slack_installation').selectAll().where('install_key', '=', 'T0AAA').executeTakeFirstOrThrow();
    expect(new Date(row.bot_token_expires_at!).getTime()).toBe(now.getTime() + 12 * 60 * 60_000);
    const raw = JSON.stringify(row);
    for (const secret of [refreshed, tokens.T0AAA, 'xoxe-1-refresh-second', 'xoxe-1-refresh-first']) expect(raw).not.toContain(secret);
  });

  it('uninstall stops every post at once, keeps the data for the grace period, and deletes it in full after', async () => {
    await install(grant('T0AAA'));
    await install(grant('T0BBB'));
    await thanks('T0AAA', '<@UALICE> for the release notes', { user_id: 'UGIVER' });
    await thanks('T0BBB', '<@UALICE> for fixing the printer', { user_id: 'UGIVER' });
    const wsA = (await workspace('T0AAA'))!;

    const uninstall = await post(JSON.stringify(eventEnvelope({ type: 'app_uninstalled' }, { teamId: 'T0AAA' })));
    expect(uninstall.status).toBe(200);
    expect((await workspace('T0AAA'))!.uninstalled_at).not.toBeNull();
    expect(await db.db.selectFrom('slack_installation').select('install_key').execute()).toEqual([{ install_key: 'T0BBB' }]);

    // Nothing more from A is accepted or posted; B carries on. A kudos of each left unposted (a stop mid-publish):
    // the sweep posts B's, and A's stays as it is.
    await db.db.updateTable('kudos').set({ post_status: 'pending', post_ts: null, post_lease_until: null, created_at: new Date(now.getTime() - 10 * 60_000) }).execute();
    fake.reset();
    expect(await app.kudos.slack!.publishLeftovers()).toBe(1);
    expect(kudosPosts().map((c) => c.headers.authorization)).toEqual([`Bearer ${tokens.T0BBB}`]);
    expect((await kudosIn('T0AAA')).map((k) => k.post_status)).toEqual(['pending']);
    fake.reset();
    expect((await thanks('T0AAA', '<@UBOB> for the migration plan', { user_id: 'UGIVER' })).status).toBe(401);
    expect((await thanks('T0BBB', '<@UBOB> for the demo', { user_id: 'UGIVER' })).status).toBe(200);
    expect(callsWith('chat.postMessage', tokens.T0AAA)).toHaveLength(0);
    expect(await app.kudos.slack!.contextForWorkspace((await workspace('T0AAA'))!)).toBeUndefined();

    // Within the grace period nothing is deleted; after it, every row of A goes, and B is untouched.
    now = new Date(now.getTime() + 29 * DAY);
    expect(await app.kudos.slack!.purgeExpired()).toBe(0);
    expect(await kudosIn('T0AAA')).toHaveLength(1);
    const countB = async () => ({
      kudos: (await kudosIn('T0BBB')).length,
      people: (await db.db.selectFrom('person').select('id').where('workspace_id', '=', (await workspace('T0BBB'))!.id).execute()).length,
    });
    const before = await countB();
    now = new Date(now.getTime() + 2 * DAY);
    expect(await app.kudos.slack!.purgeExpired()).toBe(1);
    expect(await workspace('T0AAA')).toBeUndefined();
    for (const table of ['person', 'kudos', 'kudos_recipient', 'value', 'setting', 'job_run', 'event_inbox'] as const) {
      const left = await db.db.selectFrom(table).select('workspace_id').where('workspace_id', '=', wsA.id).execute();
      expect([table, left.length]).toEqual([table, 0]);
    }
    expect(await countB()).toEqual(before);
  });

  it('a reinstall within the grace period brings the workspace back as it was; tokens_revoked uninstalls too', async () => {
    await install(grant('T0AAA'));
    await thanks('T0AAA', '<@UALICE> for the release notes', { user_id: 'UGIVER' });
    const revoked = await post(JSON.stringify(eventEnvelope({ type: 'tokens_revoked', tokens: { oauth: [], bot: ['UBOTT0AAA'] } }, { teamId: 'T0AAA' })));
    expect(revoked.status).toBe(200);
    const gone = (await workspace('T0AAA'))!;
    expect(gone.uninstalled_at).not.toBeNull();

    now = new Date(now.getTime() + 10 * DAY);
    tokens.T0AAA = token('aaa-again');
    await install(grant('T0AAA'));
    const back = (await workspace('T0AAA'))!;
    expect(back.id).toBe(gone.id);
    expect(back.uninstalled_at).toBeNull();
    expect(await kudosIn('T0AAA')).toHaveLength(1);
    now = new Date(now.getTime() + 40 * DAY);
    expect(await app.kudos.slack!.purgeExpired()).toBe(0);
    fake.reset();
    expect((await thanks('T0AAA', '<@UBOB> for the migration plan', { user_id: 'UGIVER' })).status).toBe(200);
    expect(kudosPosts().map((c) => c.headers.authorization)).toEqual([`Bearer ${tokens.T0AAA}`]);
  });
});
