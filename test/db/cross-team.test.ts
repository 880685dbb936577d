import type { AdminCheck } from '../../src/core/admin';
import { chooseTeams, crossTeamSentence, crossTeamWeek, loadTeamsOverview, NO_TEAM, refreshTeamMembers, teamChoices, TEAM_REFRESH_MS } from '../../src/core/cross-team';
import { buildDigest, type DigestPeriod } from '../../src/core/digest';
import { giveKudos, type CoreDeps } from '../../src/core/give';
import type { GroupsAnswer, PlatformGroup, TeamSource } from '../../src/core/ports';
import { DEFAULT_SETTINGS } from '../../src/core/settings';
import { DEFAULT_VALUES } from '../../src/core/values';
import { markErased } from '../../src/db/queries/erasure';
import { upsertWorkspace } from '../../src/db/queries/workspaces';
import type { WorkspaceRow } from '../../src/db/schema';
import { latestDigestPeriod } from '../../src/jobs/digest-job';
import { digestMessage } from '../../src/slack/blocks/digest';
import { digestCard } from '../../src/teams/cards/digest';
import { testDatabases, useTestDb } from '../helpers/db';
import { MemoryDirectory } from '../helpers/directory';
import { insertKudos } from '../helpers/ledger-rows';

// The digest week to Friday 27 November 2026, 16:00 in Berlin.
const NOW = new Date('2026-11-27T16:00:00Z');
const WEEK = '2026-11-24T10:00:00Z';
const LAST_WEEK = '2026-11-17T10:00:00Z';

/** User groups as a platform keeps them (the teams port, in memory). */
class MemoryGroups implements TeamSource {
  groupsOf = new Map<string, { name: string; handle: string; members: string[] }>();
  answer: 'ok' | 'missing_scope' | 'unavailable' = 'ok';
  failing = new Set<string>();
  memberCalls: string[] = [];

  add(key: string, name: string, members: string[]): this {
    this.groupsOf.set(key, { name, handle: name.toLowerCase(), members });
    return this;
  }

  async groups(): Promise<GroupsAnswer<PlatformGroup[]>> {
    if (this.answer === 'missing_scope') return { status: 'missing_scope' };
    if (this.answer === 'unavailable') return { status: 'unavailable', code: 'ratelimited' };
    return { status: 'ok', value: [...this.groupsOf].map(([key, g]) => ({ key, name: g.name, handle: g.handle, members: g.members.length })) };
  }

  async members(key: string): Promise<GroupsAnswer<string[]>> {
    this.memberCalls.push(key);
    if (this.failing.has(key)) return { status: 'unavailable', code: 'ratelimited' };
    const g = this.groupsOf.get(key);
    return g ? { status: 'ok', value: g.members } : { status: 'unavailable', code: 'no_such_subteam' };
  }
}

