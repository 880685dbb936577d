import { saveSetting } from '../../src/core/settings-store';
import { createTestDb, testDatabases, type TestDb } from '../helpers/db';
import { startTestApp, type TestApp } from '../helpers/app';
import { FakeSlack } from '../helpers/fake-slack';
import { useSlackE2E } from '../helpers/slack-e2e';
import { interaction, postSigned } from '../helpers/slack-requests';
import { formState, state, viewSubmission, viewText, type SentView } from '../helpers/slack-views';

/**
 * "Give kudos" from a message's menu, from the signed message_action to where the kudos lands: the form says
 * where it will be posted, the post is made there, and the giver's confirmation says where it went. Without a
 * kudos channel that is the message's thread; with one, the kudos channel, with a link to the message.
 */

const TEAM = { id: 'T0001', domain: 'acme' };
const MESSAGE_TS = '1700000600.000100';
const PERMALINK = `https://acme.slack.com/archives/C0GENERAL/p${MESSAGE_TS.replace('.', '')}`;

/** A message_action payload as Slack sends it for the "Give kudos" shortcut on Alice's message. */
function messageAction(opts: { channel?: string; message?: Record<string, unknown> } = {}): string {
  const message = opts.message ?? { type: 'message', user: 'UALICE', ts: MESSAGE_TS, text: 'Fixed the refund flow, finally!' };
  return interaction({
    type: 'message_action',
    token: 'XXYYZZ',
    callback_id: 'give_kudos_shortcut',
    trigger_id: '13345224609.738474920.8088930838d88f008e0',
    action_ts: '1700000600.000001',
    response_url: 'https://hooks.slack.com/app/T0001/1/shortcut',
    team: TEAM,
    channel: { id: opts.channel ?? 'C0GENERAL', name: 'general' },
    user: { id: 'UBOB', name: 'bob', team_id: TEAM.id },
    message_ts: message.ts,
    message,
  });
}

