import { sql } from 'kysely';
import { createTestDb, testDatabases, type TestDb } from '../helpers/db';
import { startTestApp, type TestApp } from '../helpers/app';
import { FakeSlack } from '../helpers/fake-slack';
import { eventEnvelope, postSigned, reactionEvent, slashCommand } from '../helpers/slack-requests';

/**
 * A kudos post interrupted by a stop is published exactly once after a restart: whether the stop came while
 * Slack's Retry-After was pending, or after Slack had accepted the post but before it was recorded (a kill, or a
 * database connection dropped at that moment).
 */
describe.each(testDatabases())('publishing a kudos across a stop, on %s', (kind) => {
  let db: TestDb;
  let fake: FakeSlack;
  let app: TestApp | undefined;
  let offsetMs = 0;
  const clock = () => new Date(Date.now() + offsetMs);

  beforeAll(async () => {
    db = await createTestDb(kind);
  });
  afterAll(async () => {
    await db.close();
  });
  beforeEach(async () => {
    offsetMs = 0;
    fake = await new FakeSlack().start();
    fake.clock = clock;
    fake.addUser({ id: 'UGIVER', name: 'gina' }).addUser({ id: 'UALICE', name: 'alice' }).addUser({ id: 'UBOB', name: 'bob' });
    await db.reset({ keep: ['kysely_migration', 'kysely_migration_lock'] });
    app = await startTestApp({ db, fake, clock });
  });
  afterEach(async () => {
    await app?.stop();
    app = undefined;
    await fake.stop();
  });

  /** Stops the app (gracefully: what it had started finishes or gives up) and starts a new one on the same data. */
  const restart = async (afterMs: number) => {
    await app!.stop();
    offsetMs += afterMs;
    app = await startTestApp({ db, fake, clock });
  };
  const send = async (body: string, contentType?: string) => {
    const res = await postSigned(app!.url, body, { timestamp: Math.floor(clock().getTime() / 1000), ...(contentType ? { contentType } : {}) });
    await app!.kudos.background.idle();
    return res;
  };
  const thanks = (text: string, fields: Record<string, string> = {}) => send(slashCommand({ text, response_url: fake.responseUrl('thanks'), ...fields }));
  const kudosRow = () => db.db.selectFrom('kudos').selectAll().orderBy('id').executeTakeFirstOrThrow();
  const posts = (channel: string) => fake.callsTo('chat.postMessage').filter((c) => c.params.channel === channel);
  const postedIn = (channel: string) => fake.messages.filter((m) => m.channel === channel);

  it('posts once after a stop during the Retry-After wait, and never while the wait lasts', async () => {
    fake.fail('chat.postMessage', { status: 429, retryAfter: 30 }, { match: (p) => p.channel === 'C0GENERAL' });
    const res = await thanks('<@UALICE> for staying late on the migration');
    expect(res.json.text).toContain('Kudos sent');
    // Not waited out holding the claim: back to pending, not to be tried before Retry-After.
    expect(await kudosRow()).toMatchObject({ post_status: 'pending', post_ts: null });
    expect(app!.sleeps).toEqual([]);
    expect(fake.responses.at(-1)!.body.response_type).toBe('ephemeral');

    offsetMs += 10_000;
    expect(await app!.kudos.slack!.publishLeftovers()).toBe(0);
    expect(postedIn('C0GENERAL')).toHaveLength(0);

    await restart(25_000);
    expect(postedIn('C0GENERAL')).toHaveLength(1);
    expect(await kudosRow()).toMatchObject({ post_status: 'posted', post_channel_id: 'C0GENERAL', post_ts: postedIn('C0GENERAL')[0].ts });
    // The recipient hears once, from the outbox, when the DM queued with the kudos is due.
    expect(posts('UALICE')).toHaveLength(0);
    offsetMs += 2 * 60_000;
    await app!.kudos.slack!.flushDms();
    expect(posts('UALICE')).toHaveLength(1);
    await app!.kudos.slack!.flushDms();
    expect(posts('UALICE')).toHaveLength(1);
    await restart(5 * 60_000);
    expect(postedIn('C0GENERAL')).toHaveLength(1);
  });

  it('records a post Slack accepted before the stop instead of posting again; DMs, pile-ons and undo then work on it', async () => {
    fake.fail('chat.postMessage', { lostAnswer: true }, { match: (p) => p.channel === 'C0GENERAL' });
    await thanks('<@UALICE> for the calm incident write-up');
    expect(postedIn('C0GENERAL')).toHaveLength(1);
    expect(await kudosRow()).toMatchObject({ post_status: 'posting', post_ts: null });

    await restart(3 * 60_000);
    const [post] = postedIn('C0GENERAL');
    expect(postedIn('C0GENERAL')).toHaveLength(1);
    expect(fake.callsTo('conversations.history')).toHaveLength(1);
    expect(await kudosRow()).toMatchObject({ post_status: 'posted', post_channel_id: 'C0GENERAL', post_ts: post.ts });
    await app!.kudos.slack!.flushDms();
    expect(posts('UALICE')).toHaveLength(1);

    // A pile-on on the recovered post counts.
    await send(JSON.stringify(eventEnvelope(reactionEvent('reaction_added', { user: 'UBOB', reaction: 'heart', itemUser: 'UKUDOSBOT', channel: 'C0GENERAL', ts: post.ts }))), 'application/json');
    const pileOn = await db.db.selectFrom('kudos').selectAll().where('source', '=', 'pileon').executeTakeFirstOrThrow();
    expect(pileOn).toMatchObject({ giver_id: expect.any(Number), revoked_at: null, parent_id: (await kudosRow()).id });

    // Undo updates the recovered post.
    const undone = await thanks('undo');
    expect(undone.json.text).toContain('Withdrawn');
    expect(fake.callsTo('chat.update').map((c) => [c.params.channel, c.params.ts])).toEqual([['C0GENERAL', post.ts]]);
  });

  it('recovers the same way when the database connection drops just as the post is recorded', async () => {
    // The write that records the post fails as a dropped connection would (once), after Slack took the post.
    await sql`
      create or replace function kudos_test_drop_connection() returns trigger language plpgsql as $$
      begin
        if new.post_ts is not null and old.post_ts is null and new.source = 'command' then
          raise exception 'terminating connection due to administrator command' using errcode = '57P01';
        end if;
        return new;
      end $$`.execute(db.db);
    await sql`create trigger kudos_test_drop_connection before update on kudos for each row execute function kudos_test_drop_connection()`.execute(db.db);
    try {
      await thanks('<@UALICE> for pairing on the flaky test');
      expect(postedIn('C0GENERAL')).toHaveLength(1);
      expect(await kudosRow()).toMatchObject({ post_status: 'posting', post_ts: null });
    } finally {
      await sql`drop trigger kudos_test_drop_connection on kudos`.execute(db.db);
      await sql`drop function kudos_test_drop_connection()`.execute(db.db);
    }
    await restart(3 * 60_000);
    expect(postedIn('C0GENERAL')).toHaveLength(1);
    expect(await kudosRow()).toMatchObject({ post_status: 'posted', post_ts: postedIn('C0GENERAL')[0].ts });
  });

  it('posts a kudos whose earlier attempt is certainly not in the channel', async () => {
    fake.fail('chat.postMessage', { status: 503 }, { match: (p) => p.channel === 'C0GENERAL' });
    const res = await thanks('<@UALICE> for answering every question in the help channel');
    expect(res.json.text).toContain('Kudos sent');
    expect(postedIn('C0GENERAL')).toHaveLength(0);
    expect(await kudosRow()).toMatchObject({ post_status: 'posting' });
    await restart(3 * 60_000);
    expect(postedIn('C0GENERAL')).toHaveLength(1);
    expect(await kudosRow()).toMatchObject({ post_status: 'posted' });
  });
});
