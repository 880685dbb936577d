import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connectDatabase } from '../../src/db/connect';
import { FakeSlack } from '../helpers/fake-slack';
import { slackAppEnv, startProcess } from '../helpers/process';
import { postSigned, slashCommand } from '../helpers/slack-requests';

/**
 * kill -9 mid-traffic: the process gets no chance to finish anything. Every kudos that was acknowledged is in
 * the database after the kill, and the next process posts each exactly once: the ones Slack did post before the
 * kill are found by the id their post carries and recorded, not posted again.
 */
describe('killing the app with SIGKILL while kudos are being posted', () => {
  let dir: string;
  let fake: FakeSlack;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'kudos-kill-'));
    fake = await new FakeSlack().start();
    // Posts get timestamps from the real clock, as Slack's do, so a look through the channel's history finds them.
    fake.clock = () => new Date();
    fake.addUser({ id: 'UALICE' });
    for (let i = 0; i < 3; i++) fake.addUser({ id: `UGIVER${i}` });
  });
  afterAll(async () => {
    await fake.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const env = () => slackAppEnv(fake, dir);

  it('loses no acknowledged kudos and doubles no post', async () => {
    const first = startProcess(env());
    const { port } = await first.next('listening');
    await first.next('connected to Slack');
    const url = `http://127.0.0.1:${port}`;

    // Slack is slow to answer the posts: all three are on their way when the process dies.
    const release = fake.hold('chat.postMessage');
    const texts = [0, 1, 2].map((i) => `for the on-call handover number ${i + 1}`);
    for (const [i, text] of texts.entries()) {
      const res = await postSigned(url, slashCommand({ text: `<@UALICE> ${text}`, user_id: `UGIVER${i}`, response_url: fake.responseUrl(`k${i}`) }));
      expect(res.json.text).toContain('Kudos sent to <@UALICE>');
    }
    for (const text of texts) await fake.waitFor('chat.postMessage:held', (p) => String(p.text).includes(text));
    const exited = first.exited;
    first.child.kill('SIGKILL');
    expect((await exited).signal).toBe('SIGKILL');
    // Slack carries out the requests it had received; nobody is left to hear the answers.
    release();
    for (const text of texts) await fake.waitFor('chat.postMessage', (p) => String(p.text).includes(text));

    // Everything acknowledged is there. Time passes: the dead process's claims to post run out.
    const db = await connectDatabase({ dataDir: dir });
    const rows = await db.db.selectFrom('kudos').select(['id', 'post_status']).orderBy('id').execute();
    expect(rows).toHaveLength(3);
    expect(rows.map((r) => r.post_status)).toEqual(['posting', 'posting', 'posting']);
    await db.db.updateTable('kudos').set({ post_lease_until: new Date(Date.now() - 60_000) }).execute();
    await db.close();

    const second = startProcess(env());
    await second.next('listening');
    await second.next('published kudos left over by an earlier stop');
    const secondExit = second.exited;
    second.child.kill('SIGTERM');
    expect((await secondExit).code).toBe(0);

    const after = await connectDatabase({ dataDir: dir });
    const final = await after.db.selectFrom('kudos').select(['id', 'post_status', 'post_ts']).orderBy('id').execute();
    await after.close();
    const posts = fake.callsTo('chat.postMessage').filter((c) => c.params.channel === 'C0GENERAL');
    // One post per kudos, all made before the kill; the second process found them and made none.
    expect(posts.map((c) => c.params.metadata.event_payload.kudos_id).sort()).toEqual(final.map((r) => r.id).sort());
    expect(final.map((r) => r.post_status)).toEqual(['posted', 'posted', 'posted']);
    const postedTs = fake.messages.filter((m) => m.channel === 'C0GENERAL').map((m) => m.ts).sort();
    expect(final.map((r) => r.post_ts).sort()).toEqual(postedTs);
  });
});
