import { addAdmin, checkAdmin, claimFirstAdmin, removeAdmin, saveSettingAsAdmin, seedAdmins, slackSeedAdmins, ADMIN_PROFILE_TTL_MS } from '../../src/core/admin';
import { createValue, editValue } from '../../src/core/admin-values';
import { upsertPerson } from '../../src/db/queries/people';
import { giveKudos, type CoreDeps } from '../../src/core/give';
import { loadHomeData, type CampaignsPort } from '../../src/core/home';
import { resolvePerson } from '../../src/core/people';
import { revokeKudos } from '../../src/core/reverse';
import { DEFAULT_SETTINGS, type Settings } from '../../src/core/settings';
import { loadSettingsSnapshot } from '../../src/core/settings-store';
import { DEFAULT_VALUES } from '../../src/core/values';
import { upsertWorkspace } from '../../src/db/queries/workspaces';
import type { WorkspaceRow } from '../../src/db/schema';
import type { GiveRequest } from '../../src/core/types';
import { testDatabases, useTestDb } from '../helpers/db';
import { MemoryDirectory } from '../helpers/directory';

describe.each(testDatabases())('App Home data and admin operations on %s', (kind) => {
  const t = useTestDb(kind);
  let now: Date;
  let dir: MemoryDirectory;
  let deps: CoreDeps;
  let ws: WorkspaceRow;
  let seq = 0;
  const settings = DEFAULT_SETTINGS as Settings;

  const give = async (over: Partial<GiveRequest> = {}) => {
    const r = await giveKudos(deps, ws, {
      workspaceId: ws.id,
      giver: 'UGIVER',
      recipients: ['UALICE'],
      message: 'for fixing the refund flow',
      values: [],
      source: 'command',
      sourceKey: `key-${++seq}`,
      ...over,
    });
    if (r.status !== 'given') throw new Error(`not given: ${JSON.stringify(r)}`);
    return r;
  };
  const me = async (id = 'UALICE') => (await resolvePerson(t.db, dir, ws, id, now))!;
  const audit = () => t.db.selectFrom('audit_log').select(['action', 'target', 'before', 'after', 'actor_id']).orderBy('id').execute();

  beforeEach(async () => {
    // A Tuesday, 15:00 UTC.
    now = new Date('2026-03-10T15:00:00Z');
    dir = new MemoryDirectory().add('UGIVER').add('UALICE', { timeZone: 'Pacific/Auckland' }).add('UBOB').add('UADMIN', { isPlatformAdmin: true });
    deps = { db: t.db, directory: dir, clock: () => now };
    ws = await upsertWorkspace(t.db, { platform: 'slack', externalId: 'T1' }, DEFAULT_VALUES);
  });

  describe('loadHomeData', () => {
    it('counts this week in the person\'s own time zone, all time, and leaves revoked kudos out', async () => {
      // Monday 9 March 10:00 UTC is Monday 23:00 in Auckland: this week for Alice.
      now = new Date('2026-03-09T10:00:00Z');
      await give({ values: ['ownership'] });
      // Sunday 8 March 10:00 UTC is Sunday 23:00 in Auckland: last week for Alice.
      now = new Date('2026-03-08T10:00:00Z');
      await give({ values: ['ownership', 'empathy'] });
      const revoked = await give({ values: ['empathy'] });
      await revokeKudos(deps, ws, revoked.kudos.id, { personId: null, reason: 'test' });
      now = new Date('2026-03-10T15:00:00Z');
      await give({ giver: 'UALICE', recipients: ['UBOB'], message: 'for the crisp notes' });

      const h = await loadHomeData(deps, ws, await me(), settings);
      expect(h.week).toEqual({ received: 1, given: 1 });
      expect(h.allTime).toEqual({ received: 2, given: 1 });
      expect(h.topValues).toEqual([
        { slug: 'ownership', label: 'Ownership', emoji: 'muscle', count: 2 },
        { slug: 'empathy', label: 'Empathy', emoji: 'heart', count: 1 },
      ]);
      expect(h.latest.map((k) => k.values.map((v) => v.slug))).toEqual([['ownership'], ['empathy', 'ownership']]);
      expect(h.latest[0]).toMatchObject({ giver: { externalId: 'UGIVER' }, message: 'for fixing the refund flow', source: 'command' });
      expect(h.latest[0].createdAt).toEqual(new Date('2026-03-09T10:00:00Z'));
      expect(h.timeZone).toBe('Pacific/Auckland');
      // Alice gave one today (her day, in Auckland).
      expect(h.allowance).toEqual({ limit: 5, used: 1, left: 4 });
    });

    it('gives the latest five, newest first, and counts a kudos to several people once per person', async () => {
      for (let i = 0; i < 7; i++) {
        now = new Date(Date.UTC(2026, 2, 1 + i, 9));
        await give({ message: `kudos number ${i}`, recipients: ['UALICE', 'UBOB'] });
      }
      const h = await loadHomeData(deps, ws, await me(), settings);
      expect(h.latest.map((k) => k.message)).toEqual(['kudos number 6', 'kudos number 5', 'kudos number 4', 'kudos number 3', 'kudos number 2']);
      expect(h.allTime.received).toBe(7);
      const giver = await loadHomeData(deps, ws, await me('UGIVER'), settings);
      expect(giver.allTime.given).toBe(14);
    });

    it('shows an unlimited allowance', async () => {
      const h = await loadHomeData(deps, ws, await me(), { ...settings, allowancePerDay: null });
      expect(h.allowance).toEqual({ limit: null, used: 0, left: null });
    });

    it('asks the campaigns module for the challenge only while a campaign runs', async () => {
      const asked: string[] = [];
      const port = (running: boolean, distinct: number): CampaignsPort => ({
        activeCampaignAt: () => (running ? { key: 'csw-2026', name: 'Customer Service Week', start: new Date(), end: new Date() } : null),
        challengeProgress: async (_db, _ws, personId) => {
          asked.push(String(personId));
          return { campaignKey: 'csw-2026', distinct, completed: distinct >= 3 };
        },
      });
      expect((await loadHomeData({ ...deps, campaigns: port(false, 0) }, ws, await me(), settings)).challenge).toBeNull();
      expect(asked).toEqual([]);
      const h = await loadHomeData({ ...deps, campaigns: port(true, 5) }, ws, await me(), settings);
      expect(h.challenge).toMatchObject({ campaignName: 'Customer Service Week', goal: 3, distinct: 3, completed: true });
      expect((await loadHomeData(deps, ws, await me(), settings)).challenge).toBeNull();
    });
  });

  describe('checkAdmin', () => {
    it('trusts a platform admin flag read within 15 minutes, and reads it again after', async () => {
      const first = await checkAdmin(deps, ws, 'UADMIN', []);
      expect(first).toMatchObject({ admin: true, via: 'platform' });
      const lookups = dir.lookups;
      now = new Date(now.getTime() + ADMIN_PROFILE_TTL_MS - 1000);
      expect((await checkAdmin(deps, ws, 'UADMIN', [])).admin).toBe(true);
      expect(dir.lookups).toBe(lookups);
      dir.add('UADMIN', { isPlatformAdmin: false });
      now = new Date(now.getTime() + 2000);
      expect(await checkAdmin(deps, ws, 'UADMIN', [])).toMatchObject({ admin: false, via: null });
      expect(dir.lookups).toBe(lookups + 1);
    });

    it('counts the admin list and the operator list, not bots or deactivated people', async () => {
      dir.add('UBOT', { isBot: true }).add('UGONE', { isDeleted: true });
      expect(await checkAdmin(deps, ws, 'UBOB', ['UBOB'])).toMatchObject({ admin: true, via: 'operator' });
      expect((await checkAdmin(deps, ws, 'UBOT', ['UBOT'])).admin).toBe(false);
      expect((await checkAdmin(deps, ws, 'UGONE', ['UGONE'])).admin).toBe(false);
      expect((await checkAdmin(deps, ws, 'UNOBODY', ['UNOBODY'])).admin).toBe(false);
      expect((await checkAdmin(deps, ws, 'UBOB', [])).admin).toBe(false);
    });

    it('when Slack cannot be asked, a flag older than 15 minutes does not count, and the lists still do', async () => {
      await checkAdmin(deps, ws, 'UADMIN', []);
      dir.failing = true;
      now = new Date(now.getTime() + ADMIN_PROFILE_TTL_MS - 1000);
      expect((await checkAdmin(deps, ws, 'UADMIN', [])).admin).toBe(true);
      now = new Date(now.getTime() + 2000);
      expect(await checkAdmin(deps, ws, 'UADMIN', [])).toMatchObject({ admin: false, platformAdmin: false });
      expect(await checkAdmin(deps, ws, 'UADMIN', ['UADMIN'])).toMatchObject({ admin: true, via: 'operator' });
    });

    it('gives someone never seen a placeholder when Slack cannot be asked, so their Home still shows', async () => {
      dir.failing = true;
      const check = await checkAdmin(deps, ws, 'UNEW', []);
      expect(check).toMatchObject({ admin: false, person: { external_id: 'UNEW', profile_fetched_at: null } });
    });

    it('counts an Entra object id in the admin list for the Teams person who has it', async () => {
      const teams = await upsertWorkspace(t.db, { platform: 'teams', externalId: 'tenant-1' }, DEFAULT_VALUES);
      const aad = '8a6f0c1e-6a4b-4a8e-9a4e-1a2b3c4d5e6f';
      dir.people.set('29:gina', { externalId: '29:gina', displayName: 'Gina', timeZone: null, isBot: false, isDeleted: false, isPlatformAdmin: false, platformData: { aadObjectId: aad } });
      expect((await checkAdmin(deps, teams, '29:gina', [])).admin).toBe(false);
      expect(await checkAdmin(deps, teams, '29:gina', [aad, 'UOPS'])).toMatchObject({ admin: true, via: 'operator', operators: [aad] });
    });
  });

  describe('changing the admin list', () => {
    const admins = async () => (await loadSettingsSnapshot(t.db, ws.id)).settings.admins;

    it('adds and removes admins, each change audited with who made it', async () => {
      const ada = await checkAdmin(deps, ws, 'UADMIN', []);
      expect(await addAdmin(t.db, ada, 'UBOB')).toMatchObject({ status: 'saved', value: ['UBOB'] });
      const again = await checkAdmin(deps, ws, 'UADMIN', []);
      expect(await addAdmin(t.db, again, 'UCAROL')).toMatchObject({ status: 'saved', value: ['UBOB', 'UCAROL'] });
      const bob = await checkAdmin(deps, ws, 'UBOB', []);
      expect(bob.via).toBe('settings');
      expect(await removeAdmin(t.db, bob, 'UCAROL')).toMatchObject({ status: 'saved', value: ['UBOB'] });
      expect(await admins()).toEqual(['UBOB']);
      const rows = await audit();
      expect(rows.map((r) => [r.target, r.after])).toEqual([
        ['admins', ['UBOB']],
        ['admins', ['UBOB', 'UCAROL']],
        ['admins', ['UBOB']],
      ]);
      expect(rows.map((r) => r.actor_id)).toEqual([ada.person!.id, ada.person!.id, bob.person!.id]);
    });

    it.each([
      { who: 'a listed admin with no operator admins', actor: 'UBOB', seeds: [] as string[], allowed: false },
      { who: 'a listed admin while the operator named one', actor: 'UBOB', seeds: ['UOPS'], allowed: true },
      { who: 'a Slack admin', actor: 'UADMIN', seeds: [] as string[], allowed: true },
    ])('keeps at least one admin: emptying the list as $who is allowed: $allowed', async ({ actor, seeds, allowed }) => {
      await seedAdmins(t.db, ws.id, ['UBOB']);
      const check = await checkAdmin(deps, ws, actor, seeds);
      expect(check.admin).toBe(true);
      const out = await removeAdmin(t.db, check, 'UBOB');
      expect(out.status).toBe(allowed ? 'saved' : 'invalid');
      if (!allowed) expect(out).toMatchObject({ errors: { admins: expect.any(String) } });
      expect(await admins()).toEqual(allowed ? [] : ['UBOB']);
    });

    it('refuses every change from someone who is not an admin', async () => {
      const bob = await checkAdmin(deps, ws, 'UBOB', []);
      expect(await addAdmin(t.db, bob, 'UBOB')).toEqual({ status: 'not_admin' });
      expect(await saveSettingAsAdmin(t.db, bob, { key: 'allowancePerDay', value: 100, expectedVersion: 0 })).toEqual({ status: 'not_admin' });
      expect(await audit()).toEqual([]);
    });

    it('makes the Teams installer the first admin, with the operator\'s, only while nobody is one', async () => {
      const teams = await upsertWorkspace(t.db, { platform: 'teams', externalId: 'tenant-2' }, DEFAULT_VALUES);
      const gina = await upsertPerson(t.db, teams.id, { externalId: '29:gina', displayName: 'Gina', timeZone: null, isBot: false, isDeleted: false, isPlatformAdmin: false }, now);
      const hal = await upsertPerson(t.db, teams.id, { externalId: '29:hal', displayName: 'Hal', timeZone: null, isBot: false, isDeleted: false, isPlatformAdmin: false }, now);
      expect(await claimFirstAdmin(t.db, teams, gina, ['29:ops', 'UOPS'])).toBe(true);
      expect(await claimFirstAdmin(t.db, teams, hal, [])).toBe(false);
      expect((await loadSettingsSnapshot(t.db, teams.id)).settings.admins).toEqual(['29:ops', '29:gina']);
      const rows = await t.db.selectFrom('audit_log').select(['target', 'actor_id']).where('workspace_id', '=', teams.id).execute();
      expect(rows).toEqual([{ target: 'admins', actor_id: gina.id }]);
    });
  });

  describe('seedAdmins', () => {
    it('writes the operator\'s Slack admins once, audited, and never over a list admins changed', async () => {
      expect(slackSeedAdmins(['UBOB', '29:teams-user', 'W123ABC', 'not-an-id', '8a6f0c1e-6a4b-4a8e-9a4e-1a2b3c4d5e6f'])).toEqual(['UBOB', 'W123ABC']);
      expect(await seedAdmins(t.db, ws.id, ['UBOB', 'UBOB', 'UCAROL'])).toBe(true);
      expect((await loadSettingsSnapshot(t.db, ws.id)).settings.admins).toEqual(['UBOB', 'UCAROL']);
      expect(await audit()).toEqual([{ action: 'setting.update', target: 'admins', before: [], after: ['UBOB', 'UCAROL'], actor_id: null }]);
      expect(await seedAdmins(t.db, ws.id, ['UDAVE'])).toBe(false);
      expect(await seedAdmins(t.db, ws.id, [])).toBe(false);
    });
  });

  describe('values', () => {
    it('creates a value with an audit row in the same transaction, at the end of the list', async () => {
      const ada = await me('UADMIN');
      const r = await createValue(t.db, { workspaceId: ws.id, actorId: ada.id, draft: { label: '  Customer   love ', emoji: ':Heart_Eyes:' } });
      expect(r).toMatchObject({ status: 'created', value: { slug: 'customer-love', label: 'Customer love', emoji: 'heart_eyes', position: DEFAULT_VALUES.length } });
      expect(await audit()).toEqual([
        { action: 'value.create', target: 'customer-love', before: null, after: { slug: 'customer-love', label: 'Customer love', emoji: 'heart_eyes', active: true }, actor_id: ada.id },
      ]);
    });

    it('refuses a tag already taken, even by a deactivated value, racing or not', async () => {
      const results = await Promise.all(
        Array.from({ length: 5 }, () => createValue(t.db, { workspaceId: ws.id, actorId: null, draft: { label: 'Grit', emoji: 'rock' } })),
      );
      expect(results.filter((r) => r.status === 'created')).toHaveLength(1);
      expect(results.filter((r) => r.status === 'invalid')).toHaveLength(4);
      expect((await audit()).filter((a) => a.action === 'value.create')).toHaveLength(1);
    });

    it('edits only a value still as it was read, keeps its tag, and keeps one active value while values are required', async () => {
      const values = await t.db.selectFrom('value').selectAll().where('workspace_id', '=', ws.id).orderBy('position').execute();
      const empathy = values.find((v) => v.slug === 'empathy')!;
      const expected = { label: empathy.label, emoji: empathy.emoji, active: true };
      const first = await editValue(t.db, { workspaceId: ws.id, actorId: null, id: empathy.id, expected, draft: { label: 'Kindness', emoji: 'heart', active: true }, settings });
      expect(first).toMatchObject({ status: 'saved', value: { slug: 'empathy', label: 'Kindness' } });
      const second = await editValue(t.db, { workspaceId: ws.id, actorId: null, id: empathy.id, expected, draft: { label: 'Care', emoji: 'heart', active: true }, settings });
      expect(second).toMatchObject({ status: 'conflict', current: { label: 'Kindness' } });

      await t.db.updateTable('value').set({ active: false }).where('workspace_id', '=', ws.id).where('slug', '!=', 'ownership').execute();
      const ownership = values.find((v) => v.slug === 'ownership')!;
      const last = await editValue(t.db, {
        workspaceId: ws.id,
        actorId: null,
        id: ownership.id,
        expected: { label: ownership.label, emoji: ownership.emoji, active: true },
        draft: { label: ownership.label, emoji: ownership.emoji, active: false },
        settings: { valueRequired: true },
      });
      expect(last).toMatchObject({ status: 'invalid', errors: { active: expect.stringContaining('keep at least one value active') } });
      expect(await editValue(t.db, { workspaceId: ws.id, actorId: null, id: 999_999, expected, draft: { label: 'x', emoji: 'x', active: true }, settings })).toEqual({ status: 'not_found' });
      // Saving a form unchanged writes nothing.
      const unchanged = await editValue(t.db, {
        workspaceId: ws.id,
        actorId: null,
        id: ownership.id,
        expected: { label: ownership.label, emoji: ownership.emoji, active: true },
        draft: { label: ownership.label, emoji: ownership.emoji, active: true },
        settings,
      });
      expect(unchanged.status).toBe('saved');
      expect((await audit()).map((a) => a.action)).toEqual(['value.update']);
    });

    it('lets exactly one of two concurrent edits of one value through', async () => {
      const empathy = (await t.db.selectFrom('value').selectAll().where('workspace_id', '=', ws.id).where('slug', '=', 'empathy').executeTakeFirst())!;
      const expected = { label: empathy.label, emoji: empathy.emoji, active: true };
      const out = await Promise.all(
        ['Kindness', 'Care', 'Compassion'].map((label) => editValue(t.db, { workspaceId: ws.id, actorId: null, id: empathy.id, expected, draft: { label, emoji: 'heart', active: true }, settings })),
      );
      expect(out.filter((o) => o.status === 'saved')).toHaveLength(1);
      expect(out.filter((o) => o.status === 'conflict')).toHaveLength(2);
      expect(await audit()).toHaveLength(1);
    });
  });
});
