import { checkAdmin } from '../../src/core/admin';
import { ERASED_NAME } from '../../src/core/erasure';
import { DEFAULT_OBSERVANCE_SETTINGS } from '../../src/core/observances';
import { saveSetting } from '../../src/core/settings-store';
import {
  createWallLink,
  listWallLinks,
  loadWallHeader,
  loadWallSnapshot,
  newFeedCursor,
  pollWallFeed,
  readWallLinkForm,
  resolveWallLink,
  revokeWallLink,
  type ChannelVisibility,
  type ChannelVisibilityPort,
} from '../../src/core/wall';
import { hashLinkToken } from '../../src/core/link-tokens';
import { connectWorkspace } from '../../src/core/workspaces';
import type { WorkspaceRow } from '../../src/db/schema';
import { renderChart, renderWallPage } from '../../src/server/wall-page';
import { testDatabases, useTestDb } from '../helpers/db';
import { MemoryDirectory } from '../helpers/directory';
import { insertKudos } from '../helpers/ledger-rows';

// A Tuesday afternoon in New York (UTC-5 in November).
const NOW = new Date('2026-11-24T20:00:00Z');
const ZONE = 'America/New_York';

describe.each(testDatabases())('the Kudos Wall (%s)', (kind) => {
  const db = useTestDb(kind);
  let ws: WorkspaceRow;
  const people: Record<string, number> = {};
  const directory = new MemoryDirectory().add('UADMIN').add('UGINA');
  const deps = () => ({ db: db.db, directory, clock: () => NOW });
  const admin = () => checkAdmin(deps(), ws, 'UADMIN', ['UADMIN']);
  const notAdmin = () => checkAdmin(deps(), ws, 'UGINA', ['UADMIN']);
  let values: Array<{ id: number; slug: string }>;

  beforeEach(async () => {
    ws = await connectWorkspace(db.db, { platform: 'slack', externalId: 'TWALL', name: 'Acme' });
    await db.db.updateTable('workspace').set({ time_zone: ZONE }).where('id', '=', ws.id).execute();
    ws = { ...ws, time_zone: ZONE };
    for (const [id, name, extra] of [
      ['UGINA', 'Gina', {}],
      ['UALICE', 'Alice', {}],
      ['UBOB', 'Bob', { rankings_enabled: false }],
      ['UERIN', ERASED_NAME, { erased_at: NOW }],
      ['UADMIN', 'Ada', {}],
    ] as const) {
      const row = await db.db
        .insertInto('person')
        .values({ workspace_id: ws.id, external_id: id, display_name: name, ...extra })
        .returning('id')
        .executeTakeFirstOrThrow();
      people[id] = row.id;
    }
    values = await db.db.selectFrom('value').select(['id', 'slug']).where('workspace_id', '=', ws.id).orderBy('position').execute();
  });

  let seq = 0;
  async function kudos(k: { giver: string; to: string[]; channel: string | null; at: Date; message?: string; revoked?: Date; value?: string }): Promise<number> {
    return insertKudos(db.db, ws.id, {
      giverId: people[k.giver],
      recipientIds: k.to.map((r) => people[r]),
      at: k.at,
      message: k.message ?? `thanks number ${++seq}`,
      channelId: k.channel,
      valueIds: k.value ? [values.find((x) => x.slug === k.value)!.id] : [],
      revokedAt: k.revoked ?? null,
    });
  }

  /** The platform's answers, as an adapter would give them; counts the questions. */
  function platform(answers: Record<string, ChannelVisibility>): ChannelVisibilityPort & { asked: string[][] } {
    const asked: string[][] = [];
    const port = (async (_ws: WorkspaceRow, ids: string[]) => {
      asked.push(ids);
      return new Map(ids.filter((id) => answers[id]).map((id) => [id, answers[id]]));
    }) as ChannelVisibilityPort & { asked: string[][] };
    port.asked = asked;
    return port;
  }

  describe('links', () => {
    it('an admin makes a link: the token opens the wall, only its sha256 is stored, and the audit log has it without the token', async () => {
      const out = await createWallLink(db.db, ws, await admin(), { name: '  Lobby   screen ', expiresInDays: '7' }, NOW);
      if (out.status !== 'created') throw new Error(out.status);
      expect(out.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(out.link).toMatchObject({ name: 'Lobby screen', state: 'live', expiresAt: new Date(NOW.getTime() + 7 * 86_400_000) });
      const rows = await db.db.selectFrom('wall_link').selectAll().execute();
      expect(rows).toHaveLength(1);
      expect(rows[0].token_hash).toBe(hashLinkToken(out.token));
      expect(JSON.stringify(rows)).not.toContain(out.token);
      const audit = await db.db.selectFrom('audit_log').selectAll().where('workspace_id', '=', ws.id).execute();
      expect(audit.map((a) => a.action)).toEqual(['wall.link.create']);
      expect(JSON.stringify(audit)).not.toContain(out.token);
      expect(audit[0].actor_id).toBe(people.UADMIN);

      const found = await resolveWallLink(db.db, out.token, NOW);
      expect(found?.workspace.id).toBe(ws.id);
      expect(found?.link.name).toBe('Lobby screen');
    });

    it('someone who is not an admin makes nothing, and the refusal is audited', async () => {
      const out = await createWallLink(db.db, ws, await notAdmin(), { name: 'Mine' }, NOW);
      expect(out.status).toBe('not_allowed');
      expect(await db.db.selectFrom('wall_link').selectAll().execute()).toEqual([]);
      const audit = await db.db.selectFrom('audit_log').select(['action', 'actor_id']).execute();
      expect(audit).toEqual([{ action: 'wall.link.refused', actor_id: people.UGINA }]);
    });

    it.each([
      [{ name: '' }, 'name'],
      [{ name: 'x'.repeat(81) }, 'name'],
      [{ name: 'Lobby', expiresInDays: '0' }, 'expiresInDays'],
      [{ name: 'Lobby', expiresInDays: 'soon' }, 'expiresInDays'],
      [{ name: 'Lobby', expiresInDays: '366' }, 'expiresInDays'],
    ])('a form %j is refused on %s', (form, field) => {
      const read = readWallLinkForm(form);
      expect(read.ok).toBe(false);
      if (!read.ok) expect(Object.keys(read.errors)).toEqual([field]);
    });

    it('unknown, malformed, revoked and expired tokens all open nothing', async () => {
      const a = await createWallLink(db.db, ws, await admin(), { name: 'Forever' }, NOW);
      const b = await createWallLink(db.db, ws, await admin(), { name: 'A day', expiresInDays: 1 }, NOW);
      if (a.status !== 'created' || b.status !== 'created') throw new Error('not created');
      expect(await resolveWallLink(db.db, 'A'.repeat(43), NOW)).toBeUndefined();
      expect(await resolveWallLink(db.db, '../etc/passwd', NOW)).toBeUndefined();
      expect(await resolveWallLink(db.db, '', NOW)).toBeUndefined();
      expect(await resolveWallLink(db.db, b.token, new Date(NOW.getTime() + 86_400_000 - 1))).toBeDefined();
      expect(await resolveWallLink(db.db, b.token, new Date(NOW.getTime() + 86_400_000))).toBeUndefined();

      expect((await revokeWallLink(db.db, ws, await notAdmin(), a.link.id, NOW)).status).toBe('not_allowed');
      expect(await resolveWallLink(db.db, a.token, NOW)).toBeDefined();
      expect(await revokeWallLink(db.db, ws, await admin(), a.link.id, NOW)).toEqual({ status: 'revoked', name: 'Forever' });
      expect(await revokeWallLink(db.db, ws, await admin(), a.link.id, NOW)).toEqual({ status: 'already_revoked', name: 'Forever' });
      expect(await resolveWallLink(db.db, a.token, NOW)).toBeUndefined();

      const listed = await listWallLinks(db.db, ws.id, new Date(NOW.getTime() + 2 * 86_400_000));
      expect(listed.map((l) => [l.name, l.state])).toEqual(
        expect.arrayContaining([
          ['Forever', 'revoked'],
          ['A day', 'expired'],
        ]),
      );
      const actions = (await db.db.selectFrom('audit_log').select('action').orderBy('id').execute()).map((r) => r.action);
      expect(actions).toEqual(['wall.link.create', 'wall.link.create', 'wall.link.refused', 'wall.link.revoke']);
    });

    it("another workspace's admin cannot revoke this workspace's link", async () => {
      const other = await connectWorkspace(db.db, { platform: 'slack', externalId: 'TOTHER', name: 'Other' });
      const made = await createWallLink(db.db, ws, await admin(), { name: 'Lobby' }, NOW);
      if (made.status !== 'created') throw new Error(made.status);
      const theirs = await checkAdmin(deps(), other, 'UADMIN', ['UADMIN']);
      expect((await revokeWallLink(db.db, other, theirs, made.link.id, NOW)).status).toBe('not_found');
      expect(await resolveWallLink(db.db, made.token, NOW)).toBeDefined();
    });
  });

  describe('what the wall shows', () => {
    it('only kudos from public channels, newest first, by name (an erased person by the placeholder), with values; no ranking', async () => {
      const hour = (h: number) => new Date(NOW.getTime() - h * 3_600_000);
      const pub = await kudos({ giver: 'UGINA', to: ['UALICE', 'UBOB'], channel: 'CPUBLIC', at: hour(3), message: 'for the fix, thanks <@UERIN> too', value: 'ownership' });
      await kudos({ giver: 'UGINA', to: ['UALICE'], channel: 'CPRIVATE', at: hour(2), message: 'secret project' });
      await kudos({ giver: 'UGINA', to: ['UALICE'], channel: 'D123', at: hour(2), message: 'in a DM' });
      await kudos({ giver: 'UGINA', to: ['UALICE'], channel: null, at: hour(2), message: 'nowhere' });
      await kudos({ giver: 'UGINA', to: ['UALICE'], channel: 'CUNKNOWN', at: hour(2), message: 'nobody can tell' });
      await kudos({ giver: 'UGINA', to: ['UALICE'], channel: 'CPUBLIC', at: hour(1), message: 'withdrawn', revoked: hour(0.5) });
      const erased = await kudos({ giver: 'UERIN', to: ['UBOB'], channel: 'CPUBLIC', at: hour(0.2) });
      const port = platform({ CPUBLIC: 'public', CPRIVATE: 'private', D123: 'private' });

      const snap = await loadWallSnapshot({ db: db.db, channels: port }, ws, NOW);
      expect(snap.notes.map((n) => n.id)).toEqual([erased, pub]);
      expect(snap.notes[0].giver).toBe(ERASED_NAME);
      expect(snap.notes[1]).toMatchObject({ giver: 'Gina', recipients: ['Alice', 'Bob'], message: `for the fix, thanks @${ERASED_NAME} too` });
      expect(snap.notes[1].values).toEqual([{ label: 'Ownership', emoji: 'muscle' }]);
      // Bob opted out of rankings: he is thanked like everyone else, and nothing ranks anyone.
      expect(JSON.stringify(snap)).not.toMatch(/rank|top/i);
      const html = renderWallPage({ snapshot: snap, nonce: 'n0nce', now: NOW });
      for (const hidden of ['secret project', 'in a DM', 'nowhere', 'nobody can tell', 'withdrawn']) expect(html).not.toContain(hidden);
      expect(html).toContain('Bob');
      // The platform was asked once per channel; an unknown one is not asked again within the minute.
      const again = await loadWallSnapshot({ db: db.db, channels: port, unanswered: new Map() }, ws, NOW);
      expect(again.notes.map((n) => n.id)).toEqual([erased, pub]);
      expect(port.asked.flat().sort()).toEqual(['CPRIVATE', 'CPUBLIC', 'CUNKNOWN', 'CUNKNOWN', 'D123']);
    });

    it("counts this week and the last 28 days in the workspace's time zone, public kudos only", async () => {
      await db.db.insertInto('wall_channel').values([
        { workspace_id: ws.id, channel_id: 'CPUB', visibility: 'public', checked_at: NOW },
        { workspace_id: ws.id, channel_id: 'CPRIV', visibility: 'private', checked_at: NOW },
      ]).execute();
      // Monday 23 Nov 00:30 New York (05:30 UTC): this week. Sunday 22 Nov 23:30 New York (23 Nov 04:30 UTC): last week.
      await kudos({ giver: 'UGINA', to: ['UALICE', 'UBOB'], channel: 'CPUB', at: new Date('2026-11-23T05:30:00Z') });
      await kudos({ giver: 'UALICE', to: ['UBOB'], channel: 'CPUB', at: new Date('2026-11-24T19:00:00Z') });
      await kudos({ giver: 'UGINA', to: ['UALICE'], channel: 'CPUB', at: new Date('2026-11-23T04:30:00Z') });
      await kudos({ giver: 'UGINA', to: ['UADMIN'], channel: 'CPRIV', at: new Date('2026-11-24T19:00:00Z') });
      await kudos({ giver: 'UGINA', to: ['UADMIN'], channel: 'CPUB', at: new Date('2026-11-24T18:00:00Z'), revoked: NOW });
      // 28 days back: 28 Oct is the first day shown; 27 Oct is not.
      await kudos({ giver: 'UGINA', to: ['UALICE'], channel: 'CPUB', at: new Date('2026-10-28T04:30:00Z') });
      await kudos({ giver: 'UGINA', to: ['UALICE'], channel: 'CPUB', at: new Date('2026-10-28T03:30:00Z') });

      const h = await loadWallHeader(db.db, ws, undefined, NOW);
      expect(h.zone).toBe(ZONE);
      expect(h.week).toEqual({ kudos: 2, thanked: 2, givers: 2, startDay: '2026-11-23' });
      expect(h.days).toHaveLength(28);
      expect(h.days[0]).toEqual({ day: '2026-10-28', count: 1 });
      expect(h.days[27]).toEqual({ day: '2026-11-24', count: 1 });
      expect(h.days[26]).toEqual({ day: '2026-11-23', count: 1 });
      expect(h.days[25]).toEqual({ day: '2026-11-22', count: 1 });
      expect(h.days.reduce((a, d) => a + d.count, 0)).toBe(4);
      expect(h.campaign).toBeNull();
    });

    it("shows this week's share of public thanks that crossed team lines, only once there are teams", async () => {
      await db.db.insertInto('wall_channel').values([
        { workspace_id: ws.id, channel_id: 'CPUB', visibility: 'public', checked_at: NOW },
        { workspace_id: ws.id, channel_id: 'CPRIV', visibility: 'private', checked_at: NOW },
      ]).execute();
      // Public this week: Gina → Alice (same team), Gina → Bob (crosses). Private: Gina → Bob twice (never counted).
      await kudos({ giver: 'UGINA', to: ['UALICE'], channel: 'CPUB', at: new Date('2026-11-24T18:00:00Z') });
      await kudos({ giver: 'UGINA', to: ['UBOB'], channel: 'CPUB', at: new Date('2026-11-24T18:30:00Z') });
      await kudos({ giver: 'UGINA', to: ['UBOB'], channel: 'CPRIV', at: new Date('2026-11-24T19:00:00Z') });
      await kudos({ giver: 'UGINA', to: ['UBOB'], channel: 'CPRIV', at: new Date('2026-11-24T19:10:00Z') });
      expect((await loadWallHeader(db.db, ws, undefined, NOW)).crossTeamShare).toBeNull();

      const [support, billing] = await db.db
        .insertInto('team')
        .values([
          { workspace_id: ws.id, platform_key: 'S1', name: 'Support' },
          { workspace_id: ws.id, platform_key: 'S2', name: 'Billing' },
        ])
        .returning('id')
        .execute();
      await db.db
        .insertInto('team_member')
        .values([
          { team_id: support.id, person_id: people.UGINA, workspace_id: ws.id },
          { team_id: support.id, person_id: people.UALICE, workspace_id: ws.id },
          { team_id: billing.id, person_id: people.UBOB, workspace_id: ws.id },
        ])
        .execute();
      const h = await loadWallHeader(db.db, ws, undefined, NOW);
      expect(h.crossTeamShare).toBe(0.5);
      const page = renderWallPage({ snapshot: { workspaceName: 'Acme', header: h, notes: [] }, nonce: 'n', now: NOW });
      expect(page).toContain('50%');
      expect(page).toContain('crossed team lines');
    });

    it("shows Customer Service Week's theme of the day while it runs", async () => {
      // Customer Service Week 2026: 5–9 October; Wednesday is the milestone day.
      const h = await loadWallHeader(db.db, ws, undefined, new Date('2026-10-07T15:00:00Z'));
      expect(h.campaign).toMatchObject({ name: 'Customer Service Week', day: 3, title: 'Celebrate a milestone' });
      expect(h.campaign?.prompt).not.toMatch(/[`*]/);
      await saveSetting(db.db, {
        workspaceId: ws.id,
        key: 'observances',
        value: { ...DEFAULT_OBSERVANCE_SETTINGS, builtIn: { 'customer-service-week': { enabled: false, prompt: null } } },
        expectedVersion: 0,
        actorId: null,
      });
      expect((await loadWallHeader(db.db, ws, undefined, new Date('2026-10-07T15:00:00Z'))).campaign).toBeNull();
    });

    it('draws the chart as well-formed SVG described in words', () => {
      const days = Array.from({ length: 28 }, (_, i) => ({ day: `2026-11-${String(i + 1).padStart(2, '0')}`, count: i === 10 ? 9 : i % 3 }));
      const svg = renderChart(days);
      expect(svg).toMatch(/^<svg [^>]*role="img"[^>]*>/);
      expect(svg).toContain('<title id="chart-title">Kudos per day over the last 28 days: 35 in all; the busiest day was Nov 11 with 9; 0 today.</title>');
      expect(svg.match(/<rect /g)).toHaveLength(28);
      // Every tag closes: the SVG parses as XML.
      const stack: string[] = [];
      for (const m of svg.matchAll(/<(\/?)([a-z]+)[^>]*?(\/?)>/g)) {
        if (m[3]) continue;
        if (m[1]) expect(stack.pop()).toBe(m[2]);
        else stack.push(m[2]);
      }
      expect(stack).toEqual([]);
    });
  });

  describe('the live feed', () => {
    it('reports new public kudos and withdrawals, never private ones, and waits briefly for a channel nobody knows yet', async () => {
      let now = NOW;
      const answers: Record<string, ChannelVisibility> = { CPUB: 'public', CPRIV: 'private' };
      const port = platform(answers);
      const cursor = newFeedCursor(now);
      const feedDeps = { db: db.db, channels: port, unanswered: new Map<string, number>() };
      const before = await kudos({ giver: 'UGINA', to: ['UALICE'], channel: 'CPUB', at: new Date(now.getTime() - 60_000) });
      expect(await pollWallFeed(feedDeps, ws, cursor, now)).toEqual({ added: [], removed: [] });

      now = new Date(now.getTime() + 1000);
      const pub = await kudos({ giver: 'UGINA', to: ['UALICE'], channel: 'CPUB', at: now, message: 'public thanks' });
      await kudos({ giver: 'UGINA', to: ['UALICE'], channel: 'CPRIV', at: now, message: 'private thanks' });
      await kudos({ giver: 'UGINA', to: ['UALICE'], channel: 'D42', at: now, message: 'dm thanks' });
      const later = await kudos({ giver: 'UGINA', to: ['UBOB'], channel: 'CNEW', at: now, message: 'new channel' });
      let out = await pollWallFeed(feedDeps, ws, cursor, now);
      expect(out.added.map((n) => n.message)).toEqual(['public thanks']);
      // Polled again: nothing twice.
      now = new Date(now.getTime() + 1000);
      expect((await pollWallFeed(feedDeps, ws, cursor, now)).added).toEqual([]);

      // The platform answers about the new channel a minute later: the kudos still arrives.
      answers.CNEW = 'public';
      now = new Date(now.getTime() + 61_000);
      out = await pollWallFeed(feedDeps, ws, cursor, now);
      expect(out.added.map((n) => n.id)).toEqual([later]);

      await db.db.updateTable('kudos').set({ revoked_at: now }).where('id', 'in', [pub, before]).execute();
      await db.db.updateTable('kudos').set({ revoked_at: now }).where('channel_id', '=', 'CPRIV').execute();
      out = await pollWallFeed(feedDeps, ws, cursor, now);
      expect(out.removed.sort()).toEqual([before, pub].sort());
      now = new Date(now.getTime() + 1000);
      expect((await pollWallFeed(feedDeps, ws, cursor, now)).removed).toEqual([]);
    });
  });
});