describe.each(testDatabases())('"Give kudos" on a message: where the kudos is posted, on %s', (kind) => {
  const e = useSlackE2E(kind);
  const workspaceId = async () => (await e.db.db.selectFrom('workspace').select('id').executeTakeFirstOrThrow()).id;
  const setKudosChannel = async (channel: string) =>
    saveSetting(e.db.db, { workspaceId: await workspaceId(), key: 'kudosChannel', value: channel, expectedVersion: 0, actorId: null });
  const kudosPosts = () => e.fake.callsTo('chat.postMessage').filter((c) => !String(c.params.channel).startsWith('U'));
  const confirmations = () => e.fake.callsTo('chat.postEphemeral').filter((c) => c.params.user === 'UBOB');

  /** Opens the form from the shortcut; returns the view Slack was asked to open. */
  async function openForm(action = messageAction()): Promise<SentView> {
    const res = await e.post(action);
    expect(res.status).toBe(200);
    const opened = e.fake.callsTo('views.open');
    expect(opened).toHaveLength(1);
    return opened[0].params.view as SentView;
  }

  /** The form submitted as filled in by Bob: Alice (prefilled) and a message. */
  const submission = (view: SentView, id = 'V0SHORTCUT') =>
    viewSubmission({ userId: 'UBOB', view, id, values: formState(view, { message: state.text('for finally fixing the refund flow') }) });

  it('without a kudos channel: the form says the thread, the kudos goes in the thread, and the confirmation says so', async () => {
    const view = await openForm();
    const form = viewText(view);
    expect(form).toContain(`For <${PERMALINK}|this message>.`);
    expect(form).toContain("Kudos will be posted in this message's thread.");
    expect(view.blocks.find((b) => b.block_id === 'channel')).toBeUndefined();

    const res = await e.post(submission(view));
    expect(res.status).toBe(200);
    expect(res.text).toBe('');
    const posts = kudosPosts();
    expect(posts).toHaveLength(1);
    expect(posts[0].params).toMatchObject({ channel: 'C0GENERAL', thread_ts: MESSAGE_TS });
    const row = await e.db.db.selectFrom('kudos').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ source: 'shortcut', channel_id: 'C0GENERAL', message_ts: MESSAGE_TS, permalink: PERMALINK, post_status: 'posted', post_channel_id: 'C0GENERAL' });

    const [confirm] = confirmations();
    expect(confirm.params.channel).toBe('C0GENERAL');
    expect(confirm.params.text).toContain('Kudos sent to <@UALICE>!');
    const postTs = String(row.post_ts).replace('.', '');
    expect(confirm.params.text).toContain(
      `<https://acme.slack.com/archives/C0GENERAL/p${postTs}?thread_ts=${MESSAGE_TS}&cid=C0GENERAL|Your kudos> is posted in the message's thread.`,
    );
    expect(confirm.params.text).not.toContain('<#');
  });

  it('a reply in a thread: the kudos goes in that same thread', async () => {
    const reply = { type: 'message', user: 'UALICE', ts: '1700000700.000200', thread_ts: MESSAGE_TS, text: 'Done, the export works again' };
    const view = await openForm(messageAction({ message: reply }));
    expect(viewText(view)).toContain("Kudos will be posted in this message's thread.");
    await e.post(submission(view));
    expect(kudosPosts().map((p) => [p.params.channel, p.params.thread_ts])).toEqual([['C0GENERAL', MESSAGE_TS]]);
  });

  it('with a kudos channel: the form names it, the kudos goes there with a link to the message, and the confirmation names it', async () => {
    await setKudosChannel('C0KUDOS');
    const view = await openForm();
    const form = viewText(view);
    expect(form).toContain('Kudos will be posted in <#C0KUDOS>, with a link to this message.');
    expect(form).not.toContain('thread');

    await e.post(submission(view));
    const posts = kudosPosts();
    expect(posts).toHaveLength(1);
    expect(posts[0].params.channel).toBe('C0KUDOS');
    expect(posts[0].params.thread_ts).toBeUndefined();
    expect(JSON.stringify(posts[0].params.blocks)).toContain(`For <${PERMALINK}|this message>`);
    const row = await e.db.db.selectFrom('kudos').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ channel_id: 'C0GENERAL', post_status: 'posted', post_channel_id: 'C0KUDOS' });

    // Told where they are (the message's channel), not in the kudos channel they may not be looking at.
    const [confirm] = confirmations();
    expect(confirm.params.channel).toBe('C0GENERAL');
    const postTs = String(row.post_ts).replace('.', '');
    expect(confirm.params.text).toContain(
      `<https://acme.slack.com/archives/C0KUDOS/p${postTs}|Your kudos> is posted in <#C0KUDOS>, with a link to the message.`,
    );
    expect(confirm.params.text).not.toContain('thread');
  });

  it('the shortcut on a message in the kudos channel itself: the kudos goes in its thread, as the form says', async () => {
    await setKudosChannel('C0KUDOS');
    const view = await openForm(messageAction({ channel: 'C0KUDOS' }));
    expect(viewText(view)).toContain("Kudos will be posted in this message's thread.");
    await e.post(submission(view));
    expect(kudosPosts().map((p) => [p.params.channel, p.params.thread_ts])).toEqual([['C0KUDOS', MESSAGE_TS]]);
  });

  it.each([
    ['without a kudos channel', null, 'C0GENERAL'],
    ['with a kudos channel', 'C0KUDOS', 'C0KUDOS'],
  ])('%s, a replayed submission posts nothing more and records nothing more', async (_label, channel, postedIn) => {
    if (channel) await setKudosChannel(channel);
    const view = await openForm();
    const body = submission(view, 'V0REPLAYED');
    await e.post(body);
    expect(kudosPosts()).toHaveLength(1);
    expect(kudosPosts()[0].params.channel).toBe(postedIn);
    const dms = e.fake.callsTo('chat.postMessage').length - kudosPosts().length;

    const again = await e.post(body);
    expect(again.status).toBe(200);
    expect(again.text).toBe('');
    expect(kudosPosts()).toHaveLength(1);
    expect(e.fake.callsTo('chat.postMessage').length - kudosPosts().length).toBe(dms);
    expect(confirmations()).toHaveLength(1);
    expect(await e.count('kudos')).toBe(1);
    expect(await e.count('kudos_recipient')).toBe(1);
  });

  it('a kudos channel the bot cannot post in: the kudos counts, and the confirmation says it is not posted and why', async () => {
    await setKudosChannel('C0KUDOS');
    e.fake.fail('chat.postMessage', { error: 'is_archived' }, { match: (p) => p.channel === 'C0KUDOS' });
    const view = await openForm();
    await e.post(submission(view));
    // Not quietly put somewhere else: every kudos goes to the kudos channel, as the admin asked.
    expect(kudosPosts().filter((p) => p.params.channel !== 'C0KUDOS')).toHaveLength(0);
    expect(await e.db.db.selectFrom('kudos').select(['post_status', 'post_channel_id']).executeTakeFirstOrThrow()).toEqual({ post_status: 'failed', post_channel_id: 'C0KUDOS' });
    const [confirm] = confirmations();
    expect(confirm.params.channel).toBe('C0GENERAL');
    expect(confirm.params.text).toContain('Kudos sent to <@UALICE>!');
    expect(confirm.params.text).toContain("I couldn't post it in <#C0KUDOS> (that channel is archived)");
    expect(confirm.params.text).not.toContain('is posted in');
  });

  it('the /thanks form with a kudos channel: names it and offers no other channel', async () => {
    await setKudosChannel('C0KUDOS');
    await e.thanks('');
    const [open] = e.fake.callsTo('views.open');
    const view = open.params.view as SentView;
    expect(viewText(view)).toContain('Kudos will be posted in <#C0KUDOS>, where every kudos goes.');
    expect(view.blocks.find((b) => b.block_id === 'channel')).toBeUndefined();
    await e.post(viewSubmission({ userId: 'UBOB', view, values: formState(view, { recipients: state.users(['UALICE']), message: state.text('for the calm incident call') }) }));
    expect(kudosPosts().map((p) => p.params.channel)).toEqual(['C0KUDOS']);
    expect(confirmations()[0].params).toMatchObject({ channel: 'C0GENERAL' });
    expect(confirmations()[0].params.text).toContain('is posted in <#C0KUDOS>.');
  });
});

