import net from 'node:net';
import { sql } from 'kysely';
import { connectDatabase, type DatabaseHandle } from '../../src/db/connect';
import { startTestApp, type TestApp } from '../helpers/app';
import { createTestDb, type TestDb } from '../helpers/db';
import { FakeSlack } from '../helpers/fake-slack';
import { eventEnvelope, nextEventTs, postSigned, reactionEvent, slashCommand } from '../helpers/slack-requests';
import { TcpProxy } from '../helpers/tcp-proxy';

/** A local echo server, to check the proxy's modes themselves. */
async function echoServer(): Promise<{ port: number; close(): Promise<void> }> {
  const server = net.createServer((s) => s.pipe(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { port: (server.address() as net.AddressInfo).port, close: () => new Promise((r) => server.close(() => r())) };
}

/** Sends `text` on a new connection through the proxy: what came back within `ms`, or how it failed. */
function roundTrip(port: number, text: string, ms: number): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    let got = '';
    const done = (r: string) => {
      clearTimeout(timer);
      s.destroy();
      resolve(r);
    };
    const timer = setTimeout(() => done(got ? `got:${got}` : 'silence'), ms);
    s.on('data', (d) => {
      got += String(d);
      if (got === text) done(`got:${got}`);
    });
    s.on('error', (err: NodeJS.ErrnoException) => done(`error:${err.code}`));
    s.on('connect', () => s.write(text));
  });
}

describe('the fault proxy', () => {
  it('passes, refuses, blackholes, and silences open connections', async () => {
    const echo = await echoServer();
    const proxy = await new TcpProxy({ host: '127.0.0.1', port: echo.port }).start();
    try {
      expect(await roundTrip(proxy.port, 'hello', 1000)).toBe('got:hello');
      proxy.mode = 'refuse';
      expect(await roundTrip(proxy.port, 'hello', 1000)).toBe('error:ECONNRESET');
      proxy.mode = 'blackhole';
      expect(await roundTrip(proxy.port, 'hello', 200)).toBe('silence');

      proxy.mode = 'pass';
      const open = net.connect(proxy.port, '127.0.0.1');
      await new Promise((r) => open.once('connect', r));
      open.write('a');
      await new Promise((r) => open.once('data', r));
      expect(proxy.silence()).toBe(1);
      let heard = '';
      open.on('data', (d) => (heard += String(d)));
      open.write('b');
      // New connections pass again, while the silenced one stays open and hears nothing.
      expect(await roundTrip(proxy.port, 'fresh', 1000)).toBe('got:fresh');
      expect(heard).toBe('');
      expect(open.destroyed).toBe(false);
      open.destroy();
    } finally {
      await proxy.stop();
      await echo.close();
    }
  });
});

