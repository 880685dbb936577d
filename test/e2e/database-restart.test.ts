import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startTestApp } from '../helpers/app';
import { FakeSlack } from '../helpers/fake-slack';
import { postSigned, slashCommand, triggerId } from '../helpers/slack-requests';
import { sql } from 'kysely';
import { useSlackE2E } from '../helpers/slack-e2e';

describe('the embedded database across an app restart', () => {
  let dir: string;
  let fake: FakeSlack;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'kudos-restart-'));
    fake = await new FakeSlack().start();
    fake.addUser({ id: 'UGIVER' }).addUser({ id: 'UALICE' });
  });
  afterAll(async () => {
    await fake.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every kudos, and a re-delivery after the restart still records nothing new', async () => {
    const trigger = triggerId();
    const command = slashCommand({ text: '<@UALICE> for the release notes, written twice over', trigger_id: trigger });
    const first = await startTestApp({ fake, env: { DATA_DIR: dir } });
    expect((await postSigned(first.url, command)).json.text).toContain('Kudos sent');
    await first.kudos.background.idle();
    await first.stop();

    const second = await startTestApp({ fake, env: { DATA_DIR: dir } });
    try {
      expect((await postSigned(second.url, command, { headers: { 'x-slack-retry-num': '1' } })).json.text).toContain('already recorded');
      const stats = await postSigned(second.url, slashCommand({ text: 'stats' }));
      expect(JSON.stringify(stats.json.blocks)).toContain('Given: 1');
    } finally {
      await second.stop();
    }
  });
});

// Only real Postgres has connections to lose; PGlite lives inside the process.
if (process.env.TEST_DATABASE_URL) {
  describe('when Postgres drops every connection (a server restart)', () => {
    const e = useSlackE2E('postgres');

    it('answers the next /thanks normally and records it exactly once', async () => {
      await e.thanks('<@UALICE> for the first kudos before the restart');
      const cut = await e.db.cutConnections!();
      expect(cut).toBeGreaterThan(0);
      const res = await e.thanks('<@UBOB> for the kudos right after the restart');
      expect(res.status).toBe(200);
      expect(res.json.text).toContain('Kudos sent to <@UBOB>');
      expect(await e.count('kudos')).toBe(2);
    });

    it('survives losing a connection while it is checked out between two queries', async () => {
      // The narrowest window: the connection is taken from the pool, idle, when the server goes away.
      const second = await e.db.db.connection().execute(async (conn) => {
        await sql`select 1`.execute(conn);
        await e.db.cutConnections!();
        // The server's goodbye reaches the idle connection on its own; Kysely exposes no event for it, so
        // another connection spends a short server-side wait while it arrives.
        await sql`select pg_sleep(0.2)`.execute(e.db.db).catch(() => undefined);
        return sql`select 1`.execute(conn).then(
          () => 'answered',
          (err: Error) => err.message,
        );
      });
      expect(second).toMatch(/terminat|Connection|ECONNRESET/i);
      const res = await e.thanks('<@UALICE> for keeping the lights on');
      expect(res.json.text).toContain('Kudos sent to <@UALICE>');
    });

    it('keeps serving health checks and reports ready again', async () => {
      await e.db.cutConnections!();
      const ready = await fetch(`${e.app.url}/readyz`);
      // The first check may meet a dropped connection; the pool replaces it.
      const again = ready.status === 200 ? ready : await fetch(`${e.app.url}/readyz`);
      expect(again.status).toBe(200);
    });
  });
}