describe.each(testDatabases())('"Give kudos" on a message in a workspace whose address Slack did not give, on %s', (kind) => {
  let db: TestDb;
  let fake: FakeSlack;
  let app: TestApp;
  beforeAll(async () => {
    db = await createTestDb(kind);
    fake = await new FakeSlack().start();
    fake.auth = { ...fake.auth, url: undefined };
    fake.addUser({ id: 'UALICE', name: 'alice' }).addUser({ id: 'UBOB', name: 'bob' });
    app = await startTestApp({ db, fake });
  });
  afterAll(async () => {
    await app?.stop();
    await fake?.stop();
    await db?.close();
  });

  it('asks Slack for the links (chat.getPermalink): the form, the post and the confirmation still link', async () => {
    const ws = await db.db.selectFrom('workspace').select('id').executeTakeFirstOrThrow();
    await saveSetting(db.db, { workspaceId: ws.id, key: 'kudosChannel', value: 'C0KUDOS', expectedVersion: 0, actorId: null });
    await postSigned(app.url, messageAction());
    await app.kudos.background.idle();
    expect(fake.callsTo('chat.getPermalink')[0].params).toMatchObject({ channel: 'C0GENERAL', message_ts: MESSAGE_TS });
    const view = fake.callsTo('views.open')[0].params.view as SentView;
    expect(viewText(view)).toContain(`For <${PERMALINK}|this message>. Kudos will be posted in <#C0KUDOS>, with a link to this message.`);

    await postSigned(app.url, viewSubmission({ userId: 'UBOB', view, values: formState(view, { message: state.text('for finally fixing the refund flow') }) }));
    await app.kudos.background.idle();
    const post = fake.callsTo('chat.postMessage').find((c) => c.params.channel === 'C0KUDOS')!;
    expect(JSON.stringify(post.params.blocks)).toContain(`For <${PERMALINK}|this message>`);
    const row = await db.db.selectFrom('kudos').select('post_ts').executeTakeFirstOrThrow();
    const [confirm] = fake.callsTo('chat.postEphemeral');
    expect(confirm.params.text).toContain(`<https://acme.slack.com/archives/C0KUDOS/p${String(row.post_ts).replace('.', '')}|Your kudos> is posted in <#C0KUDOS>`);
    expect(fake.callsTo('chat.getPermalink').map((c) => c.params.channel)).toEqual(['C0GENERAL', 'C0KUDOS']);
  });
});
