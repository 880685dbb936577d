import { DateTime } from 'luxon';
import { periodKeyOf } from '../../src/jobs/digest-job';
import { testDatabases } from '../helpers/db';
import { cardOf, cardText } from '../helpers/fake-connector';
import { ALICE, BOB, BOT, CAROL, CHANNEL, TENANT, channelMessage } from '../helpers/teams-activities';
import { useTeamsE2E } from '../helpers/teams-e2e';

/**
 * The weekly digest posted proactively to the configured Teams channel by the scheduler, through the same
 * exactly-once runs as Slack. Time is the app's injected clock; the schedule is set relative to it.
 */
describe.each(testDatabases())('Teams digest end to end on %s', (kind) => {
  // A moment safely after the workspace row is created (scheduled runs never predate the install).
  const start = DateTime.utc().plus({ days: 2 }).startOf('hour');
  let now = start.toJSDate();
  const e = useTeamsE2E(kind, { clock: () => now });
  const url = () => e.connector.url;
  const dueAt = start.plus({ hours: 3 });

  async function workspaceId(): Promise<number> {
    return (await e.db.db.selectFrom('workspace').select('id').where('platform', '=', 'teams').where('external_id', '=', TENANT).executeTakeFirstOrThrow()).id;
  }

  /** Kudos given in the Wins channel (which also teaches the bot the channel), and the digest scheduled there. */
  async function weekOfKudos(channel = CHANNEL.id) {
    now = start.toJSDate();
    await e.send(channelMessage(url(), { parts: [BOT, ' thanks ', ALICE, ' ', BOB, ' for the launch checklist #ownership'] }));
    await e.send(channelMessage(url(), { from: CAROL, parts: [BOT, ' thanks ', ALICE, ' for answering every customer the same day #empathy'] }));
    const digest = { enabled: true, channel, weekday: dueAt.weekday, time: dueAt.toFormat('HH:mm'), timeZone: null, topCount: 3, quietWeek: 'nudge' };
    await e.db.db.insertInto('setting').values({ workspace_id: await workspaceId(), key: 'digest', value: JSON.stringify(digest) }).execute();
    e.connector.reset();
  }

  it('posts the digest as an Adaptive Card into the configured channel, once, and records the message id', async () => {
    await weekOfKudos();
    const summary = await e.app.kudos.runJobsNow(dueAt.plus({ minutes: 1 }).toJSDate());
    expect(summary.posted).toBe(1);

    const [post] = e.connector.sent();
    // A proactive send: into the channel conversation itself (a new post), replying to a fresh continuation id.
    expect(post.conversationId).toBe(CHANNEL.id);
    const card = cardOf(post.body);
    expect(card).toMatchObject({ type: 'AdaptiveCard', version: '1.5' });
    const text = cardText(card);
    expect(text).toContain('Your week in kudos');
    expect(text).toContain('**3 kudos** from **2 people** to **2 people**');
    expect(text).toContain('**Alice Archer** (2)');
    expect(text).toContain('Ownership');
    expect(text).toContain('First kudos ever');
    expect(post.body.summary).toContain('Your week in kudos');

    const run = await e.db.db.selectFrom('job_run').selectAll().executeTakeFirstOrThrow();
    expect(run).toMatchObject({ kind: 'digest', status: 'posted', target: CHANNEL.id, message_ref: post.newId });

    // Any number of ticks later (or on another replica): nothing more.
    const again = await e.app.kudos.runJobsNow(dueAt.plus({ minutes: 2 }).toJSDate());
    expect(again.posted).toBe(0);
    expect(e.connector.sent()).toHaveLength(1);
  });

  it('a run interrupted while posting is reported, not posted again (Teams gives bots no way to look)', async () => {
    await weekOfKudos();
    const due = dueAt.toJSDate();
    await e.db.db
      .insertInto('job_run')
      .values({
        workspace_id: await workspaceId(),
        kind: 'digest',
        period_key: periodKeyOf(dueAt),
        due_at: due,
        status: 'posting',
        target: CHANNEL.id,
        attempts: 1,
        claimed_by: 'a replica that crashed',
        claimed_at: due,
        next_attempt_at: dueAt.plus({ minutes: 10 }).toJSDate(),
      })
      .execute();
    const summary = await e.app.kudos.runJobsNow(dueAt.plus({ minutes: 30 }).toJSDate());
    expect(summary.failed).toBe(1);
    expect(e.connector.sent()).toHaveLength(0);
    const run = await e.db.db.selectFrom('job_run').selectAll().executeTakeFirstOrThrow();
    expect(run.status).toBe('failed');
    expect(run.last_error).toContain('post_unconfirmed');
  });

  it('a channel the bot was never added to fails the run for good, with a reason', async () => {
    await weekOfKudos('19:unknownchannel@thread.tacv2');
    const summary = await e.app.kudos.runJobsNow(dueAt.plus({ minutes: 1 }).toJSDate());
    expect(summary.failed).toBe(1);
    expect(e.connector.sent()).toHaveLength(0);
    const run = await e.db.db.selectFrom('job_run').selectAll().executeTakeFirstOrThrow();
    expect(run.last_error).toBe('channel_unknown');
  });

  it('the connector refusing the post (the bot removed from the team: 403) ends the run without retrying', async () => {
    await weekOfKudos();
    e.connector.fail('reply', 403, 'BotNotInConversationRoster');
    const summary = await e.app.kudos.runJobsNow(dueAt.plus({ minutes: 1 }).toJSDate());
    expect(summary.failed).toBe(1);
    const run = await e.db.db.selectFrom('job_run').selectAll().executeTakeFirstOrThrow();
    expect(run.status).toBe('failed');
  });
});
