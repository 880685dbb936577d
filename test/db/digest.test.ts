import { buildDigest, type DigestPeriod } from '../../src/core/digest';
import { DEFAULT_SETTINGS, type Settings } from '../../src/core/settings';
import { DEFAULT_VALUES } from '../../src/core/values';
import { upsertWorkspace } from '../../src/db/queries/workspaces';
import type { WorkspaceRow } from '../../src/db/schema';
import { digestJob, latestDigestPeriod } from '../../src/jobs/digest-job';
import { testDatabases, useTestDb } from '../helpers/db';
import { insertKudos } from '../helpers/ledger-rows';

// The week to Friday 27 November 2026, 16:00 in Berlin (15:00 UTC).
const NOW = new Date('2026-11-27T16:00:00Z');
const WEEK = '2026-11-24T10:00:00Z';
const LAST_WEEK = '2026-11-17T10:00:00Z';
const LONG_AGO = '2026-10-01T10:00:00Z';

describe.each(testDatabases())('weekly digest content on %s', (kind) => {
  const t = useTestDb(kind);
  let ws: WorkspaceRow;
  let period: DigestPeriod;
  let people: Map<string, number>;

  beforeEach(async () => {
    ws = await upsertWorkspace(t.db, { platform: 'slack', externalId: 'T1', timeZone: 'Europe/Berlin' }, DEFAULT_VALUES);
    period = latestDigestPeriod(DEFAULT_SETTINGS.digest, 'Europe/Berlin', NOW);
    people = new Map();
  });

  async function person(name: string, over: { rankings?: boolean; bot?: boolean; deleted?: boolean } = {}): Promise<number> {
    const known = people.get(name);
    if (known) return known;
    const row = await t.db
      .insertInto('person')
      .values({
        workspace_id: ws.id,
        external_id: `U${name.toUpperCase()}`,
        display_name: name,
        rankings_enabled: over.rankings ?? true,
        is_bot: over.bot ?? false,
        is_deleted: over.deleted ?? false,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    people.set(name, row.id);
    return row.id;
  }

  /** Records a kudos as the ledger does: the kudos, its recipients (same created_at) and its values. */
  async function give(
    giver: string,
    recipients: string[],
    at: string,
    opts: { message?: string; values?: string[]; parentId?: number; revoked?: boolean } = {},
  ): Promise<number> {
    const created = new Date(at);
    const recipientIds = [];
    for (const r of recipients) recipientIds.push(await person(r));
    const valueIds = opts.values?.length
      ? (await t.db.selectFrom('value').select('id').where('workspace_id', '=', ws.id).where('slug', 'in', opts.values).execute()).map((v) => v.id)
      : [];
    return insertKudos(t.db, ws.id, {
      giverId: await person(giver),
      recipientIds,
      at: created,
      message: opts.message ?? (opts.parentId ? '' : `for helping out on ${at}`),
      parentId: opts.parentId,
      valueIds,
      revokedAt: opts.revoked ? new Date(created.getTime() + 60_000) : null,
    });
  }

  const build = (topCount = 3) => buildDigest(t.db, ws, period, { topCount });
  const names = (list: Array<{ displayName: string }>) => list.map((p) => p.displayName);

  it('covers exactly the seven days before the scheduled time, in the workspace zone', async () => {
    expect(period.start.toISOString()).toBe('2026-11-20T15:00:00.000Z');
    expect(period.end.toISOString()).toBe('2026-11-27T15:00:00.000Z');
    await give('ana', ['ben'], '2026-11-20T15:00:00Z'); // first instant: in
    await give('ana', ['cleo'], '2026-11-27T14:59:59Z'); // last second: in
    await give('ana', ['dev'], '2026-11-27T15:00:00Z'); // the digest's own instant: next week
    await give('ana', ['eli'], '2026-11-20T14:59:59Z'); // last week
    const d = await build();
    expect(d.totals.kudos).toBe(2);
    expect(d.previous.kudos).toBe(1);
    expect(d.period).toMatchObject({ key: '2026-W48', startDay: '2026-11-20', endDay: '2026-11-27', timeZone: 'Europe/Berlin' });
  });

  it('counts kudos (one per recipient), givers, recipients and participation, with last week for comparison', async () => {
    await give('ana', ['ben', 'cleo'], WEEK);
    await give('ben', ['ana'], WEEK);
    await give('cleo', ['ana'], LAST_WEEK);
    await person('dev');
    await person('bot', { bot: true });
    await person('gone', { deleted: true });
    const d = await build();
    expect(d.totals).toEqual({ kudos: 3, givers: 2, recipients: 3, participants: 3, knownPeople: 4 });
    expect(d.previous).toEqual({ kudos: 1, givers: 1, recipients: 1, participants: 2 });
    expect(d.quiet).toBe(false);
  });

  it('never counts revoked kudos: not in totals, rankings, values, stories or pile-on counts', async () => {
    const kept = await give('ana', ['ben'], WEEK, { values: ['ownership'], message: 'for the kept one' });
    await give('ana', ['ben'], WEEK, { values: ['empathy'], message: 'for the withdrawn one', revoked: true });
    await give('cleo', ['dev'], WEEK, { revoked: true });
    await give('eli', ['ben'], WEEK, { parentId: kept });
    await give('fay', ['ben'], WEEK, { parentId: kept, revoked: true });
    await give('zed', ['ana'], LAST_WEEK, { revoked: true });
    const d = await build();
    expect(d.totals).toMatchObject({ kudos: 2, givers: 2, recipients: 1 });
    expect(d.previous.kudos).toBe(0);
    expect(d.topRecipients.entries.map((e) => [e.displayName, e.count])).toEqual([['ben', 2]]);
    expect(names(d.topGivers.entries)).toEqual(['ana', 'eli']);
    expect(d.values.map((v) => [v.slug, v.count])).toEqual([['ownership', 1]]);
    expect(d.stories.map((s) => [s.message, s.pileOns])).toEqual([['for the kept one', 1]]);
    expect(names(d.firstTimers.people)).toEqual(['ben']); // dev's only kudos was withdrawn
  });

  it('ranks with ties (competition ranking) and cuts at the configured count', async () => {
    for (const [who, n] of [['ana', 3], ['ben', 3], ['cleo', 2], ['dev', 2], ['eli', 1]] as const) {
      for (let i = 0; i < n; i++) await give(`giver${i}`, [who], WEEK);
    }
    const top2 = await build(2);
    expect(top2.topRecipients.entries.map((e) => [e.displayName, e.rank, e.count])).toEqual([
      ['ana', 1, 3],
      ['ben', 1, 3],
    ]);
    const top3 = await build(3);
    expect(top3.topRecipients.entries.map((e) => [e.displayName, e.rank])).toEqual([
      ['ana', 1],
      ['ben', 1],
      ['cleo', 3],
      ['dev', 3],
    ]);
    expect(top3.topRecipients.more).toBe(0);
    const top10 = await build(10);
    expect(top10.topRecipients.entries.map((e) => e.rank)).toEqual([1, 1, 3, 3, 5]);
    // Givers: giver0 gave 5, giver1 gave 4, giver2 gave 2.
    expect(top3.topGivers.entries.map((e) => [e.displayName, e.count, e.rank])).toEqual([
      ['giver0', 5, 1],
      ['giver1', 4, 2],
      ['giver2', 2, 3],
    ]);
  });

  it('never names people who opted out of rankings, and ranks the others as if they were not there', async () => {
    await person('ana', { rankings: false });
    for (let i = 0; i < 5; i++) await give('ana', ['ben'], WEEK);
    for (let i = 0; i < 3; i++) await give(`fan${i}`, ['ana'], WEEK);
    await give('cleo', ['dev'], WEEK);
    const d = await build(1);
    expect(names(d.topRecipients.entries)).toEqual(['ben']);
    expect(d.topRecipients.entries[0].rank).toBe(1);
    expect(names(d.topGivers.entries)).toEqual(['cleo', 'fan0', 'fan1', 'fan2']);
    const all = JSON.stringify([d.topGivers, d.topRecipients]);
    expect(all).not.toContain('"ana"');
    // They still count in the totals.
    expect(d.totals).toMatchObject({ kudos: 9, givers: 5 });
  });

  it('welcomes first-time recipients: never thanked before (a withdrawn kudos is not a first), bots excluded', async () => {
    await give('ana', ['old'], LONG_AGO);
    await give('ana', ['recent'], LAST_WEEK);
    await give('ana', ['withdrawn'], LONG_AGO, { revoked: true });
    await person('robot', { bot: true });
    await give('ana', ['old', 'recent', 'withdrawn', 'new', 'robot'], WEEK);
    await give('new', ['newer'], WEEK);
    const d = await build();
    expect(names(d.firstTimers.people)).toEqual(['new', 'newer', 'withdrawn']);
    expect(d.firstTimers.total).toBe(3);
  });

  it('tells stories fairly: most pile-ons first, nobody twice, never a pile-on or a message-less kudos', async () => {
    const quiet = await give('ana', ['ben'], WEEK, { message: 'for the careful handover notes' });
    const loud = await give('cleo', ['dev'], WEEK, { message: 'for rescuing the launch' });
    const louder = await give('eli', ['fay'], WEEK, { message: 'for the midnight fix' });
    for (const p of ['p1', 'p2']) await give(p, ['dev'], WEEK, { parentId: loud });
    for (const p of ['p3', 'p4', 'p5']) await give(p, ['fay'], WEEK, { parentId: louder });
    await give('fay', ['gus'], WEEK, { message: 'for the pairing session' }); // fay is already in a story
    await give('hal', ['ivy'], WEEK, { message: '   ' });
    const d = await build();
    expect(d.stories.map((s) => [s.kudosId, s.pileOns])).toEqual([
      [louder, 3],
      [loud, 2],
      [quiet, 0],
    ]);
    expect(d.stories[0]).toMatchObject({ giver: { displayName: 'eli' }, recipients: [{ displayName: 'fay' }], message: 'for the midnight fix' });
    // Equal pile-ons are drawn per period, but the same period always draws the same.
    const again = await build();
    expect(again.stories.map((s) => s.kudosId)).toEqual(d.stories.map((s) => s.kudosId));
  });

  it('counts values per kudos and names the one that showed up most (all of them when tied)', async () => {
    await give('ana', ['ben'], WEEK, { values: ['ownership', 'empathy'] });
    await give('ben', ['ana'], WEEK, { values: ['ownership'] });
    await give('cleo', ['ana'], WEEK, { values: ['empathy'] });
    await give('cleo', ['ana'], WEEK, { values: ['humour'] });
    const d = await build();
    expect(d.values.map((v) => [v.slug, v.emoji, v.count])).toEqual([
      ['empathy', 'heart', 2],
      ['ownership', 'muscle', 2],
      ['humour', 'joy', 1],
    ]);
    expect(d.topValues.map((v) => v.slug)).toEqual(['empathy', 'ownership']);
  });

  it('a quiet week is flagged, and skipped instead of posted when the workspace says so', async () => {
    await give('ana', ['ben'], LAST_WEEK);
    const d = await build();
    expect(d.quiet).toBe(true);
    expect(d.totals.kudos).toBe(0);
    expect(d.previous.kudos).toBe(1);
    const run = { id: 1, period_key: period.key, due_at: period.end } as never;
    const nudge: Settings = { ...DEFAULT_SETTINGS };
    const skip: Settings = { ...DEFAULT_SETTINGS, digest: { ...DEFAULT_SETTINGS.digest, quietWeek: 'skip' } };
    expect(await digestJob.build({ db: t.db, workspace: ws, settings: nudge, run, now: NOW })).toMatchObject({ post: { kind: 'digest', digest: { quiet: true } } });
    expect(await digestJob.build({ db: t.db, workspace: ws, settings: skip, run, now: NOW })).toEqual({ skip: 'quiet_week' });
  });

  it('keeps a week with 500 recipients within bounds: capped lists that say how many more', async () => {
    for (let g = 0; g < 50; g++) {
      await give(`giver${g}`, Array.from({ length: 10 }, (_, i) => `r${String(g * 10 + i).padStart(3, '0')}`), WEEK, { values: ['collaboration'] });
    }
    const d = await build();
    expect(d.totals).toMatchObject({ kudos: 500, givers: 50, recipients: 500, participants: 550 });
    expect(d.topRecipients.entries).toHaveLength(25);
    expect(d.topRecipients.more).toBe(475);
    expect(d.topRecipients.entries.every((e) => e.rank === 1 && e.count === 1)).toBe(true);
    expect(d.topGivers.entries).toHaveLength(25);
    expect(d.topGivers.more).toBe(25);
    expect(d.firstTimers.total).toBe(500);
    expect(d.firstTimers.people).toHaveLength(50);
    expect(names(d.firstTimers.people).slice(0, 2)).toEqual(['r000', 'r001']);
    expect(d.stories).toHaveLength(3);
  });

  it('keeps workspaces apart', async () => {
    await give('ana', ['ben'], WEEK);
    const other = await upsertWorkspace(t.db, { platform: 'slack', externalId: 'T2' }, DEFAULT_VALUES);
    const d = await buildDigest(t.db, other, period, { topCount: 3 });
    expect(d.quiet).toBe(true);
    expect(d.totals).toEqual({ kudos: 0, givers: 0, recipients: 0, participants: 0, knownPeople: 0 });
  });
});
