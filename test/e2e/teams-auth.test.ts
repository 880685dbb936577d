import { testDatabases } from '../helpers/db';
import { captureLogs } from '../helpers/logs';
import { ALICE, BOT, channelMessage } from '../helpers/teams-activities';
import { useTeamsE2E } from '../helpers/teams-e2e';

const PRODUCTION = {
  TEAMS_ALLOW_UNAUTHENTICATED: 'false',
  MICROSOFT_APP_ID: '8d7c6b5a-1234-4e5f-9a8b-0c1d2e3f4a5b',
  MICROSOFT_APP_PASSWORD: 'not-a-real-secret',
  MICROSOFT_APP_TYPE: 'MultiTenant',
};

describe.each(testDatabases())('Teams authentication on %s', (kind) => {
  describe('in production mode (MICROSOFT_APP_ID set)', () => {
    const log = captureLogs();
    const e = useTeamsE2E(kind, { env: PRODUCTION, logger: log.logger });

    async function nothingRecorded() {
      expect(await e.count('event_inbox')).toBe(0);
      expect(await e.count('kudos')).toBe(0);
      expect(await e.count('conversation_ref')).toBe(0);
      expect(await e.count('person')).toBe(0);
      expect(e.connector.calls).toHaveLength(0);
    }

    it('refuses an activity without a token with 401 and records nothing', async () => {
      const res = await e.send(channelMessage(e.connector.url, { parts: [BOT, ' thanks ', ALICE, ' for the careful review'] }));
      expect(res.status).toBe(401);
      await nothingRecorded();
      expect(log.lines.join('')).toContain('rejected a Teams request without a token');
    });

    it('refuses a garbage bearer token with 401 (the SDK rejects it before fetching any signing keys) and records nothing', async () => {
      const started = Date.now();
      const res = await e.send(channelMessage(e.connector.url, { parts: [BOT, ' thanks ', ALICE, ' for the careful review'] }), { authorization: 'Bearer garbage' });
      expect(res.status).toBe(401);
      expect(res.text).toBe('Unauthorized'); // not the SDK's error text
      expect(Date.now() - started).toBeLessThan(5_000);
      await nothingRecorded();
      expect(log.lines.join('')).toContain('rejected a Teams request whose token did not validate');
    });

    it('does not log a warning about unauthenticated mode', () => {
      expect(log.lines.join('')).not.toContain('TEAMS_ALLOW_UNAUTHENTICATED is on');
    });
  });

  describe('in production mode with the default app type (SingleTenant) and a tenant id', () => {
    const { MICROSOFT_APP_TYPE: _multiTenant, ...credentials } = PRODUCTION;
    const log = captureLogs();
    const e = useTeamsE2E(kind, { env: { ...credentials, MICROSOFT_APP_TENANT_ID: '72f988bf-86f1-41af-91ab-2d7cd011db47' }, logger: log.logger });

    it('validates tokens: none or a garbage one gets 401, and nothing is recorded', async () => {
      const activity = channelMessage(e.connector.url, { parts: [BOT, ' thanks ', ALICE, ' for the careful review'] });
      expect((await e.send(activity)).status).toBe(401);
      expect((await e.send(activity, { authorization: 'Bearer garbage' })).status).toBe(401);
      expect(await e.count('event_inbox')).toBe(0);
      expect(await e.count('kudos')).toBe(0);
      expect(e.connector.calls).toHaveLength(0);
      expect(log.lines.join('')).not.toContain('TEAMS_ALLOW_UNAUTHENTICATED is on');
    });
  });

  describe('with TEAMS_ALLOW_UNAUTHENTICATED=true (Emulator and tests)', () => {
    const log = captureLogs();
    const e = useTeamsE2E(kind, { logger: log.logger });

    it('warns at start that requests are not authenticated', () => {
      expect(log.lines.join('')).toContain('TEAMS_ALLOW_UNAUTHENTICATED is on');
    });

    it('accepts activities without a token, and outbound calls carry none', async () => {
      const res = await e.send(channelMessage(e.connector.url, { parts: [BOT, ' thanks ', ALICE, ' for the careful review'] }));
      expect(res.status).toBe(200);
      expect(await e.count('kudos')).toBe(1);
      expect(e.connector.sent()[0].headers.authorization).toBeUndefined();
    });

    it('answers 400 to a body that is not an activity, without crashing', async () => {
      for (const body of ['{not json', '[]', JSON.stringify({ text: 'no type' })]) {
        const res = await fetch(`${e.app.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        expect(res.status).toBe(400);
      }
      const get = await fetch(`${e.app.url}/api/messages`);
      expect(get.status).toBe(405);
      expect(await e.count('event_inbox')).toBe(0);
    });
  });
});
