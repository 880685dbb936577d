import { startTestApp } from '../helpers/app';
import { createTestDb, testDatabases, type TestDb } from '../helpers/db';
import { FakeSlack } from '../helpers/fake-slack';
import { postSigned, slashCommand } from '../helpers/slack-requests';

/**
 * A graceful stop whose drain time runs out while kudos are still queued to be posted: the queued work goes
 * back to its durable queue (nothing is marked failed, nobody is told a false reason), and the next process
 * posts each kudos exactly once.
 */
describe.each(testDatabases())('stopping with posts still queued, on %s', (kind) => {
  let db: TestDb;
  let fake: FakeSlack;
  beforeAll(async () => {
    db = await createTestDb(kind);
    fake = await new FakeSlack().start();
    fake.addUser({ id: 'UALICE' });
    for (let i = 0; i < 6; i++) fake.addUser({ id: `UGIVER${i}` });
  });
  let release = () => undefined as void;
  afterAll(async () => {
    release();
    await fake.stop();
    await db.close();
  });

  it('hands queued posts back for the next start, which posts each once', async () => {
    const first = await startTestApp({ db, fake, env: { SHUTDOWN_TIMEOUT_MS: '200' } });
    // Slack holds every post: four are in flight (the delivery lane's width), the other two wait their turn.
    release = fake.hold('chat.postMessage');
    const messages = Array.from({ length: 6 }, (_, i) => `for handover number ${i + 1} before the holidays`);
    for (const [i, text] of messages.entries()) {
      const res = await postSigned(first.url, slashCommand({ text: `<@UALICE> ${text}`, user_id: `UGIVER${i}`, response_url: fake.responseUrl(`q${i}`) }));
      expect(res.json.text).toContain('Kudos sent to <@UALICE>');
    }
    for (const text of messages.slice(0, 4)) await fake.waitFor('chat.postMessage:held', (p) => String(p.text).includes(text));

    await first.stop();
    const rows = () => db.db.selectFrom('kudos').select(['id', 'message', 'post_status']).orderBy('id').execute();
    const afterStop = await rows();
    expect(afterStop).toHaveLength(6);
    expect(afterStop.filter((r) => r.post_status === 'failed')).toHaveLength(0);
    // The two that never started are back in the queue, due now.
    expect(afterStop.slice(4).map((r) => r.post_status)).toEqual(['pending', 'pending']);

    // Slack answers the four held posts; their attempts finish as they would have.
    release();
    await first.kudos.background.idle();

    const second = await startTestApp({ db, fake });
    await second.kudos.background.idle();
    const final = await rows();
    expect(final.map((r) => r.post_status)).toEqual(Array(6).fill('posted'));
    const posts = fake.callsTo('chat.postMessage').filter((c) => c.params.channel === 'C0GENERAL');
    const postedIds = posts.map((c) => c.params.metadata?.event_payload?.kudos_id).sort();
    expect(postedIds).toEqual(final.map((r) => r.id).sort());
    // No giver was told that something failed.
    const notices = fake.callsTo('response_url').map((c) => String(c.params.text));
    expect(notices.filter((t) => /could not|couldn't|failed/i.test(t))).toEqual([]);
    await second.stop();
  });
});
