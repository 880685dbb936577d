import { saveSetting } from '../../src/core/settings-store';
import { DEFAULT_SETTINGS } from '../../src/core/settings';
import type { ObservanceSettings } from '../../src/core/observances';
import type { JobRunRow, WorkspaceRow } from '../../src/db/schema';
import { RETENTION_KIND } from '../../src/jobs/retention-job';
import { startTestApp, type TestApp } from '../helpers/app';
import { createTestDb, testDatabases, type TestDb } from '../helpers/db';
import { FakeSlack } from '../helpers/fake-slack';
import { eventEnvelope, interaction, postSigned, reactionEvent, slashCommand } from '../helpers/slack-requests';

/**
 * Customer Service Week 2026 (Monday 5 to Friday 9 October) run by the real app on an injected clock, in a
 * workspace on New York time (EDT, UTC-4): posts at 09:00 local are due at 13:00 UTC.
 */
const hour = (iso: string) => new Date(iso);
const ANNOUNCE = hour('2026-09-28T13:00:00Z');
const MONDAY = hour('2026-10-05T13:00:00Z');
const dayOfWeek = (n: number, h = 13) => new Date(Date.UTC(2026, 9, 4 + n, h));
const isJobPost = (p: Record<string, any>) => p.metadata?.event_type === 'kudos_job';
const text = (p: Record<string, any>) => JSON.stringify(p.blocks);

