import type { DatabaseKind } from '../../src/db/connect';
import type { Logger } from '../../src/logger';
import { startTestApp, type TestApp } from './app';
import { createTestDb, type TestDb } from './db';
import { FakeConnector } from './fake-connector';
import { KEEP } from './slack-e2e';
import { PEOPLE } from './teams-activities';

export interface TeamsReply {
  status: number;
  text: string;
  json: any;
}

export interface TeamsE2E {
  db: TestDb;
  connector: FakeConnector;
  app: TestApp;
  /** POSTs an activity to /api/messages (with `Authorization` when given) and returns the HTTP answer. */
  send(activity: unknown, opts?: { authorization?: string }): Promise<TeamsReply>;
  count(table: 'kudos' | 'kudos_recipient' | 'event_inbox' | 'conversation_ref' | 'audit_log' | 'person' | 'export_link'): Promise<number>;
}

/**
 * One real app per database kind for a Teams end-to-end file: a fresh schema, the fake Bot Connector with the
 * test people as members, the app with Teams on (unauthenticated, as for the Emulator, unless `env` says
 * otherwise), and a clean ledger before each test.
 */
export function useTeamsE2E(kind: DatabaseKind, opts: { env?: Record<string, string>; clock?: () => Date; logger?: Logger } = {}): TeamsE2E {
  const e = {} as TeamsE2E;
  beforeAll(async () => {
    e.db = await createTestDb(kind);
    e.connector = await new FakeConnector().start();
    for (const p of PEOPLE) e.connector.addMember({ ...p, givenName: p.name.split(' ')[0], surname: p.name.split(' ')[1], userRole: 'user' });
    e.app = await startTestApp({ db: e.db, env: { TEAMS_ALLOW_UNAUTHENTICATED: 'true', ...(opts.env ?? {}) }, clock: opts.clock, logger: opts.logger });
  });
  afterAll(async () => {
    await e.app?.stop();
    await e.connector?.stop();
    await e.db?.close();
  });
  beforeEach(async () => {
    await e.app.kudos.background.idle();
    await e.db.reset({ keep: KEEP });
    e.connector.reset();
  });
  e.send = async (activity, o = {}) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (o.authorization) headers.authorization = o.authorization;
    const res = await fetch(`${e.app.url}/api/messages`, { method: 'POST', headers, body: JSON.stringify(activity) });
    const text = await res.text();
    let json: any;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    await e.app.kudos.background.idle();
    return { status: res.status, text, json };
  };
  e.count = async (table) => {
    const r = await e.db.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(r.n);
  };
  return e;
}
