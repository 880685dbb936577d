import { createTestDb, type TestDb } from './db';
import { startTestApp, type TestApp } from './app';
import { FakeSlack } from './fake-slack';
import { postSigned, slashCommand, type SignOptions } from './slack-requests';
import type { DatabaseKind } from '../../src/db/connect';
import type { Logger } from '../../src/logger';

/** Tables a running app depends on (its workspace and the people it cached); the rest is emptied per test. */
export const KEEP = ['workspace', 'value', 'kysely_migration', 'kysely_migration_lock'];

export interface SlackE2E {
  db: TestDb;
  fake: FakeSlack;
  app: TestApp;
  /** Moves the app's clock (real time plus this offset) forward, e.g. past a DM batch window. */
  advance(ms: number): void;
  /** Sends `/thanks <text>` and waits until the work it started after the ack is done. */
  thanks(text: string, fields?: Parameters<typeof slashCommand>[0] extends infer F ? Partial<F> : never, sign?: SignOptions): Promise<Awaited<ReturnType<typeof postSigned>>>;
  post(body: string, sign?: SignOptions): Promise<Awaited<ReturnType<typeof postSigned>>>;
  idle(): Promise<void>;
  count(table: 'kudos' | 'kudos_recipient' | 'kudos_value' | 'event_inbox'): Promise<number>;
}

/**
 * Wires one real app per database kind for an end-to-end test file: a fresh schema, the fake Slack API with a
 * few people, the app on an ephemeral port, and a clean ledger before each test.
 */
export function useSlackE2E(kind: DatabaseKind, opts: { env?: Record<string, string>; clock?: () => Date; logger?: Logger } = {}): SlackE2E {
  const e = {} as SlackE2E;
  let offsetMs = 0;
  const clock = opts.clock ?? (() => new Date(Date.now() + offsetMs));
  e.advance = (ms) => {
    offsetMs += ms;
  };
  beforeAll(async () => {
    e.db = await createTestDb(kind);
    e.fake = await new FakeSlack().start();
    e.fake
      .addUser({ id: 'UGIVER', name: 'gina', tz: 'America/Los_Angeles' })
      .addUser({ id: 'UALICE', name: 'alice' })
      .addUser({ id: 'UBOB', name: 'bob', tz: 'Europe/London' })
      .addUser({ id: 'UCAROL', name: 'carol' })
      .addUser({ id: 'UROBOT', name: 'deploybot', is_bot: true })
      .addUser({ id: 'UGONE', name: 'former', deleted: true })
      .addUser({ id: 'UADMIN', name: 'ada', is_admin: true });
    e.app = await startTestApp({ db: e.db, fake: e.fake, env: opts.env, clock, logger: opts.logger });
  });
  afterAll(async () => {
    await e.app?.stop();
    await e.fake?.stop();
    await e.db?.close();
  });
  beforeEach(async () => {
    await e.app.kudos.background.idle();
    // App Home refreshes still waiting from the last test would publish into this one.
    e.app.kudos.slack?.home.cancelPending();
    await e.db.reset({ keep: KEEP });
    e.fake.reset();
    e.app.sleeps.length = 0;
    offsetMs = 0;
  });
  e.idle = () => e.app.kudos.background.idle();
  e.post = async (body, sign) => {
    // Signed at the app's own time, so moving its clock does not make requests look stale.
    const res = await postSigned(e.app.url, body, { timestamp: Math.floor(clock().getTime() / 1000), ...sign });
    await e.idle();
    return res;
  };
  e.thanks = (text, fields = {}, sign) => e.post(slashCommand({ text, ...fields }), sign);
  e.count = async (table) => {
    const r = await e.db.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(r.n);
  };
  return e;
}