describe.each(testDatabases())('Customer Service Week and observances end to end on %s', (kind) => {
  let db: TestDb;
  let fake: FakeSlack;
  let app: TestApp;
  let now: Date;
  let ws: WorkspaceRow;

  const clock = () => now;
  const jobPosts = () => fake.callsTo('chat.postMessage').filter((c) => isJobPost(c.params));
  // The nightly retention run shares the scheduler: these tests look at the campaigns' runs.
  const runs = (): Promise<JobRunRow[]> => db.db.selectFrom('job_run').selectAll().where('kind', '!=', RETENTION_KIND).orderBy('due_at').orderBy('id').execute();
  const congratulations = () => fake.callsTo('chat.postMessage').filter((c) => c.params.channel === 'UGIVER' && /three-notes challenge/.test(c.params.text));

  async function observances(over: Partial<ObservanceSettings>, version: number): Promise<void> {
    const value = { ...structuredClone(DEFAULT_SETTINGS.observances), channel: 'CCAMPAIGN', ...over };
    const saved = await saveSetting(db.db, { workspaceId: ws.id, key: 'observances', value, expectedVersion: version, actorId: null });
    if (saved.status !== 'saved') throw new Error(`settings not saved: ${JSON.stringify(saved)}`);
  }

  /** `/thanks …` from Gina through the given app, at the current time; waits for the work after the ack. */
  async function thanks(through: TestApp, commandText: string): Promise<any> {
    const res = await postSigned(through.url, slashCommand({ text: commandText }), { timestamp: Math.floor(now.getTime() / 1000) });
    expect(res.status).toBe(200);
    await through.kudos.background.idle();
    return res.json;
  }

  /** One tick at each whole hour from `from` to `to` (inclusive), as the minute timer would do (and more). */
  async function tickHourly(through: TestApp, from: Date, to: Date): Promise<void> {
    for (let t = from.getTime(); t <= to.getTime(); t += 3_600_000) {
      now = new Date(t);
      await through.kudos.runJobsNow(now);
    }
  }

  beforeAll(async () => {
    db = await createTestDb(kind);
    fake = await new FakeSlack().start();
    fake.clock = clock;
    fake.addUser({ id: 'UGIVER', name: 'gina' }).addUser({ id: 'UALICE', name: 'alice' }).addUser({ id: 'UBOB', name: 'bob' }).addUser({ id: 'UCAROL', name: 'carol' }).addUser({ id: 'UDAN', name: 'dan' });
    now = ANNOUNCE;
    app = await startTestApp({ db, fake, clock });
  });
  afterAll(async () => {
    await app?.stop();
    await fake?.stop();
    await db?.close();
  });
  beforeEach(async () => {
    await app.kudos.background.idle();
    await db.reset({ keep: ['workspace', 'value', 'kysely_migration', 'kysely_migration_lock'] });
    await db.db.updateTable('workspace').set({ installed_at: new Date('2026-01-01T00:00:00Z'), time_zone: 'UTC' }).execute();
    ws = (await db.db.selectFrom('workspace').selectAll().executeTakeFirstOrThrow()) as WorkspaceRow;
    // The digest is off (its own tests cover it); its time zone setting is the workspace's zone for campaigns too.
    await saveSetting(db.db, { workspaceId: ws.id, key: 'digest', value: { ...DEFAULT_SETTINGS.digest, enabled: false, timeZone: 'America/New_York' }, expectedVersion: 0, actorId: null });
    await observances({}, 0);
    fake.reset();
    fake.messages.length = 0;
  });

  it('runs the whole week once each: announcement, kickoff, five prompts and a recap, across a restart; the challenge and its congratulation', async () => {
    // The week before: the announcement, and nothing else.
    await tickHourly(app, hour('2026-09-27T00:00:00Z'), hour('2026-10-04T23:00:00Z'));
    expect(jobPosts().map((c) => c.params.text)).toEqual(['Customer Service Week 2026 starts Monday 5 October.']);
    const announcement = jobPosts()[0].params;
    expect(announcement.channel).toBe('CCAMPAIGN');
    expect(text(announcement)).toContain('three-notes challenge');
    expect(announcement.blocks.some((b: any) => b.type === 'actions')).toBe(false);
    expect((await runs())[0]).toMatchObject({ kind: 'csw-announce', period_key: '2026', due_at: ANNOUNCE, status: 'posted' });

    // Monday: the kickoff, then the day's theme. Kudos from now on belong to the campaign.
    await tickHourly(app, hour('2026-10-05T00:00:00Z'), hour('2026-10-05T14:00:00Z'));
    await thanks(app, '<@UALICE> for taking the angry call off my hands #empathy');
    const stats = await thanks(app, 'stats');
    expect(text(stats)).toContain('*Three-notes challenge:* 1 of 3 people thanked this week. 2 more to go.');
    await tickHourly(app, dayOfWeek(2, 0), dayOfWeek(2, 14));
    await thanks(app, '<@UALICE> for the second save this week, on the billing call');
    await tickHourly(app, dayOfWeek(3, 0), dayOfWeek(3, 14));
    await thanks(app, '<@UBOB> for fixing the invoice bug a customer was stuck on #ownership');
    expect(congratulations()).toHaveLength(0);

    // Wednesday evening this instance goes away; nothing runs through Thursday's 09:00.
    now = dayOfWeek(3, 22);
    await app.stop();
    now = dayOfWeek(4, 15);
    // A new instance on the same database catches up at start-up: Thursday's prompt, once.
    app = await startTestApp({ db, fake, clock, env: { SCHEDULER_ENABLED: 'true' } });
    await app.kudos.background.idle();
    await app.kudos.jobs.stop();
    expect(jobPosts().filter((c) => /day 4/.test(c.params.text))).toHaveLength(1);
    await tickHourly(app, dayOfWeek(4, 15), dayOfWeek(4, 20));
    // The third different person: the challenge is done, and Gina hears about it once.
    await thanks(app, '<@UCAROL> for the customer story at stand-up');
    expect(congratulations()).toHaveLength(1);
    expect(congratulations()[0].params.blocks[0].text.text).toContain('Three notes, three people');
    await tickHourly(app, dayOfWeek(5, 0), dayOfWeek(5, 14));
    await thanks(app, '<@UBOB> <@UALICE> for covering the Friday queue together');
    expect(congratulations()).toHaveLength(1);
    now = dayOfWeek(5, 20);
    expect(text(await thanks(app, 'stats'))).toContain('*Three-notes challenge:* done!');

    // The weekend, then the recap on the Monday after; and nothing more for days after that.
    await tickHourly(app, dayOfWeek(6, 0), hour('2026-10-14T00:00:00Z'));
    now = hour('2026-10-14T12:00:00Z');
    expect(text(await thanks(app, 'stats'))).not.toContain('Three-notes');

    const posts = jobPosts();
    expect(posts.map((c) => c.params.text)).toEqual([
      'Customer Service Week 2026 starts Monday 5 October.',
      'Happy Customer Service Week!',
      'Customer Service Week, day 1: Thank someone on your team',
      'Customer Service Week, day 2: Thank someone in another team',
      'Customer Service Week, day 3: Celebrate a milestone',
      'Customer Service Week, day 4: Thank a customer',
      'Customer Service Week, day 5: Tell a story of great service',
      expect.stringContaining("That's a wrap on Customer Service Week 2026!"),
    ]);
    expect(new Set(posts.map((c) => c.params.channel))).toEqual(new Set(['CCAMPAIGN']));
    // Every post but the announcement has a Give kudos button that opens the kudos form.
    for (const p of posts.slice(1)) {
      const actions = p.params.blocks.find((b: any) => b.type === 'actions');
      expect(actions.elements).toEqual([expect.objectContaining({ action_id: 'open_give_modal', text: expect.objectContaining({ text: 'Give kudos' }) })]);
    }
    const recap = text(posts[7].params);
    expect(recap).toContain('*6 kudos* from *1 person* to *3 people*');
    expect(recap).toContain(':star2: *Values of the week*');
    expect(recap).toContain('1 person thanked three different people: <@UGIVER>');
    // A story from the week (one: each story names different people, and Gina gave them all).
    expect(recap).toContain('*Stories from the week*');
    expect(recap).toMatch(/<@UGIVER> thanked .*\\n>for (taking the angry call|the second save|fixing the invoice bug|the customer story|covering the Friday queue)/);

    expect((await runs()).map((r) => [r.kind, r.period_key, r.status, r.message_ref !== null])).toEqual([
      ['csw-announce', '2026', 'posted', true],
      ['csw-kickoff', '2026', 'posted', true],
      ['csw-day', '2026-1', 'posted', true],
      ['csw-day', '2026-2', 'posted', true],
      ['csw-day', '2026-3', 'posted', true],
      ['csw-day', '2026-4', 'posted', true],
      ['csw-day', '2026-5', 'posted', true],
      ['csw-recap', '2026', 'posted', true],
    ]);
    const tags = await db.db.selectFrom('kudos').select('campaign_key').execute();
    expect(tags.map((k) => k.campaign_key)).toEqual(Array(5).fill('csw-2026'));
    expect(await db.db.selectFrom('notice').select(['kind', 'period']).where('kind', '=', 'three-notes').execute()).toEqual([{ kind: 'three-notes', period: 'csw-2026' }]);
  });

  it('counts reactions and pile-ons toward the challenge; the congratulation goes out once', async () => {
    now = dayOfWeek(2, 15);
    const react = async (f: Parameters<typeof reactionEvent>[1]) => {
      const res = await postSigned(app.url, JSON.stringify(eventEnvelope(reactionEvent('reaction_added', f))), {
        contentType: 'application/json',
        timestamp: Math.floor(now.getTime() / 1000),
      });
      expect(res.status).toBe(200);
      await app.kudos.background.idle();
    };
    const bobsNotes = () => fake.callsTo('chat.postMessage').filter((c) => c.params.channel === 'UBOB' && /three-notes challenge/.test(c.params.text));
    await react({ user: 'UBOB', reaction: 'clap', itemUser: 'UALICE', ts: '1700000000.000301' });
    await react({ user: 'UBOB', reaction: 'clap', itemUser: 'UCAROL', ts: '1700000000.000302' });
    // Gina's kudos to Dan is posted by the bot; Bob's reaction on that post is his own thanks to Dan.
    await thanks(app, '<@UDAN> for staying late with the escalation');
    const post = await db.db.selectFrom('kudos').select(['post_channel_id', 'post_ts']).where('source', '=', 'command').executeTakeFirstOrThrow();
    expect(bobsNotes()).toHaveLength(0);
    await react({ user: 'UBOB', reaction: 'raised_hands', itemUser: 'UKUDOSBOT', channel: post.post_channel_id!, ts: post.post_ts! });
    expect(bobsNotes()).toHaveLength(1);
    await react({ user: 'UBOB', reaction: 'clap', itemUser: 'UGIVER', ts: '1700000000.000303' });
    expect(bobsNotes()).toHaveLength(1);
    const bob = await db.db
      .selectFrom('kudos')
      .innerJoin('person', 'person.id', 'kudos.giver_id')
      .select(['kudos.source', 'kudos.campaign_key'])
      .where('person.external_id', '=', 'UBOB')
      .orderBy('kudos.id')
      .execute();
    expect(bob).toEqual([
      { source: 'reaction', campaign_key: 'csw-2026' },
      { source: 'reaction', campaign_key: 'csw-2026' },
      { source: 'pileon', campaign_key: 'csw-2026' },
      { source: 'reaction', campaign_key: 'csw-2026' },
    ]);
  });

  it("a campaign prompt's Give kudos button opens the kudos form in that channel", async () => {
    now = MONDAY;
    await app.kudos.runJobsNow(now);
    const prompt = jobPosts().find((c) => /day 1/.test(c.params.text))!.params;
    const posted = fake.messages.find((m) => /day 1/.test(String(m.text)))!;
    const actions = prompt.blocks.find((b: any) => b.type === 'actions');
    const res = await postSigned(
      app.url,
      interaction({
        type: 'block_actions',
        token: 'gIkuvaNzQIHg97ATvDxqgjtO',
        api_app_id: 'A0KUDOS',
        team: { id: 'T0001', domain: 'acme' },
        user: { id: 'UBOB', username: 'bob', team_id: 'T0001' },
        channel: { id: 'CCAMPAIGN', name: 'kudos' },
        container: { type: 'message', message_ts: posted.ts, channel_id: 'CCAMPAIGN', is_ephemeral: false },
        trigger_id: '13345224609.738474920.8088930838d88f008e1',
        message: { type: 'message', ts: posted.ts, text: prompt.text, blocks: prompt.blocks },
        actions: [{ type: 'button', action_id: 'open_give_modal', block_id: actions.block_id ?? 'b', value: actions.elements[0].value, action_ts: '1700000000.000200' }],
      }),
      { timestamp: Math.floor(now.getTime() / 1000) },
    );
    expect(res.status).toBe(200);
    const opened = await fake.waitFor('views.open');
    expect(opened.params.view.callback_id).toBe('give_kudos_modal');
    expect(JSON.parse(opened.params.view.private_metadata)).toMatchObject({ channelId: 'CCAMPAIGN', source: 'modal' });
  });

  it("reminds of Thanksgiving the day before when configured, once, with the admin's own prompt", async () => {
    const builtIn = { ...structuredClone(DEFAULT_SETTINGS.observances.builtIn), thanksgiving: { enabled: true, prompt: 'Thank the people covering the holiday shifts <!here>.' } };
    await observances({ reminderTiming: 'day-before', builtIn }, 1);
    // 25 November, 09:00 in New York (EST by then, UTC-5) is 14:00 UTC.
    await tickHourly(app, hour('2026-11-24T00:00:00Z'), hour('2026-11-27T23:00:00Z'));
    expect(jobPosts()).toHaveLength(1);
    const post = jobPosts()[0].params;
    expect(post.text).toBe('Tomorrow: Thanksgiving');
    // The admin's words are shown as typed: escaped, so they ping nobody.
    expect(post.blocks[0].text.text).toBe('*Tomorrow: Thanksgiving*\nThank the people covering the holiday shifts &lt;!here&gt;.');
    expect(post.blocks[1].elements[0].action_id).toBe('open_give_modal');
    expect(await runs()).toEqual([expect.objectContaining({ kind: 'observance', period_key: 'thanksgiving:2026', due_at: hour('2026-11-25T14:00:00Z'), status: 'posted' })]);
  });

  it('posts a custom observance on its day, and records a reminder found past the grace window as skipped, not posted late', async () => {
    const custom = [{ id: 'founders', name: "Founders' Day", rule: { kind: 'fixed' as const, month: 3, day: 2 }, message: 'Thank someone who was here at the start.', days: 1 }];
    await observances({ custom }, 1);
    // Nobody runs from 1 March until 8 March: Founders' Day (2 March) and Employee Appreciation Day (6 March) are missed.
    now = hour('2026-03-08T15:00:00Z');
    const summary = await app.kudos.runJobsNow(now);
    expect(summary).toMatchObject({ posted: 0, skipped: 2 });
    expect(jobPosts()).toHaveLength(0);
    expect(await runs()).toEqual([
      expect.objectContaining({ period_key: 'custom:founders:2026', status: 'skipped', last_error: expect.stringContaining('missed') }),
      expect.objectContaining({ period_key: 'employee-appreciation-day:2026', status: 'skipped', last_error: expect.stringContaining('missed') }),
    ]);
    // Ticking on records nothing twice; next year's Founders' Day is posted on the morning of the day.
    await app.kudos.runJobsNow(hour('2026-03-08T16:00:00Z'));
    expect(await runs()).toHaveLength(2);
    await tickHourly(app, hour('2027-03-01T12:00:00Z'), hour('2027-03-02T16:00:00Z'));
    expect(jobPosts().map((c) => c.params.text)).toEqual(["Today: Founders' Day"]);
    expect(jobPosts()[0].params.blocks[0].text.text).toBe("*Founders' Day*\nThank someone who was here at the start.");
    expect((await runs()).find((r) => r.period_key === 'custom:founders:2027')).toMatchObject({ status: 'posted', due_at: hour('2027-03-02T14:00:00Z') });
  });
});
