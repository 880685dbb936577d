import { giveKudos, type CoreDeps } from '../../src/core/give';
import { revokeKudos, undoLastKudos } from '../../src/core/reverse';
import { personStats } from '../../src/core/stats';
import { saveSetting } from '../../src/core/settings-store';
import { DEFAULT_VALUES } from '../../src/core/values';
import { loadKudosViews } from '../../src/db/queries/kudos';
import { upsertWorkspace } from '../../src/db/queries/workspaces';
import type { WorkspaceRow } from '../../src/db/schema';
import type { GiveRequest } from '../../src/core/types';
import { testDatabases, useTestDb, type TestDb } from '../helpers/db';
import { MemoryDirectory } from '../helpers/directory';

describe.each(testDatabases())('giving kudos on %s', (kind) => {
  const t = useTestDb(kind);
  let now: Date;
  let dir: MemoryDirectory;
  let deps: CoreDeps;
  let ws: WorkspaceRow;
  let seq = 0;

  const req = (over: Partial<GiveRequest> = {}): GiveRequest => ({
    workspaceId: ws.id,
    giver: 'UGIVER',
    recipients: ['UALICE'],
    message: 'for fixing the refund flow',
    values: [],
    source: 'command',
    sourceKey: `key-${++seq}`,
    ...over,
  });

  beforeEach(async () => {
    now = new Date('2026-03-10T15:00:00Z');
    dir = new MemoryDirectory()
      .add('UGIVER', { timeZone: 'America/Los_Angeles' })
      .add('UALICE')
      .add('UBOB')
      .add('UBOT', { isBot: true })
      .add('UGONE', { isDeleted: true });
    for (let i = 0; i < 12; i++) dir.add(`UP${i}`);
    deps = { db: t.db, directory: dir, clock: () => now };
    ws = await upsertWorkspace(t.db, { platform: 'slack', externalId: 'T1' }, DEFAULT_VALUES);
  });

  it('records a kudos with recipients, values and the giver-local day', async () => {
    const r = await giveKudos(deps, ws, req({ recipients: ['UALICE', 'UBOB'], values: ['ownership', 'empathy'] }));
    expect(r.status).toBe('given');
    if (r.status !== 'given') return;
    expect(r.kudos.recipients.map((p) => p.externalId).sort()).toEqual(['UALICE', 'UBOB']);
    expect(r.kudos.values.map((v) => v.slug)).toEqual(['empathy', 'ownership']);
    expect(r.allowance).toEqual({ limit: 5, used: 2, left: 3 });
    const row = await t.db.selectFrom('kudos').select(['local_day', 'post_status', 'post_lease_until']).executeTakeFirstOrThrow();
    // 15:00 UTC is 08:00 the same day in Los Angeles.
    expect(row.local_day).toBe('2026-03-10');
    // Recorded with the claim to post it, held by the giving request for two minutes.
    expect(row.post_status).toBe('posting');
    expect(r.postClaim).toEqual(new Date(now.getTime() + 2 * 60_000));
    expect(row.post_lease_until).toEqual(new Date(now.getTime() + 2 * 60_000));
  });

  it('keeps recipients in the order the giver named them, when given and when read back', async () => {
    // Create the people in one order, then name them in another: person ids must not decide the order.
    await giveKudos(deps, ws, req({ recipients: ['UP1', 'UP2'], giver: 'UBOB' }));
    const r = await giveKudos(deps, ws, req({ recipients: ['UP3', 'UP1', 'UP2'] }));
    expect(r.status).toBe('given');
    if (r.status !== 'given') return;
    expect(r.kudos.recipients.map((p) => p.externalId)).toEqual(['UP3', 'UP1', 'UP2']);
    const [again] = await loadKudosViews(t.db, ws.id, [r.kudos.id]);
    expect(again.recipients.map((p) => p.externalId)).toEqual(['UP3', 'UP1', 'UP2']);
  });

  it('counts the day in the giver\'s own time zone', async () => {
    now = new Date('2026-03-11T03:00:00Z'); // still 10 March in Los Angeles
    await giveKudos(deps, ws, req());
    const row = await t.db.selectFrom('kudos').select('local_day').executeTakeFirstOrThrow();
    expect(row.local_day).toBe('2026-03-10');
  });

  it('records a repeated idempotency key once and returns the first kudos', async () => {
    const first = await giveKudos(deps, ws, req({ sourceKey: 'trigger-1' }));
    const again = await giveKudos(deps, ws, req({ sourceKey: 'trigger-1', recipients: ['UBOB'] }));
    expect(first.status).toBe('given');
    expect(again.status).toBe('duplicate');
    if (first.status !== 'given' || again.status !== 'duplicate') return;
    expect(again.kudos.id).toBe(first.kudos.id);
    expect(await count(t, 'kudos')).toBe(1);
    expect(await count(t, 'kudos_recipient')).toBe(1);
  });

  it('gives to the valid recipients and reports who was skipped and why', async () => {
    const r = await giveKudos(deps, ws, req({ recipients: ['UALICE', 'UGIVER', 'UBOT', 'UGONE', 'UNOBODY'] }));
    expect(r.status).toBe('given');
    if (r.status !== 'given') return;
    expect(r.kudos.recipients.map((p) => p.externalId)).toEqual(['UALICE']);
    expect(r.skipped).toEqual([
      { userId: 'UGIVER', code: 'self' },
      { userId: 'UBOT', code: 'bot' },
      { userId: 'UGONE', code: 'deleted' },
      { userId: 'UNOBODY', code: 'unknown_user' },
    ]);
    expect(r.allowance.used).toBe(1);
  });

  it.each([
    ['self only', { recipients: ['UGIVER'] }, [{ code: 'self' }]],
    ['a bot only', { recipients: ['UBOT'] }, [{ code: 'bot', userId: 'UBOT' }]],
    ['nobody', { recipients: [] }, [{ code: 'no_recipients' }]],
    ['no message', { message: '' }, [{ code: 'message_missing' }]],
    ['a short message', { message: 'thx' }, [{ code: 'message_too_short', min: 10 }]],
    ['a 1,001-character message', { message: 'x'.repeat(1001) }, [{ code: 'message_too_long', max: 1000, length: 1001 }]],
    ['11 recipients', { recipients: Array.from({ length: 11 }, (_, i) => `UP${i}`) }, [{ code: 'too_many_recipients', max: 10, given: 11 }]],
    ['a user group', { userGroups: ['@support'], recipients: [] }, [{ code: 'user_group', handles: ['@support'] }]],
  ] as Array<[string, Partial<GiveRequest>, unknown[]]>)('refuses %s with a typed reason', async (_name, over, refusals) => {
    const r = await giveKudos(deps, ws, req(over));
    expect(r.status === 'refused' && r.refusals).toEqual(refusals);
    expect(await count(t, 'kudos')).toBe(0);
  });

  it('lists every problem at once, and the workspace values for an unknown tag', async () => {
    const r = await giveKudos(deps, ws, req({ recipients: ['UGIVER'], message: 'hi', values: ['nope'] }));
    expect(r.status).toBe('refused');
    if (r.status !== 'refused') return;
    expect(r.refusals.map((x) => x.code)).toEqual(['self', 'message_too_short', 'unknown_value']);
    const unknown = r.refusals.find((x) => x.code === 'unknown_value');
    expect(unknown).toMatchObject({ unknown: ['nope'], values: DEFAULT_VALUES.map((v) => v.slug) });
  });

  it('requires a value when the workspace says so', async () => {
    await saveSetting(t.db, { workspaceId: ws.id, key: 'valueRequired', value: true, expectedVersion: 0, actorId: null });
    const r = await giveKudos(deps, ws, req());
    expect(r.status === 'refused' && r.refusals[0].code).toBe('value_required');
    expect((await giveKudos(deps, ws, req({ values: ['empathy'] }))).status).toBe('given');
  });

  it('refuses a kudos whole when the allowance cannot cover every recipient', async () => {
    expect((await giveKudos(deps, ws, req({ recipients: ['UP0', 'UP1', 'UP2', 'UP3'] }))).status).toBe('given');
    const r = await giveKudos(deps, ws, req({ recipients: ['UALICE', 'UBOB'] }));
    expect(r).toMatchObject({ status: 'refused', refusals: [{ code: 'allowance', left: 1, limit: 5, wanted: 2 }] });
    expect(await count(t, 'kudos')).toBe(1);
    expect((await giveKudos(deps, ws, req({ recipients: ['UALICE'] }))).status).toBe('given');
  });

  it('never exceeds the allowance under 50 concurrent gives', async () => {
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => giveKudos(deps, ws, req({ recipients: [`UP${i % 10}`], sourceKey: `race-${i}` }))),
    );
    const given = results.filter((r) => r.status === 'given').length;
    expect(given).toBe(5);
    expect(results.filter((r) => r.status === 'refused' && r.refusals[0].code === 'allowance')).toHaveLength(45);
    expect(await count(t, 'kudos')).toBe(5);
    const usage = await t.db.selectFrom('allowance_usage').select('used').executeTakeFirstOrThrow();
    expect(usage.used).toBe(5);
  });

  it('records exactly once when the same key arrives 20 times concurrently', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => giveKudos(deps, ws, req({ sourceKey: 'burst' }))));
    expect(results.filter((r) => r.status === 'given')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'duplicate')).toHaveLength(19);
    expect(await count(t, 'kudos')).toBe(1);
  });

  it('treats an unlimited allowance as unlimited', async () => {
    await saveSetting(t.db, { workspaceId: ws.id, key: 'allowancePerDay', value: null, expectedVersion: 0, actorId: null });
    for (let i = 0; i < 7; i++) expect((await giveKudos(deps, ws, req({ recipients: [`UP${i}`] }))).status).toBe('given');
  });

  it('keeps giving when the directory is down, using what it knows', async () => {
    await giveKudos(deps, ws, req());
    dir.failing = true;
    now = new Date(now.getTime() + 2 * 24 * 3600 * 1000); // profiles are stale now
    const r = await giveKudos(deps, ws, req({ recipients: ['UALICE'] }));
    expect(r.status).toBe('given');
    if (r.status === 'given') expect(r.kudos.recipients.map((p) => p.externalId)).toEqual(['UALICE']);
  });

  it('refuses, to be tried again, a kudos naming someone never seen while the directory is down (they may be a bot)', async () => {
    await giveKudos(deps, ws, req());
    dir.failing = true;
    const r = await giveKudos(deps, ws, req({ recipients: ['UALICE', 'UNEW'] }));
    expect(r).toMatchObject({ status: 'refused', refusals: [{ code: 'lookup_failed', userIds: ['UNEW'] }] });
    expect(await t.db.selectFrom('person').select('external_id').where('external_id', '=', 'UNEW').execute()).toHaveLength(0);
    expect(await t.db.selectFrom('kudos').select('id').execute()).toHaveLength(1);
  });

  it('undo revokes the latest kudos within 15 minutes and returns its allowance', async () => {
    const g = await giveKudos(deps, ws, req({ recipients: ['UALICE', 'UBOB'] }));
    const giver = g.status === 'given' ? g.giver : undefined;
    if (!giver) throw new Error('not given');
    now = new Date(now.getTime() + 10 * 60_000);
    const u = await undoLastKudos(deps, ws, giver, 'req-1');
    expect(u.status).toBe('undone');
    const row = await t.db.selectFrom('kudos').selectAll().executeTakeFirstOrThrow();
    expect(row.revoked_reason).toBe('undo');
    expect(row.revoked_by).toBe(giver.id);
    expect((await personStats(deps, ws, giver)).allowance.left).toBe(5);
    expect((await undoLastKudos(deps, ws, giver, 'req-2')).status).toBe('nothing_to_undo');
  });

  it('undo replayed with the same request key withdraws one kudos, not two', async () => {
    const first = await giveKudos(deps, ws, req({ sourceKey: 'k-first', recipients: ['UALICE'] }));
    now = new Date(now.getTime() + 1000);
    const second = await giveKudos(deps, ws, req({ sourceKey: 'k-second', recipients: ['UBOB'] }));
    if (first.status !== 'given' || second.status !== 'given') throw new Error('not given');
    const once = await undoLastKudos(deps, ws, second.giver, 'slack:cmd:T1');
    const replay = await undoLastKudos(deps, ws, second.giver, 'slack:cmd:T1');
    expect(once.status === 'undone' && once.kudos.id).toBe(second.kudos.id);
    // The replay answers with the same kudos and withdraws nothing more.
    expect(replay.status === 'undone' && replay.kudos.id).toBe(second.kudos.id);
    const revoked = await t.db.selectFrom('kudos').select('id').where('revoked_at', 'is not', null).execute();
    expect(revoked.map((r) => r.id)).toEqual([second.kudos.id]);
    // A new request does withdraw the next one.
    const next = await undoLastKudos(deps, ws, second.giver, 'slack:cmd:T2');
    expect(next.status === 'undone' && next.kudos.id).toBe(first.kudos.id);
  });

  it('undo does not reach past 15 minutes', async () => {
    const g = await giveKudos(deps, ws, req());
    if (g.status !== 'given') throw new Error('not given');
    now = new Date(now.getTime() + 16 * 60_000);
    expect(await undoLastKudos(deps, ws, g.giver, 'req-late')).toEqual({ status: 'nothing_to_undo', windowMinutes: 15 });
  });

  it('a reversal tomorrow returns the allowance to the day it was taken from', async () => {
    const g = await giveKudos(deps, ws, req({ recipients: ['UALICE', 'UBOB'] }));
    if (g.status !== 'given') throw new Error('not given');
    now = new Date(now.getTime() + 24 * 3600_000);
    await giveKudos(deps, ws, req({ recipients: ['UP1'] }));
    await revokeKudos(deps, ws, g.kudos.id, { personId: null, reason: 'admin' });
    const rows = await t.db.selectFrom('allowance_usage').select(['day', 'used']).orderBy('day').execute();
    expect(rows).toEqual([
      { day: '2026-03-10', used: 0 },
      { day: '2026-03-11', used: 1 },
    ]);
    expect((await revokeKudos(deps, ws, g.kudos.id, { personId: null, reason: 'admin' })).status).toBe('already_revoked');
  });

  it('stats count this week and all time, ignoring revoked kudos', async () => {
    const g = await giveKudos(deps, ws, req({ recipients: ['UALICE', 'UBOB'] }));
    if (g.status !== 'given') throw new Error('not given');
    // Two weeks later: last week's kudos count for all time only.
    now = new Date(now.getTime() + 14 * 24 * 3600_000);
    const g2 = await giveKudos(deps, ws, req({ recipients: ['UALICE'] }));
    const g3 = await giveKudos(deps, ws, req({ recipients: ['UBOB'] }));
    if (g2.status !== 'given' || g3.status !== 'given') throw new Error('not given');
    await revokeKudos(deps, ws, g3.kudos.id, { personId: null, reason: 'undo' });
    const s = await personStats(deps, ws, g.giver);
    expect(s.week).toEqual({ given: 1, received: 0 });
    expect(s.allTime).toEqual({ given: 3, received: 0 });
    const alice = g.kudos.recipients.find((p) => p.externalId === 'UALICE')!;
    const aliceRow = await t.db.selectFrom('person').selectAll().where('id', '=', alice.id).executeTakeFirstOrThrow();
    expect((await personStats(deps, ws, aliceRow)).allTime).toEqual({ given: 0, received: 2 });
  });

  it('keeps each workspace\'s data to itself', async () => {
    const other = await upsertWorkspace(t.db, { platform: 'slack', externalId: 'T2' }, DEFAULT_VALUES);
    await giveKudos(deps, ws, req({ sourceKey: 'same' }));
    const r = await giveKudos(deps, other, req({ workspaceId: other.id, sourceKey: 'same' }));
    expect(r.status).toBe('given');
    if (r.status !== 'given') return;
    expect((await personStats(deps, other, r.giver)).allTime.given).toBe(1);
  });
});

async function count(t: TestDb, table: 'kudos' | 'kudos_recipient'): Promise<number> {
  const r = await t.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}
