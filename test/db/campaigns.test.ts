import {
  activeCampaignAt,
  campaignKeyAt,
  challengeProgress,
  progressInCampaign,
  recapData,
} from '../../src/core/campaigns';
import { giveKudos, type CoreDeps } from '../../src/core/give';
import { revokeKudos } from '../../src/core/reverse';
import { DEFAULT_SETTINGS } from '../../src/core/settings';
import { loadSettings, saveSetting } from '../../src/core/settings-store';
import type { GiveRequest } from '../../src/core/types';
import { DEFAULT_VALUES } from '../../src/core/values';
import { findPeople, setPreferences } from '../../src/db/queries/people';
import { upsertWorkspace } from '../../src/db/queries/workspaces';
import type { WorkspaceRow } from '../../src/db/schema';
import { testDatabases, useTestDb } from '../helpers/db';
import { MemoryDirectory } from '../helpers/directory';

/**
 * Customer Service Week 2026 runs Monday 5 to Friday 9 October. The workspace is in New York (EDT, UTC-4), so
 * the week is [2026-10-05T04:00Z, 2026-10-10T04:00Z).
 */
const MONDAY = new Date('2026-10-05T14:00:00Z');
const day = (n: number, hourUtc = 14) => new Date(Date.UTC(2026, 9, 5 + n, hourUtc));