describe.each(testDatabases())('kudos between teams on %s', (kind) => {
  const t = useTestDb(kind);
  let ws: WorkspaceRow;
  let period: DigestPeriod;
  let people: Map<string, number>;
  let now: Date;
  let seq = 0;
  const deps = () => ({ db: t.db, clock: () => now });
  const week = () => ({ start: period.start, end: period.end });
  const lastWeek = () => ({ start: period.previousStart, end: period.start });

  beforeEach(async () => {
    now = NOW;
    ws = await upsertWorkspace(t.db, { platform: 'slack', externalId: 'T1', timeZone: 'Europe/Berlin' }, DEFAULT_VALUES);
    period = latestDigestPeriod(DEFAULT_SETTINGS.digest, 'Europe/Berlin', NOW);
    people = new Map();
  });

  async function person(name: string): Promise<number> {
    const known = people.get(name);
    if (known) return known;
    const row = await t.db
      .insertInto('person')
      .values({ workspace_id: ws.id, external_id: `U${name.toUpperCase()}`, display_name: name })
      .returning('id')
      .executeTakeFirstOrThrow();
    people.set(name, row.id);
    return row.id;
  }

  async function give(giver: string, recipients: string[], at: string, opts: { revoked?: boolean } = {}): Promise<number> {
    const created = new Date(at);
    const recipientIds = [];
    for (const r of recipients) recipientIds.push(await person(r));
    return insertKudos(t.db, ws.id, {
      giverId: await person(giver),
      recipientIds,
      at: created,
      message: 'for the help',
      revokedAt: opts.revoked ? new Date(created.getTime() + 60_000) : null,
    });
  }

  /** Support: ana, ben, zed; Billing: cleo, zed (zed is in both); Sales: dev; eli and fay are in no team. */
  async function threeTeams(): Promise<MemoryGroups> {
    for (const name of ['ana', 'ben', 'cleo', 'dev', 'eli', 'fay', 'zed']) await person(name);
    const groups = new MemoryGroups().add('S1', 'Support', ['UANA', 'UBEN', 'UZED']).add('S2', 'Billing', ['UCLEO', 'UZED']).add('S3', 'Sales', ['UDEV']).add('S4', 'Unused', ['UFAY']);
    const saved = await chooseTeams(deps(), ws, admin(), ['S1', 'S2', 'S3'], groups);
    expect(saved.status).toBe('saved');
    return groups;
  }

  function admin(over: Partial<AdminCheck> = {}): AdminCheck {
    return { admin: true, via: 'settings', platformAdmin: false, person: null, workspaceId: ws.id, operators: [], snapshot: undefined as never, ...over };
  }

  async function theWeek(): Promise<void> {
    await give('ana', ['ben'], WEEK); // Support → Support: stays inside
    await give('ana', ['cleo'], WEEK); // Support → Billing: crosses
    await give('cleo', ['ana'], WEEK); // Billing → Support: crosses
    await give('cleo', ['ben'], WEEK); // Billing → Support: crosses
    await give('zed', ['cleo'], WEEK); // Support+Billing → Billing: they share Billing
    await give('zed', ['dev'], WEEK); // Support+Billing → Sales: crosses, for both of zed's teams
    await give('eli', ['fay'], WEEK); // no team → no team: does not cross
    await give('eli', ['ana'], WEEK); // no team → Support: crosses (not in the top pair)
    await give('ana', ['ben', 'dev'], WEEK); // one kudos, two pairs: one inside, one crossing
    await give('ana', ['dev'], WEEK, { revoked: true }); // withdrawn: not counted
    await give('ana', ['cleo'], LAST_WEEK); // last week: one of two crossed
    await give('ana', ['ben'], LAST_WEEK);
  }

  it('counts pairs, crossing pairs, the share and the two teams that thanked each other most', async () => {
    await threeTeams();
    await theWeek();
    const c = await crossTeamWeek(t.db, ws.id, week(), lastWeek());
    expect(c).toEqual({
      teams: 3,
      pairs: 10,
      crossing: 6,
      share: 0.6,
      previousShare: 0.5,
      // Billing–Support 3 (ana → cleo, cleo → ana, cleo → ben); Sales–Support 2 (zed → dev, ana → dev); Billing–Sales 1.
      topPair: { a: 'Billing', b: 'Support', count: 3 },
    });
    // Without a previous period: no previous share.
    expect((await crossTeamWeek(t.db, ws.id, week())).previousShare).toBeNull();
  });

  it("keeps last week's share once computed: a later withdrawal or change of teams does not rewrite it", async () => {
    await threeTeams();
    await theWeek();
    expect((await crossTeamWeek(t.db, ws.id, week(), lastWeek())).previousShare).toBe(0.5);
    // Last week's crossing kudos withdrawn afterwards: this week's digest still says what it said.
    await t.db.updateTable('kudos').set({ revoked_at: NOW }).where('created_at', '=', new Date(LAST_WEEK)).execute();
    expect((await crossTeamWeek(t.db, ws.id, week(), lastWeek())).previousShare).toBe(0.5);
    // Asked fresh (no previous period), the same week counts as it is now: nothing left.
    expect(await crossTeamWeek(t.db, ws.id, lastWeek())).toMatchObject({ pairs: 0, share: null });
    expect(await t.db.selectFrom('team_week').select(['pairs', 'crossing']).execute()).toEqual([{ pairs: 2, crossing: 1 }]);
  });

  it('breaks a tie between pairs of teams by their names, and leaves "no team" out of the top pair', async () => {
    await threeTeams();
    await give('eli', ['dev'], WEEK); // no team → Sales
    await give('fay', ['dev'], WEEK);
    await give('ana', ['dev'], WEEK); // Support → Sales
    await give('cleo', ['ben'], WEEK); // Billing → Support
    const c = await crossTeamWeek(t.db, ws.id, week());
    expect(c.topPair).toEqual({ a: 'Billing', b: 'Support', count: 1 });
    expect(c).toMatchObject({ pairs: 4, crossing: 4, share: 1 });
  });

  it('counts nothing in a workspace without teams, and its digest is as before', async () => {
    await give('ana', ['ben'], WEEK);
    expect(await crossTeamWeek(t.db, ws.id, week(), lastWeek())).toEqual({ teams: 0, pairs: 0, crossing: 0, share: null, previousShare: null, topPair: null });
    const d = await buildDigest(t.db, ws, period, { topCount: 3 });
    expect('crossTeam' in d).toBe(false);
    expect(JSON.stringify(digestMessage(d))).not.toContain('team lines');
  });

  it('gives no share for a week with no thanks, and no top pair when nothing crossed', async () => {
    await threeTeams();
    expect(await crossTeamWeek(t.db, ws.id, week(), lastWeek())).toMatchObject({ teams: 3, pairs: 0, share: null, previousShare: null, topPair: null });
    await give('ana', ['ben'], WEEK);
    await give('eli', ['fay'], WEEK);
    expect(await crossTeamWeek(t.db, ws.id, week())).toMatchObject({ pairs: 2, crossing: 0, share: 0, topPair: null });
  });

  it('adds the line to the digest, rendered for Slack and Teams', async () => {
    await threeTeams();
    await theWeek();
    const d = await buildDigest(t.db, ws, period, { topCount: 3 });
    expect(d.crossTeam).toMatchObject({ share: 0.6, previousShare: 0.5, topPair: { a: 'Billing', b: 'Support', count: 3 } });
    const plain = crossTeamSentence(d.crossTeam!, { strong: (x) => x, team: (n) => n });
    expect(plain).toBe('🤝 60% of kudos crossed team lines this week (last week 50%). Billing and Support thanked each other most (3).');
    const slack = JSON.stringify(digestMessage(d).blocks);
    expect(slack).toContain('🤝 *60%* of kudos crossed team lines this week (last week 50%). *Billing* and *Support* thanked each other most (3).');
    const teams = JSON.stringify(digestCard(d));
    expect(teams).toContain('🤝 **60%** of kudos crossed team lines this week (last week 50%). **Billing** and **Support** thanked each other most (3).');
  });

  it('keeps the counts when a person is erased, and drops their part when their row is deleted', async () => {
    await threeTeams();
    await theWeek();
    const before = await crossTeamWeek(t.db, ws.id, week());
    await markErased(t.db, ws.id, people.get('cleo')!, { displayName: 'Former teammate', at: NOW });
    expect(await crossTeamWeek(t.db, ws.id, week())).toEqual(before);
    // A person deleted outright (their workspace's data deleted) takes their memberships along.
    await t.db.deleteFrom('kudos_recipient').where('recipient_id', '=', people.get('dev')!).execute();
    await t.db.deleteFrom('person').where('id', '=', people.get('dev')!).execute();
    expect(await t.db.selectFrom('team_member').select('person_id').where('person_id', '=', people.get('dev')!).execute()).toEqual([]);
  });

  describe('choosing teams', () => {
    it('marks the chosen groups, reads their members, and audits who changed what', async () => {
      const groups = await threeTeams();
      const teams = await t.db.selectFrom('team').select(['platform_key', 'name', 'is_team', 'marked_at']).orderBy('platform_key').execute();
      expect(teams.map((x) => [x.platform_key, x.name, x.is_team])).toEqual([
        ['S1', 'Support', true],
        ['S2', 'Billing', true],
        ['S3', 'Sales', true],
      ]);
      const overview = await loadTeamsOverview(t.db, ws.id, NOW);
      expect(overview.teams.map((x) => [x.name, x.members])).toEqual([
        ['Billing', 2],
        ['Sales', 1],
        ['Support', 3],
      ]);
      expect(groups.memberCalls.sort()).toEqual(['S1', 'S2', 'S3']);
      const audit = await t.db.selectFrom('audit_log').select(['action', 'before', 'after']).where('workspace_id', '=', ws.id).execute();
      expect(audit).toEqual([{ action: 'teams.choose', before: [], after: ['Billing', 'Sales', 'Support'] }]);
    });

    it('unmarking a team removes its members; choosing it again brings them back', async () => {
      const groups = await threeTeams();
      const out = await chooseTeams(deps(), ws, admin(), ['S1', 'S3'], groups);
      expect(out).toMatchObject({ status: 'saved', teams: ['Sales', 'Support'], added: [], removed: ['Billing'] });
      const billing = await t.db.selectFrom('team').select(['id', 'is_team']).where('platform_key', '=', 'S2').executeTakeFirstOrThrow();
      expect(billing.is_team).toBe(false);
      expect(await t.db.selectFrom('team_member').select('person_id').where('team_id', '=', billing.id).execute()).toEqual([]);
      await chooseTeams(deps(), ws, admin(), ['S1', 'S2', 'S3'], groups);
      expect((await loadTeamsOverview(t.db, ws.id, NOW)).teams.find((x) => x.name === 'Billing')?.members).toBe(2);
    });

    it('refuses someone who is not an admin, and audits the refusal', async () => {
      await person('ana');
      const groups = new MemoryGroups().add('S1', 'Support', ['UANA']);
      const out = await chooseTeams(deps(), ws, admin({ admin: false, via: null }), ['S1'], groups);
      expect(out).toEqual({ status: 'not_allowed' });
      expect(await t.db.selectFrom('team').select('id').execute()).toEqual([]);
      const audit = await t.db.selectFrom('audit_log').select(['action']).execute();
      expect(audit).toEqual([{ action: 'teams.choose.refused' }]);
    });

    it('refuses an admin of another workspace', async () => {
      const groups = new MemoryGroups().add('S1', 'Support', []);
      expect(await chooseTeams(deps(), ws, admin({ workspaceId: ws.id + 1000 }), ['S1'], groups)).toEqual({ status: 'not_allowed' });
    });

    it('says when the platform will not list groups (missing scope), or a group is unknown, and changes nothing', async () => {
      const groups = new MemoryGroups().add('S1', 'Support', []);
      groups.answer = 'missing_scope';
      expect(await chooseTeams(deps(), ws, admin(), ['S1'], groups)).toEqual({ status: 'missing_scope' });
      expect(await teamChoices(deps(), ws, groups)).toEqual({ status: 'missing_scope' });
      groups.answer = 'ok';
      expect(await chooseTeams(deps(), ws, admin(), ['S1', 'S9'], groups)).toEqual({ status: 'unknown_group', keys: ['S9'] });
      expect(await t.db.selectFrom('team').select('id').execute()).toEqual([]);
    });

    it('lists the current teams first among the choices', async () => {
      const groups = await threeTeams();
      groups.add('S0', 'Accounts', []);
      const choices = await teamChoices(deps(), ws, groups);
      expect(choices.status).toBe('ok');
      if (choices.status !== 'ok') return;
      expect(choices.value.groups.map((g) => g.name)).toEqual(['Billing', 'Sales', 'Support', 'Accounts', 'Unused']);
      expect(choices.value.marked.sort()).toEqual(['S1', 'S2', 'S3']);
    });

    it('reads members again once a day, keeps a team whose members could not be read, and tries it again', async () => {
      const groups = await threeTeams();
      groups.memberCalls = [];
      // Not a day yet: nothing to read.
      now = new Date(NOW.getTime() + TEAM_REFRESH_MS - 1000);
      expect(await refreshTeamMembers(deps(), ws, groups)).toEqual({ refreshed: 0, failed: 0, missingScope: false });
      // A day later: Sales gains eli; Billing cannot be read and keeps its members.
      now = new Date(NOW.getTime() + TEAM_REFRESH_MS);
      groups.groupsOf.get('S3')!.members.push('UELI', 'UNOBODY');
      groups.failing.add('S2');
      expect(await refreshTeamMembers(deps(), ws, groups)).toEqual({ refreshed: 2, failed: 1, missingScope: false });
      const overview = await loadTeamsOverview(t.db, ws.id, now);
      // UNOBODY is not known to Kudos: left out until they are.
      expect(overview.teams.map((x) => [x.name, x.members])).toEqual([
        ['Billing', 2],
        ['Sales', 2],
        ['Support', 3],
      ]);
      groups.failing.clear();
      groups.memberCalls = [];
      expect(await refreshTeamMembers(deps(), ws, groups)).toEqual({ refreshed: 1, failed: 0, missingScope: false });
      expect(groups.memberCalls).toEqual(['S2']);
    });
  });

  it('tables the last four weeks team by team, people in several teams in each, and "no team" last', async () => {
    await threeTeams();
    await theWeek();
    await give('dev', ['ana'], '2026-10-20T10:00:00Z'); // more than four weeks ago: left out
    const { grid } = await loadTeamsOverview(t.db, ws.id, NOW);
    const names = grid.teams.map((x) => x.name);
    expect(names).toEqual(['Support', 'Billing', 'Sales', NO_TEAM]);
    const cell = (from: string, to: string) => grid.counts[names.indexOf(from)][names.indexOf(to)];
    // ana → ben twice this week and once last week.
    expect(cell('Support', 'Support')).toBe(3);
    expect(cell('Support', 'Billing')).toBe(3); // ana → cleo (this week and last), zed → cleo
    expect(cell('Billing', 'Billing')).toBe(1); // zed → cleo
    expect(cell('Billing', 'Support')).toBe(2); // cleo → ana, cleo → ben
    expect(cell('Support', 'Sales')).toBe(2); // zed → dev, ana → dev (the withdrawn one is not counted)
    expect(cell('Billing', 'Sales')).toBe(1);
    expect(cell(NO_TEAM, NO_TEAM)).toBe(1);
    expect(cell(NO_TEAM, 'Support')).toBe(1);
    expect(grid.others).toBe(0);
  });

  it('tables the eight busiest teams and counts the others', async () => {
    const names = Array.from({ length: 10 }, (_, i) => `t${i}`);
    const groups = new MemoryGroups();
    for (const [i, n] of names.entries()) {
      await person(n);
      groups.add(`S${i}`, `Team ${i}`, [`U${n.toUpperCase()}`]);
    }
    await chooseTeams(deps(), ws, admin(), [...groups.groupsOf.keys()], groups);
    // Team i gives i + 1 kudos to the next team (Team 9 to Team 0): given plus received, Team i has 2i + 1, Team 0
    // has 11 (a tie with Team 5, broken by name), and Teams 1 and 2 are the quietest.
    for (const [i, n] of names.entries()) for (let k = 0; k <= i; k++) await give(n, [names[(i + 1) % 10]], WEEK);
    const { grid } = await loadTeamsOverview(t.db, ws.id, NOW);
    expect(grid.teams.map((x) => x.name)).toEqual(['Team 9', 'Team 8', 'Team 7', 'Team 6', 'Team 0', 'Team 5', 'Team 4', 'Team 3']);
    expect(grid.others).toBe(2);
    expect(grid.counts[1][0]).toBe(9); // Team 8 → Team 9
  });

  describe('in Microsoft Teams', () => {
    let dir: MemoryDirectory;
    let core: CoreDeps;

    beforeEach(async () => {
      ws = await upsertWorkspace(t.db, { platform: 'teams', externalId: 'tenant-1', timeZone: 'Europe/Berlin' }, DEFAULT_VALUES);
      dir = new MemoryDirectory().add('29:ana').add('29:ben').add('29:cleo').add('29:dev');
      core = { db: t.db, directory: dir, clock: () => new Date(WEEK) };
    });

    const teamsGive = (giver: string, recipients: string[], team: { key: string; name: string | null } | null, key = `m${++seq}`) =>
      giveKudos(core, ws, { workspaceId: ws.id, giver, recipients, message: 'for the careful review', values: [], source: 'teams_message', sourceKey: key, team });

    it('counts the team a kudos was given in: its giver and recipients join it; chats add nothing', async () => {
      expect((await teamsGive('29:ana', ['29:ben'], { key: '19:support@thread.tacv2', name: 'Support' })).status).toBe('given');
      expect((await teamsGive('29:cleo', ['29:dev'], { key: '19:billing@thread.tacv2', name: 'Billing' })).status).toBe('given');
      // A personal or group chat: no team.
      expect((await teamsGive('29:ana', ['29:cleo'], null)).status).toBe('given');
      // The same team again (its name not sent this time): nothing new, the name kept.
      expect((await teamsGive('29:ben', ['29:ana'], { key: '19:support@thread.tacv2', name: null })).status).toBe('given');
      const overview = await loadTeamsOverview(t.db, ws.id, new Date(NOW));
      expect(overview.teams.map((x) => [x.name, x.members])).toEqual([
        ['Billing', 2],
        ['Support', 2],
      ]);
      const c = await crossTeamWeek(t.db, ws.id, week());
      // ana → ben, cleo → dev, ben → ana inside; ana (Support) → cleo (Billing) crosses.
      expect(c).toMatchObject({ teams: 2, pairs: 4, crossing: 1, share: 0.25, topPair: { a: 'Billing', b: 'Support', count: 1 } });
    });

    it('records membership once for a re-delivered message, and none for a refused kudos', async () => {
      const team = { key: '19:support@thread.tacv2', name: 'Support' };
      await teamsGive('29:ana', ['29:ben'], team, 'same');
      expect((await teamsGive('29:ana', ['29:ben'], team, 'same')).status).toBe('duplicate');
      expect(await t.db.selectFrom('team_member').select('person_id').execute()).toHaveLength(2);
      // Thanking oneself is refused: nobody joins another team.
      const refused = await teamsGive('29:cleo', ['29:cleo'], { key: '19:billing@thread.tacv2', name: 'Billing' });
      expect(refused.status).toBe('refused');
      expect(await t.db.selectFrom('team').select('name').execute()).toEqual([{ name: 'Support' }]);
    });
  });
});
