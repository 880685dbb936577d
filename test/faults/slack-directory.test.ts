import { testDatabases } from '../helpers/db';
import { useSlackE2E } from '../helpers/slack-e2e';
import { eventEnvelope, nextEventTs, reactionEvent } from '../helpers/slack-requests';

/**
 * What Kudos does when it cannot, or need not, ask Slack who someone is: the hard limits are checked before
 * any lookup, and someone whose profile is unknown is never taken for a human.
 */
describe.each(testDatabases())('people lookups under load and outage, on %s', (kind) => {
  const e = useSlackE2E(kind);
  const people = () => e.db.db.selectFrom('person').select('external_id').execute();
  const channelPosts = () => e.fake.callsTo('chat.postMessage').filter((c) => c.params.channel === 'C0GENERAL');

  it('refuses a kudos to 500 people before asking Slack about any of them or writing a row', async () => {
    const mentions = Array.from({ length: 500 }, (_, i) => `<@U${String(i).padStart(6, '0')}>`).join(' ');
    const res = await e.thanks(`${mentions} for the all-hands`);
    expect(res.json.text).toMatch(/up to 10 people at once; you mentioned 500/);
    expect(e.fake.callsTo('users.info')).toHaveLength(0);
    expect(await people()).toHaveLength(0);
    expect(await e.count('kudos')).toBe(0);
  });

  it('refuses an over-long message before any lookup', async () => {
    const res = await e.thanks(`<@UALICE> for ${'a very long story '.repeat(300)}`);
    expect(res.json.text).toMatch(/the limit is/);
    expect(e.fake.callsTo('users.info')).toHaveLength(0);
    expect(await people()).toHaveLength(0);
  });

  it('does not give a kudos to someone it cannot look up during a users.info outage, and says to try again', async () => {
    e.fake.fail('users.info', { status: 500 }, { times: 100 });
    const res = await e.thanks('<@UROBOT> for the green build');
    expect(res.json.text).toContain("I couldn't look up <@UROBOT> just now, so nothing was recorded");
    expect(await e.count('kudos')).toBe(0);
    expect(channelPosts()).toHaveLength(0);
    expect((await people()).map((p) => p.external_id)).not.toContain('UROBOT');

    // Once Slack answers again, the same request is judged on the real profile: a bot is refused.
    e.fake.reset();
    const again = await e.thanks('<@UROBOT> for the green build');
    expect(again.json.text).toContain('is a bot');
    expect(await e.count('kudos')).toBe(0);
  });

  it('holds a reaction on an unknown author during an outage and records it once Slack answers', async () => {
    await e.thanks('<@UALICE> for reviewing the runbook'); // UBOB is unknown yet; the reactor (UALICE) is known
    const before = await e.count('kudos');
    e.fake.reset();
    e.fake.fail('users.info', { status: 500 }, { times: 100 });
    const envelope = eventEnvelope(reactionEvent('reaction_added', { user: 'UALICE', reaction: 'pray', itemUser: 'UBOB', eventTs: nextEventTs() }));
    const res = await e.post(JSON.stringify(envelope), { contentType: 'application/json' });
    expect(res.status).toBe(200);
    expect(await e.count('kudos')).toBe(before);
    const pending = await e.db.db.selectFrom('event_inbox').select('processed_at').execute();
    expect(pending.filter((r) => r.processed_at === null)).toHaveLength(1);

    // Slack answers again; the sweep takes the event up once its backoff has passed.
    e.fake.reset();
    expect(await e.app.kudos.slack!.sweepInbox()).toBe(0);
    e.advance(5 * 60_000);
    expect(await e.app.kudos.slack!.sweepInbox()).toBe(1);
    await e.idle();
    expect(await e.count('kudos')).toBe(before + 1);
    // A second sweep finds nothing left to do: nothing doubled.
    expect(await e.app.kudos.slack!.sweepInbox()).toBe(0);
    expect(await e.count('kudos')).toBe(before + 1);
  });
});