describe.each(testDatabases())('campaigns on %s', (kind) => {
  const t = useTestDb(kind);
  let now: Date;
  let deps: CoreDeps;
  let ws: WorkspaceRow;
  let seq = 0;

  const give = async (giver: string, recipients: string[], over: Partial<GiveRequest> = {}) => {
    const r = await giveKudos(deps, ws, {
      workspaceId: ws.id,
      giver,
      recipients,
      message: 'for the patience on the refund call',
      values: [],
      source: 'command',
      sourceKey: `key-${++seq}`,
      ...over,
    });
    if (r.status === 'refused') throw new Error(`refused: ${JSON.stringify(r.refusals)}`);
    return r;
  };
  const idOf = async (externalId: string) => (await findPeople(t.db, ws.id, [externalId]))[0].id;
  const progress = async (externalId: string) => progressInCampaign(t.db, ws.id, await idOf(externalId), 'csw-2026');

  beforeEach(async () => {
    now = MONDAY;
    const dir = new MemoryDirectory();
    for (const id of ['UGINA', 'UALICE', 'UBOB', 'UCAROL', 'UDAN', 'UERIN', 'UFRED']) dir.add(id, { displayName: id.slice(1).toLowerCase() });
    deps = { db: t.db, directory: dir, clock: () => now, campaignKeyAt };
    ws = await upsertWorkspace(t.db, { platform: 'slack', externalId: 'T1', timeZone: 'America/New_York' }, DEFAULT_VALUES);
    await saveSetting(t.db, { workspaceId: ws.id, key: 'allowancePerDay', value: null, expectedVersion: 0, actorId: null });
  });

  describe('tagging', () => {
    it.each([
      ['Sunday 23:59 in New York', '2026-10-05T03:59:00Z', null],
      ['Monday 00:00 in New York', '2026-10-05T04:00:00Z', 'csw-2026'],
      ['Wednesday noon', '2026-10-07T16:00:00Z', 'csw-2026'],
      ['Friday 23:59 in New York', '2026-10-10T03:59:00Z', 'csw-2026'],
      ['Saturday 00:00 in New York', '2026-10-10T04:00:00Z', null],
      ['a week later', '2026-10-14T16:00:00Z', null],
    ])('a kudos given %s is tagged %p', async (_label, iso, key) => {
      now = new Date(iso);
      const r = await give('UGINA', ['UALICE']);
      expect(r.status === 'given' && r.kudos.campaignKey).toBe(key);
      const row = await t.db.selectFrom('kudos').select('campaign_key').executeTakeFirstOrThrow();
      expect(row.campaign_key).toBe(key);
    });

    it("follows the digest's time zone when the workspace set one", async () => {
      await saveSetting(t.db, { workspaceId: ws.id, key: 'digest', value: { ...DEFAULT_SETTINGS.digest, timeZone: 'Pacific/Auckland' }, expectedVersion: 0, actorId: null });
      // Friday 20:00 in New York is already Saturday in Auckland: the week is over there.
      now = new Date('2026-10-10T00:00:00Z');
      expect(await campaignKeyAt(t.db, ws, now)).toBeNull();
      // Sunday 4 October 12:00 in New York is Monday 05:00 in Auckland.
      expect(await campaignKeyAt(t.db, ws, new Date('2026-10-04T16:00:00Z'))).toBe('csw-2026');
    });

    it('tags nothing when Customer Service Week is switched off', async () => {
      const observances = structuredClone(DEFAULT_SETTINGS.observances);
      observances.builtIn['customer-service-week'].enabled = false;
      await saveSetting(t.db, { workspaceId: ws.id, key: 'observances', value: observances, expectedVersion: 0, actorId: null });
      const r = await give('UGINA', ['UALICE']);
      expect(r.status === 'given' && r.kudos.campaignKey).toBeNull();
      expect(await challengeProgress(t.db, ws, await idOf('UGINA'), now)).toBeNull();
    });

    it('answers without reading the database outside the first fortnight of October', async () => {
      const noDb = undefined as never;
      for (const iso of ['2026-03-06T15:00:00Z', '2026-09-29T00:00:00Z', '2026-10-13T00:00:00Z', '2026-12-31T23:00:00Z']) {
        expect(await campaignKeyAt(noDb, ws, new Date(iso))).toBeNull();
        expect(await challengeProgress(noDb, ws, 1, new Date(iso))).toBeNull();
      }
    });

    it('activeCampaignAt gives the running campaign with its key, name and local bounds', async () => {
      const settings = await loadSettings(t.db, ws.id);
      expect(activeCampaignAt(ws, settings, MONDAY)).toMatchObject({
        key: 'csw-2026',
        name: 'Customer Service Week',
        start: new Date('2026-10-05T04:00:00Z'),
        end: new Date('2026-10-10T04:00:00Z'),
        startDay: '2026-10-05',
        endDay: '2026-10-09',
      });
      expect(activeCampaignAt(ws, settings, new Date('2027-10-04T12:00:00Z'))?.key).toBe('csw-2027');
      expect(activeCampaignAt(ws, settings, new Date('2026-10-12T12:00:00Z'))).toBeNull();
    });
  });

  describe('the three-notes challenge', () => {
    it('counts different people: the same person twice is one, and one kudos to two people is two', async () => {
      await give('UGINA', ['UALICE']);
      now = day(1);
      await give('UGINA', ['UALICE']);
      expect(await progress('UGINA')).toEqual({ campaignKey: 'csw-2026', distinct: 1, completed: false });
      await give('UGINA', ['UALICE', 'UBOB']);
      expect((await progress('UGINA')).distinct).toBe(2);
      await give('UGINA', ['UCAROL', 'UDAN', 'UERIN']);
      // Five people thanked; the challenge counts to three.
      expect(await progress('UGINA')).toEqual({ campaignKey: 'csw-2026', distinct: 3, completed: true });
    });

    it('counts a re-delivered give once', async () => {
      await give('UGINA', ['UALICE'], { sourceKey: 'slack:cmd:trigger-1' });
      const again = await give('UGINA', ['UBOB'], { sourceKey: 'slack:cmd:trigger-1' });
      expect(again.status).toBe('duplicate');
      expect((await progress('UGINA')).distinct).toBe(1);
    });

    it('leaves out revoked kudos, so an undo takes progress back', async () => {
      await give('UGINA', ['UALICE']);
      const second = await give('UGINA', ['UBOB']);
      await give('UGINA', ['UCAROL']);
      expect((await progress('UGINA')).completed).toBe(true);
      if (second.status !== 'given') throw new Error('expected a kudos');
      await revokeKudos(deps, ws, second.kudos.id, { personId: null, reason: 'undo' });
      expect(await progress('UGINA')).toMatchObject({ distinct: 2, completed: false });
      // Thanking Bob again brings it back.
      await give('UGINA', ['UBOB']);
      expect((await progress('UGINA')).completed).toBe(true);
    });

    it('counts reactions and pile-ons as thanks given', async () => {
      const parent = await give('UALICE', ['UBOB', 'UCAROL']);
      if (parent.status !== 'given') throw new Error('expected a kudos');
      await give('UGINA', ['UBOB', 'UCAROL'], { source: 'pileon', parentId: parent.kudos.id, message: '', messageOptional: true, values: [] });
      await give('UGINA', ['UDAN'], { source: 'reaction', message: '', messageOptional: true, emoji: 'clap' });
      expect((await progress('UGINA')).completed).toBe(true);
    });

    it('counts only kudos tagged with the campaign, and only those the person gave', async () => {
      now = new Date('2026-10-02T15:00:00Z'); // the Friday before
      await give('UGINA', ['UALICE', 'UBOB']);
      now = MONDAY;
      await give('UGINA', ['UCAROL']);
      await give('UALICE', ['UGINA', 'UBOB', 'UDAN']);
      expect((await progress('UGINA')).distinct).toBe(1);
      expect((await progress('UALICE')).distinct).toBe(3);
      expect(await challengeProgress(t.db, ws, await idOf('UGINA'), MONDAY)).toEqual({ campaignKey: 'csw-2026', distinct: 1, completed: false });
      expect(await challengeProgress(t.db, ws, await idOf('UGINA'), new Date('2026-10-12T15:00:00Z'))).toBeNull();
    });
  });

  describe('the recap', () => {
    it('sums up the week: totals, participation, values, stories, and who finished the challenge', async () => {
      now = new Date('2026-10-02T15:00:00Z'); // before the week: not in the recap
      await give('UFRED', ['UALICE'], { message: 'for the spreadsheet before the week started' });
      now = MONDAY;
      await give('UGINA', ['UALICE', 'UBOB'], { values: ['empathy'], message: 'for calming a furious customer and fixing the cause' });
      await give('UGINA', ['UCAROL'], { values: ['empathy', 'ownership'] });
      now = day(2);
      await give('UALICE', ['UBOB'], { values: ['ownership'] });
      await give('UALICE', ['UCAROL']);
      await give('UALICE', ['UDAN'], { message: 'for the midnight migration' });
      const revoked = await give('UERIN', ['UFRED'], { message: 'withdrawn later' });
      if (revoked.status !== 'given') throw new Error('expected a kudos');
      await revokeKudos(deps, ws, revoked.kudos.id, { personId: null, reason: 'undo' });
      // Alice finished but opted out of being named: counted, not named.
      await setPreferences(t.db, ws.id, await idOf('UALICE'), { rankingsEnabled: false });

      const r = await recapData(t.db, ws, 'csw-2026');
      expect(r.campaign).toMatchObject({ key: 'csw-2026', year: 2026, startDay: '2026-10-05', endDay: '2026-10-09' });
      expect(r.quiet).toBe(false);
      // 2 + 1 + 1 + 1 + 1 thanks; givers Gina and Alice; recipients Alice, Bob, Carol, Dan.
      expect(r.totals).toMatchObject({ kudos: 6, givers: 2, recipients: 4, participants: 5 });
      expect(r.participation).toEqual({ participants: 5, known: 7, percent: 71 });
      expect(r.values.map((v) => [v.slug, v.count])).toEqual([
        ['empathy', 2],
        ['ownership', 2],
      ]);
      expect(r.stories.length).toBeGreaterThan(0);
      expect(r.stories.map((s) => s.message)).not.toContain('withdrawn later');
      expect(r.stories.map((s) => s.message)).not.toContain('for the spreadsheet before the week started');
      expect(r.challenge.completed).toBe(2);
      expect(r.challenge.named.map((p) => p.externalId)).toEqual(['UGINA']);
    });

    it('is quiet when nobody gave kudos during the week', async () => {
      now = new Date('2026-10-12T15:00:00Z');
      await give('UGINA', ['UALICE']);
      const r = await recapData(t.db, ws, 'csw-2026');
      expect(r.quiet).toBe(true);
      expect(r.totals.kudos).toBe(0);
      expect(r.challenge).toEqual({ completed: 0, named: [] });
    });

    it('refuses a key that is not a campaign', async () => {
      await expect(recapData(t.db, ws, 'thanksgiving:2026')).rejects.toThrow(RangeError);
    });
  });
});