// Only real Postgres is reached over a network; PGlite lives inside the process.
if (process.env.TEST_DATABASE_URL) {
  describe('a network partition between the app and Postgres', () => {
    let db: TestDb;
    let proxy: TcpProxy;
    let appDb: DatabaseHandle;
    let fake: FakeSlack;
    let app: TestApp;
    let seq = 0;
    const giver = () => `UG${++seq}`;

    beforeAll(async () => {
      db = await createTestDb('postgres');
      proxy = await new TcpProxy({ host: '127.0.0.1', port: Number(new URL(db.url!).port || 5432) }).start();
      // Short timeouts keep the test quick; the defaults (5 s, 15 s, 10 s) behave the same, only slower.
      appDb = await connectDatabase({
        url: proxy.urlFor(db.url!),
        searchPath: db.schema,
        poolMax: 4,
        timeouts: { connectMs: 800, queryMs: 1200, idleMs: 60_000 },
      });
      fake = await new FakeSlack().start();
      fake.autoUsers = true;
      app = await startTestApp({ db: { ...appDb, reset: async () => undefined }, fake, env: { SLACK_ACK_TIMEOUT_MS: '1000' } });
    });
    afterAll(async () => {
      proxy.mode = 'pass';
      await app?.stop();
      await appDb?.close();
      await proxy?.stop();
      await fake?.stop();
      await db?.close();
    });

    const thanks = (user: string, text: string) =>
      postSigned(app.url, slashCommand({ text: `<@UFRIEND> ${text}`, user_id: user, response_url: fake.responseUrl(user) }));
    /** Everything a giver was told: the direct answer and what followed through the response_url. */
    const toldTo = (user: string, direct: string) => [direct, ...fake.responses.filter((r) => r.id === user).map((r) => String(r.body.text))].join('\n');
    const kudosBy = (user: string) => db.db.selectFrom('kudos as k').innerJoin('person as p', 'p.id', 'k.giver_id').select('k.id').where('p.external_id', '=', user).execute();
    const timed = async <T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> => {
      const start = Date.now();
      const value = await work();
      return { value, ms: Date.now() - start };
    };

    it('answers promptly and truthfully during the partition, and resumes without a restart once it heals', async () => {
      // Before: a few kudos, so the pool holds open connections.
      const before = [giver(), giver(), giver()];
      for (const u of before) expect((await thanks(u, 'for the smooth migration')).json.text).toContain('Kudos sent');
      await app.kudos.background.idle();
      expect(proxy.open).toBeGreaterThan(0);

      // The partition: open connections go silent (and stay half-open), new ones get no answer.
      proxy.silence();
      proxy.mode = 'blackhole';

      const ready = await timed(() => fetch(`${app.url}/readyz`));
      expect(ready.value.status).toBe(503);
      expect(ready.ms).toBeLessThan(2000);
      expect(((await ready.value.json()) as { problems: Record<string, string> }).problems.database).toBeDefined();

      const during = giver();
      const cmd = await timed(() => thanks(during, 'for holding the fort'));
      expect(cmd.ms).toBeLessThan(3000);
      expect(cmd.value.status).toBe(200);

      const event = eventEnvelope(reactionEvent('reaction_added', { user: 'UREACTOR', reaction: 'pray', itemUser: 'UFRIEND', eventTs: nextEventTs() }));
      const ev = await timed(() => postSigned(app.url, JSON.stringify(event), { contentType: 'application/json' }));
      expect(ev.ms).toBeLessThan(3000);
      expect(ev.value.status).toBe(503); // not stored, so not acknowledged: Slack sends it again

      await app.kudos.background.idle();
      // The giver was told, truthfully, that nothing was recorded and to try again.
      expect(toldTo(during, String(cmd.value.json?.text ?? ''))).toMatch(/nothing was recorded\. Please try again/);
      expect(await kudosBy(during)).toHaveLength(0);

      // The partition heals; the connections it left behind stay open and silent.
      proxy.mode = 'pass';
      const after = [giver(), giver(), giver(), giver(), giver()];
      for (const u of after) {
        const res = await thanks(u, 'for the patience while the network was down');
        expect(res.status).toBe(200);
      }
      await app.kudos.background.idle();
      for (const u of after) {
        expect(toldTo(u, '')).not.toMatch(/try again/);
        expect(await kudosBy(u)).toHaveLength(1);
      }
      // Slack's retry of the event is stored and processed now: a kudos from the reaction, once.
      const retry = await postSigned(app.url, JSON.stringify(event), { contentType: 'application/json', headers: { 'x-slack-retry-num': '1' } });
      expect(retry.status).toBe(200);
      await app.kudos.background.idle();
      expect(await kudosBy('UREACTOR')).toHaveLength(1);
      for (const u of before) expect(await kudosBy(u)).toHaveLength(1);

      expect((await fetch(`${app.url}/readyz`)).status).toBe(200);
    });

    it('says "try again" at once while Postgres refuses connections, and resumes when it is back', async () => {
      // Postgres goes down: its connections are cut and new ones are refused.
      proxy.mode = 'refuse';
      await db.cutConnections!();
      proxy.silence();

      const ready = await timed(() => fetch(`${app.url}/readyz`));
      expect(ready.value.status).toBe(503);
      expect(ready.ms).toBeLessThan(2000);

      const down = giver();
      const cmd = await timed(() => thanks(down, 'for the weekend on call'));
      expect(cmd.ms).toBeLessThan(3000);
      await app.kudos.background.idle();
      expect(toldTo(down, String(cmd.value.json?.text ?? ''))).toMatch(/nothing was recorded\. Please try again/);
      expect(await kudosBy(down)).toHaveLength(0);

      const event = eventEnvelope(reactionEvent('reaction_added', { user: 'UREACTOR2', reaction: 'clap', itemUser: 'UFRIEND', eventTs: nextEventTs() }));
      expect((await postSigned(app.url, JSON.stringify(event), { contentType: 'application/json' })).status).toBe(503);

      proxy.mode = 'pass';
      const back = giver();
      expect((await thanks(back, 'for bringing the database back')).json.text).toContain('Kudos sent');
      await app.kudos.background.idle();
      expect(await kudosBy(back)).toHaveLength(1);
      expect((await postSigned(app.url, JSON.stringify(event), { contentType: 'application/json', headers: { 'x-slack-retry-num': '1' } })).status).toBe(200);
      await app.kudos.background.idle();
      expect(await kudosBy('UREACTOR2')).toHaveLength(1);
      expect((await fetch(`${app.url}/readyz`)).status).toBe(200);
    });

    it('keeps settings the URL carries in ?options= alongside its own timeouts', async () => {
      const withOptions = new URL(db.url!);
      withOptions.searchParams.set('options', '-c work_mem=7MB');
      const handle = await connectDatabase({ url: withOptions.toString(), timeouts: { queryMs: 9000 } });
      try {
        const { rows } = await sql<{ w: string; s: string }>`select current_setting('work_mem') as w, current_setting('statement_timeout') as s`.execute(handle.db);
        expect(rows[0]).toEqual({ w: '7MB', s: '8500ms' });
      } finally {
        await handle.close();
      }
    });
  });
}
