import { loadSettings, saveSetting } from '../../src/core/settings-store';
import type { JobRunRow, WorkspaceRow } from '../../src/db/schema';
import { digestJob } from '../../src/jobs/digest-job';
import { claimNewRun, markPosting } from '../../src/jobs/runs';
import { startTestApp, type TestApp } from '../helpers/app';
import { createTestDb, testDatabases, type TestDb } from '../helpers/db';
import { FakeSlack } from '../helpers/fake-slack';
import { interaction, postSigned } from '../helpers/slack-requests';

// The W48 digest: Friday 27 November 2026, 16:00 in the workspace's zone (UTC).
const DUE = new Date('2026-11-27T16:00:00Z');
const IN_THE_WEEK = new Date('2026-11-25T10:00:00Z');
const after = (minutes: number) => new Date(DUE.getTime() + minutes * 60_000);
// Other scheduled posts (campaigns, observances) may run in the same ticks: these tests look at the digest's.
const isJobPost = (p: Record<string, any>) => p.metadata?.event_type === 'kudos_job' && /week in kudos|quiet week for kudos/.test(String(p.text));

describe.each(testDatabases())('weekly digest posted by the scheduler, end to end on %s', (kind) => {
  let db: TestDb;
  let fake: FakeSlack;
  let apps: TestApp[];
  let now: Date;
  let ws: WorkspaceRow;
  let seq = 0;

  const clock = () => now;
  const jobPosts = () => fake.callsTo('chat.postMessage').filter((c) => isJobPost(c.params));
  const runs = (): Promise<JobRunRow[]> => db.db.selectFrom('job_run').selectAll().where('kind', '=', 'digest').orderBy('id').execute();
  const digestMessages = () => fake.messages.filter((m) => m.channel === 'CDIGEST' && m.metadata?.event_type === 'kudos_job');
  const idle = () => Promise.all(apps.map((a) => a.kudos.background.idle()));

  beforeAll(async () => {
    db = await createTestDb(kind);
    fake = await new FakeSlack().start();
    fake.clock = clock;
    fake.addUser({ id: 'UGIVER', name: 'gina' }).addUser({ id: 'UALICE', name: 'alice' }).addUser({ id: 'UBOB', name: 'bob' });
    now = IN_THE_WEEK;
    // Three replicas of the app on one database, sharing one Slack workspace; their timers are off, ticks are driven here.
    apps = [];
    for (let i = 0; i < 3; i++) apps.push(await startTestApp({ db, fake, clock }));
  });
  afterAll(async () => {
    for (const a of apps ?? []) await a.stop();
    await fake?.stop();
    await db?.close();
  });
  beforeEach(async () => {
    await idle();
    await db.reset({ keep: ['workspace', 'value', 'kysely_migration', 'kysely_migration_lock'] });
    await db.db.updateTable('workspace').set({ installed_at: new Date('2026-01-01T00:00:00Z'), time_zone: 'UTC' }).execute();
    ws = (await db.db.selectFrom('workspace').selectAll().executeTakeFirstOrThrow()) as WorkspaceRow;
    await saveSetting(db.db, {
      workspaceId: ws.id,
      key: 'digest',
      value: { enabled: true, channel: 'CDIGEST', weekday: 5, time: '16:00', timeZone: null, topCount: 3, quietWeek: 'nudge' },
      expectedVersion: 0,
      actorId: null,
    });
    fake.reset();
    for (const a of apps) a.sleeps.length = 0;
    now = IN_THE_WEEK;
  });

  async function person(externalId: string, name: string): Promise<number> {
    const row = await db.db
      .insertInto('person')
      .values({ workspace_id: ws.id, external_id: externalId, display_name: name })
      .onConflict((oc) => oc.columns(['workspace_id', 'external_id']).doUpdateSet({ display_name: name }))
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  async function give(giver: string, recipient: string, message: string): Promise<void> {
    const k = await db.db
      .insertInto('kudos')
      .values({
        workspace_id: ws.id,
        giver_id: await person(giver, giver.slice(1).toLowerCase()),
        source: 'command',
        source_key: `e2e-${++seq}`,
        message,
        created_at: IN_THE_WEEK,
        local_day: '2026-11-25',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db.db
      .insertInto('kudos_recipient')
      .values({ kudos_id: k.id, workspace_id: ws.id, recipient_id: await person(recipient, recipient.slice(1).toLowerCase()), created_at: IN_THE_WEEK })
      .execute();
  }

  it('three replicas ticking together post the digest once, with the run id in its metadata and its ts recorded', async () => {
    await give('UGIVER', 'UALICE', 'for untangling the refund backlog before the weekend');
    await give('UBOB', 'UALICE', 'for the patient walkthrough of the new routing rules');
    now = after(1);
    await Promise.all(apps.map((a) => a.kudos.runJobsNow(now)));
    expect(jobPosts()).toHaveLength(1);
    for (const later of [2, 60, 23 * 60]) await Promise.all(apps.map((a) => a.kudos.runJobsNow(after(later))));

    expect(jobPosts()).toHaveLength(1);
    const post = jobPosts()[0].params;
    const [run] = await runs();
    expect(post.channel).toBe('CDIGEST');
    expect(post.metadata).toEqual({ event_type: 'kudos_job', event_payload: { run_id: run.id } });
    expect(post.text).toContain('Your week in kudos');
    const blocks = JSON.stringify(post.blocks);
    expect(blocks).toContain('*2 kudos* from *2 people* to *1 person*');
    expect(blocks).toContain('1. <@UALICE>  *2*');
    expect(blocks).toContain('for untangling the refund backlog before the weekend');
    expect(blocks).toContain('*First kudos ever* for <@UALICE>');
    expect(run).toMatchObject({ kind: 'digest', period_key: '2026-W48', status: 'posted', target: 'CDIGEST', message_ref: digestMessages()[0].ts });
  });

  it('a quiet week gets a nudge whose Give kudos button opens the kudos form in that channel', async () => {
    now = after(1);
    await apps[0].kudos.runJobsNow(now);
    const [post] = jobPosts();
    const actions = post.params.blocks.find((b: any) => b.type === 'actions');
    expect(actions.elements[0]).toMatchObject({ action_id: 'open_give_modal', text: { text: 'Give kudos' } });

    const res = await postSigned(
      apps[1].url,
      interaction({
        type: 'block_actions',
        token: 'gIkuvaNzQIHg97ATvDxqgjtO',
        api_app_id: 'A0KUDOS',
        team: { id: 'T0001', domain: 'acme' },
        user: { id: 'UBOB', username: 'bob', team_id: 'T0001' },
        channel: { id: 'CDIGEST', name: 'kudos' },
        container: { type: 'message', message_ts: post.params.ts ?? digestMessages()[0].ts, channel_id: 'CDIGEST', is_ephemeral: false },
        trigger_id: '13345224609.738474920.8088930838d88f008e0',
        message: { type: 'message', ts: digestMessages()[0].ts, text: post.params.text, blocks: post.params.blocks },
        actions: [{ type: 'button', action_id: 'open_give_modal', block_id: actions.block_id ?? 'b', value: 'digest', action_ts: '1700000000.000200' }],
      }),
      { timestamp: Math.floor(now.getTime() / 1000) },
    );
    expect(res.status).toBe(200);
    const opened = await fake.waitFor('views.open');
    expect(opened.params.trigger_id).toBe('13345224609.738474920.8088930838d88f008e0');
    expect(opened.params.view.callback_id).toBe('give_kudos_modal');
    expect(JSON.parse(opened.params.view.private_metadata)).toMatchObject({ channelId: 'CDIGEST', source: 'modal' });
  });

  describe('a replica that crashed while posting', () => {
    async function crashedRun(): Promise<JobRunRow> {
      const run = (await claimNewRun(
        db.db,
        { workspaceId: ws.id, kind: 'digest', periodKey: '2026-W48', dueAt: DUE, target: 'CDIGEST' },
        { by: 'crashed-replica', now: after(1), leaseMs: 10 * 60_000 },
      ))!;
      await markPosting(db.db, run.id, 'crashed-replica', after(1));
      return run;
    }

    it('after posting, before marking: the post is found by its run id and not posted again', async () => {
      const run = await crashedRun();
      // What the crashed replica managed to do: the post itself, through the same poster.
      now = after(1);
      const poster = apps[0].kudos.jobs.deps.posters[0];
      const built = await digestJob.build({ db: db.db, workspace: ws, settings: await loadSettings(db.db, ws.id), run, now });
      if (!('post' in built)) throw new Error('expected a digest to post');
      await poster.post(ws, 'CDIGEST', built.post, run.id);
      const ts = digestMessages()[0].ts;
      // Some chatter in the channel afterwards.
      fake.messages.push({ channel: 'CDIGEST', ts: `${Math.floor(after(3).getTime() / 1000)}.000001`, text: 'lunch?' });
      const before = jobPosts().length;

      await Promise.all(apps.map((a) => a.kudos.runJobsNow(after(5)))); // still leased: nobody touches it
      expect(fake.callsTo('conversations.history')).toHaveLength(0);
      await Promise.all(apps.map((a) => a.kudos.runJobsNow(after(11))));

      expect(jobPosts()).toHaveLength(before);
      const history = fake.callsTo('conversations.history');
      expect(history).toHaveLength(1);
      expect(history[0].params).toMatchObject({ channel: 'CDIGEST', limit: '15', include_all_metadata: 'true' });
      expect(Number(history[0].params.oldest)).toBeLessThan(after(1).getTime() / 1000);
      expect(await runs()).toEqual([expect.objectContaining({ status: 'posted', message_ref: ts })]);
    });

    it('before the post reached Slack: nothing in the channel, so it is posted, once', async () => {
      await crashedRun();
      await Promise.all(apps.map((a) => a.kudos.runJobsNow(after(11))));
      expect(fake.callsTo('conversations.history')).toHaveLength(1);
      expect(jobPosts()).toHaveLength(1);
      expect(await runs()).toEqual([expect.objectContaining({ status: 'posted', message_ref: digestMessages()[0].ts })]);
    });

    it('when the channel cannot be read (no history scope), the run is reported, not posted twice', async () => {
      await crashedRun();
      fake.fail('conversations.history', { error: 'missing_scope' });
      await Promise.all(apps.map((a) => a.kudos.runJobsNow(after(11))));
      await Promise.all(apps.map((a) => a.kudos.runJobsNow(after(60))));
      expect(jobPosts()).toHaveLength(0);
      expect(await runs()).toEqual([expect.objectContaining({ status: 'failed', last_error: expect.stringContaining('post_unconfirmed') })]);
    });
  });

  describe('a replica that was down when the digest was due', () => {
    it('posts it on start-up within the grace window, once', async () => {
      now = after(3 * 60);
      const late = await startTestApp({ db, fake, clock, env: { SCHEDULER_ENABLED: 'true' } });
      const later = await startTestApp({ db, fake, clock, env: { SCHEDULER_ENABLED: 'true' } });
      try {
        await late.kudos.background.idle();
        await later.kudos.background.idle();
        expect(jobPosts()).toHaveLength(1);
        expect(await runs()).toEqual([expect.objectContaining({ period_key: '2026-W48', status: 'posted' })]);
      } finally {
        await late.stop();
        await later.stop();
      }
    });

    it('past the grace window (JOB_GRACE_HOURS) it records the run as skipped instead', async () => {
      now = after(25 * 60);
      const late = await startTestApp({ db, fake, clock, env: { SCHEDULER_ENABLED: 'true', JOB_GRACE_HOURS: '24' } });
      try {
        await late.kudos.background.idle();
      } finally {
        await late.stop();
      }
      expect(jobPosts()).toHaveLength(0);
      expect(await runs()).toEqual([expect.objectContaining({ period_key: '2026-W48', status: 'skipped' })]);
    });
  });

  describe('posting failures', () => {
    it('ratelimited: waits for Retry-After (through the injected sleep) and posts', async () => {
      fake.fail('chat.postMessage', { status: 429, retryAfter: 7 }, { match: isJobPost });
      await apps[0].kudos.runJobsNow(after(1));
      expect(apps[0].sleeps).toEqual([7000]);
      expect(jobPosts()).toHaveLength(2);
      expect(await runs()).toEqual([expect.objectContaining({ status: 'posted', message_ref: digestMessages()[0].ts })]);
    });

    it('ratelimited beyond the client retries: the run waits for Retry-After, then another tick posts it', async () => {
      fake.fail('chat.postMessage', { status: 429, retryAfter: 7 }, { match: isJobPost, times: 4 });
      await apps[0].kudos.runJobsNow(after(1));
      expect(apps[0].sleeps).toEqual([7000, 7000, 7000]);
      const [waiting] = await runs();
      expect(waiting).toMatchObject({ status: 'claimed', last_error: 'ratelimited', next_attempt_at: new Date(after(1).getTime() + 7000) });
      await apps[1].kudos.runJobsNow(new Date(after(1).getTime() + 5000));
      expect(jobPosts()).toHaveLength(4);
      await apps[1].kudos.runJobsNow(new Date(after(1).getTime() + 7000));
      expect(jobPosts()).toHaveLength(5);
      expect(digestMessages()).toHaveLength(1);
      expect(await runs()).toEqual([expect.objectContaining({ status: 'posted', attempts: 2 })]);
    });

    it('not_in_channel in a public channel: joins it and posts', async () => {
      fake.fail('chat.postMessage', { error: 'not_in_channel' }, { match: isJobPost });
      await apps[0].kudos.runJobsNow(after(1));
      expect(fake.callsTo('conversations.join').map((c) => c.params.channel)).toEqual(['CDIGEST']);
      expect(jobPosts()).toHaveLength(2);
      expect(await runs()).toEqual([expect.objectContaining({ status: 'posted' })]);
    });

    it('not_in_channel in a private channel (cannot join): failed with the reason, not retried', async () => {
      fake.fail('chat.postMessage', { error: 'not_in_channel' }, { match: isJobPost });
      fake.fail('conversations.join', { error: 'method_not_supported_for_channel_type' });
      await apps[0].kudos.runJobsNow(after(1));
      for (const m of [2, 60]) await Promise.all(apps.map((a) => a.kudos.runJobsNow(after(m))));
      expect(jobPosts()).toHaveLength(1);
      expect(await runs()).toEqual([expect.objectContaining({ status: 'failed', last_error: 'not_in_channel' })]);
    });

    it.each(['is_archived', 'channel_not_found'])('%s: failed once with the reason, kept for the admin view, not retried every minute', async (error) => {
      fake.fail('chat.postMessage', { error }, { match: isJobPost, times: 10 });
      await apps[0].kudos.runJobsNow(after(1));
      for (const m of [2, 3, 60, 24 * 60]) await Promise.all(apps.map((a) => a.kudos.runJobsNow(after(m))));
      expect(jobPosts()).toHaveLength(1);
      expect(await runs()).toEqual([expect.objectContaining({ status: 'failed', last_error: error, next_attempt_at: null })]);
    });
  });
});
