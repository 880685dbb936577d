import { randomBytes } from 'node:crypto';
import type { Installation } from '@slack/oauth';
import { loadConfig } from '../../src/config';
import { Secrets } from '../../src/core/secrets';
import { PostgresInstallationStore } from '../../src/slack/installation-store';
import { digestCommand } from '../../src/cli/digest';
import { DEMO_WORKSPACE, seedDemo } from '../../src/cli/seed-demo';
import { createTestDb, testDatabases, type TestDb } from '../helpers/db';
import { FakeSlack } from '../helpers/fake-slack';

// Tuesday 24 November 2026: the latest digest that came due is Friday 20 November's (2026-W47).
const NOW = new Date('2026-11-24T15:00:00Z');

describe.each(testDatabases())('npm run digest and npm run seed:demo on %s', (kind) => {
  let t: TestDb;
  let fake: FakeSlack;
  let out: string[];

  const run = async (...argv: string[]) => {
    out = [];
    const config = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_SIGNING_SECRET: 'secret', SLACK_API_URL: fake.apiUrl, LOG_LEVEL: 'silent' });
    const code = await digestCommand(argv, { config, database: t, now: NOW, print: (l) => out.push(l), sleep: async () => undefined });
    return { code, text: out.join('\n') };
  };

  beforeAll(async () => {
    t = await createTestDb(kind);
    fake = await new FakeSlack().start();
    await seedDemo(t.db, NOW);
  });
  afterAll(async () => {
    await fake.stop();
    await t.close();
  });

  it('the demo seed makes a digest worth reading: rankings, values, stories and first-timers', async () => {
    const { code, text } = await run('--workspace', DEMO_WORKSPACE, '--preview');
    expect(code).toBe(0);
    expect(text).toContain('Harbor Lane Support (demo) · digest 2026-W47');
    expect(text).toContain('Your week in kudos (13–20 November 2026)');
    expect(text).toMatch(/\d+ kudos from \d+ people to \d+ people/);
    expect(text).toMatch(/\d+ of 27 people took part/);
    expect(text).toContain('Most thanked:');
    expect(text).toContain('Most generous:');
    expect(text).toContain('Values in action:');
    expect(text.match(/ thanked /g)).toHaveLength(3);
    expect(text).toMatch(/First kudos ever: .*@Willa Grant, .*@Yusuf Kaya\. Welcome!/);
    expect(text).not.toContain('Quinn Adler ('); // opted out of rankings
    expect(fake.calls).toHaveLength(0);
  });

  it('previews another week by its key, and a week still under way as "so far"', async () => {
    expect((await run('--workspace', DEMO_WORKSPACE, '--period', '2026-W46')).text).toContain('digest 2026-W46');
    const soFar = await run('--workspace', DEMO_WORKSPACE, '--period', '2026-W48');
    expect(soFar.text).toContain('so far');
    expect(soFar.text).toContain('A quiet week for kudos');
  });

  it('--post posts through the exactly-once claim; a second --post says it was already posted', async () => {
    const first = await run('--workspace', DEMO_WORKSPACE, '--post');
    expect(first.code).toBe(0);
    expect(first.text).toMatch(/^Posted the 2026-W47 digest to CDEMOKUDOS \(message \d+\.\d+\)\.$/);
    const posts = fake.callsTo('chat.postMessage');
    expect(posts).toHaveLength(1);
    expect(posts[0].params.metadata.event_type).toBe('kudos_job');

    const second = await run('--workspace', DEMO_WORKSPACE, '--post');
    expect(second.code).toBe(0);
    expect(second.text).toContain('The 2026-W47 digest was already posted to CDEMOKUDOS');
    expect(second.text).toContain('Nothing was posted.');
    expect(fake.callsTo('chat.postMessage')).toHaveLength(1);
  });

  it('--post with Add to Slack uses the workspace\'s stored installation, and says so when there is none', async () => {
    const key = randomBytes(32).toString('base64');
    const oauthConfig = loadConfig({
      SLACK_CLIENT_ID: '1111.2222',
      SLACK_CLIENT_SECRET: 'client-secret',
      SLACK_STATE_SECRET: 'state-secret-0123456789',
      SLACK_SIGNING_SECRET: 'secret',
      KUDOS_ENCRYPTION_KEY: key,
      SLACK_API_URL: fake.apiUrl,
      LOG_LEVEL: 'silent',
    });
    const post = async (period: string) => {
      out = [];
      const code = await digestCommand(['--workspace', DEMO_WORKSPACE, '--period', period, '--post'], { config: oauthConfig, database: t, now: NOW, print: (l) => out.push(l), sleep: async () => undefined });
      return { code, text: out.join('\n') };
    };
    const missing = await post('2026-W46');
    expect(missing.code).toBe(1);
    expect(missing.text).toContain(`Kudos is not installed in ${DEMO_WORKSPACE} any more`);

    await new PostgresInstallationStore(t.db, Secrets.fromText(key)).storeInstallation({
      team: { id: DEMO_WORKSPACE, name: 'Demo' },
      enterprise: undefined,
      isEnterpriseInstall: false,
      user: { id: 'UINSTALLER', token: undefined, scopes: undefined },
      bot: { token: 'xoxb-demo-installed', scopes: ['chat:write'], id: 'BDEMO', userId: 'UDEMOBOT' },
      tokenType: 'bot',
      authVersion: 'v2',
    } as Installation<'v2', false>);
    fake.reset();
    const posted = await post('2026-W46');
    expect(posted.code).toBe(0);
    expect(fake.callsTo('chat.postMessage').map((c) => c.headers.authorization)).toEqual(['Bearer xoxb-demo-installed']);
  });

  it('refuses to post a week that is not over, and explains bad arguments', async () => {
    const early = await run('--workspace', DEMO_WORKSPACE, '--period', '2026-W48', '--post');
    expect(early.code).toBe(1);
    expect(early.text).toContain('is not due until');
    expect((await run('--workspace', 'TNOPE')).text).toContain('No workspace "TNOPE"');
    expect((await run('--workspace', DEMO_WORKSPACE, '--period', 'last week')).code).toBe(2);
    expect((await run('--preview')).text).toContain('Usage: kudos digest');
  });
});
