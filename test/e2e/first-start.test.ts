import { startTestApp } from '../helpers/app';
import { createTestDb, type TestDb } from '../helpers/db';
import { captureLogs } from '../helpers/logs';

/** A first start with nothing configured: it serves its health endpoints and says what to read and set. */
describe('starting with no platform configured', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await createTestDb('pglite');
  });
  afterAll(() => db.close());

  it('is ready, and its warning names .env.example and the README sections to follow', async () => {
    const { lines, logger } = captureLogs();
    const app = await startTestApp({ db, logger });
    try {
      expect((await fetch(`${app.url}/readyz`)).status).toBe(200);
      const warning = lines.map((l) => JSON.parse(l) as { level: number; msg: string }).find((l) => l.msg.startsWith('Neither Slack nor Teams'));
      expect(warning?.level).toBe(40);
      expect(warning?.msg).toContain('.env.example');
      expect(warning?.msg).toContain('Creating the Slack app');
      expect(warning?.msg).toContain('Microsoft Teams');
    } finally {
      await app.stop();
    }
  });
});
