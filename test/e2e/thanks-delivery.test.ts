import { giveKudos } from '../../src/core/give';
import { saveSetting } from '../../src/core/settings-store';
import { SlackDirectory } from '../../src/slack/directory';
import { testDatabases } from '../helpers/db';
import { useSlackE2E } from '../helpers/slack-e2e';
import { interaction } from '../helpers/slack-requests';

const channelPosts = (e: ReturnType<typeof useSlackE2E>, channel: string) =>
  e.fake.callsTo('chat.postMessage').filter((c) => c.params.channel === channel);

describe.each(testDatabases())('posting kudos when Slack pushes back, on %s', (kind) => {
  const e = useSlackE2E(kind);
  const kudosRow = () => e.db.db.selectFrom('kudos').selectAll().executeTakeFirstOrThrow();
  const workspaceId = async () => (await e.db.db.selectFrom('workspace').select('id').executeTakeFirstOrThrow()).id;

  it('posts in the configured kudos channel instead of where /thanks was typed', async () => {
    await saveSetting(e.db.db, { workspaceId: await workspaceId(), key: 'kudosChannel', value: 'C0KUDOS', expectedVersion: 0, actorId: null });
    await e.thanks('<@UALICE> for the thorough handover notes');
    expect(channelPosts(e, 'C0KUDOS')).toHaveLength(1);
    expect(channelPosts(e, 'C0GENERAL')).toHaveLength(0);
    expect((await kudosRow()).post_channel_id).toBe('C0KUDOS');
  });

  it('joins a public channel it is not in, then posts', async () => {
    e.fake.fail('chat.postMessage', { error: 'not_in_channel' }, { match: (p) => p.channel === 'C0GENERAL' });
    await e.thanks('<@UALICE> for the thorough handover notes');
    expect(e.fake.callsTo('conversations.join')[0].params.channel).toBe('C0GENERAL');
    expect(channelPosts(e, 'C0GENERAL')).toHaveLength(2);
    expect(await kudosRow()).toMatchObject({ post_status: 'posted', post_channel_id: 'C0GENERAL' });
  });

  it('posts through the response_url in a private channel it cannot join, and tells the giver how to invite it', async () => {
    e.fake.fail('chat.postMessage', { error: 'not_in_channel' }, { match: (p) => p.channel === 'C0SECRET' });
    e.fake.fail('conversations.join', { error: 'method_not_supported_for_channel_type' });
    await e.thanks('<@UALICE> for the thorough handover notes', { channel_id: 'C0SECRET', response_url: e.fake.responseUrl('cmd1') });
    const [post, notice] = e.fake.responses;
    expect(post.body.response_type).toBe('in_channel');
    expect(JSON.stringify(post.body.blocks)).toContain('<@UGIVER> gave kudos to <@UALICE>');
    expect(notice.body.response_type).toBe('ephemeral');
    expect(notice.body.text).toContain('/invite @Kudos');
    expect(await kudosRow()).toMatchObject({ post_status: 'fallback', post_ts: null });
    // The recipient still hears about it.
    expect(channelPosts(e, 'UALICE')).toHaveLength(1);
  });

  it('uses the response_url in a DM the bot is not part of (channel_not_found)', async () => {
    e.fake.fail('chat.postMessage', { error: 'channel_not_found' }, { match: (p) => p.channel === 'D0DM' });
    await e.thanks('<@UALICE> for the thorough handover notes', { channel_id: 'D0DM', response_url: e.fake.responseUrl('dm') });
    expect(e.fake.responses[0].body.response_type).toBe('in_channel');
    expect((await kudosRow()).post_status).toBe('fallback');
  });

  it('comes back after Retry-After when rate limited, then posts', async () => {
    e.fake.fail('chat.postMessage', { status: 429, retryAfter: 7 }, { match: (p) => p.channel === 'C0GENERAL' });
    await e.thanks('<@UALICE> for the thorough handover notes', { response_url: e.fake.responseUrl('c') });
    // Not waited out with the claim held: the kudos is pending again, and the giver knows it is on its way.
    expect(e.app.sleeps).toEqual([]);
    expect((await kudosRow()).post_status).toBe('pending');
    expect(e.fake.responses.at(-1)!.body.text).toContain('slow down');
    e.advance(5_000);
    expect(await e.app.kudos.slack!.publishLeftovers()).toBe(0);
    e.advance(3_000);
    expect(await e.app.kudos.slack!.publishLeftovers()).toBe(1);
    expect(channelPosts(e, 'C0GENERAL')).toHaveLength(2);
    expect((await kudosRow()).post_status).toBe('posted');
  });

  it('keeps the kudos when Slack keeps failing, and tells the giver it still counts', async () => {
    e.fake.fail('chat.postMessage', { status: 503 }, { times: 10, match: (p) => p.channel === 'C0GENERAL' });
    const res = await e.thanks('<@UALICE> for the thorough handover notes', { response_url: e.fake.responseUrl('c') });
    expect(res.json.text).toContain('Kudos sent');
    // No answer means the post may exist: the claim stays for the sweep, which looks for it before posting.
    expect(await kudosRow()).toMatchObject({ post_status: 'posting', revoked_at: null });
    expect(e.fake.responses.at(-1)!.body.text).toContain('recorded and counts');
  });

  it('still records a kudos between people it knows when users.info is down', async () => {
    await e.thanks('<@UCAROL> for the thorough handover notes', { user_id: 'UBOB' });
    // A day later both profiles are due for a refresh, and Slack cannot be asked: what is known is used.
    e.advance(25 * 60 * 60 * 1000);
    e.fake.fail('users.info', { status: 500 }, { times: 50 });
    const res = await e.thanks('<@UCAROL> for the second handover, just as thorough', { user_id: 'UBOB' });
    expect(res.json.text).toContain('Kudos sent');
    expect(await e.count('kudos')).toBe(2);
  });

  it('skips a recipient whose account is inactive for the DM, and DMs the others', async () => {
    e.fake.fail('chat.postMessage', { error: 'account_inactive' }, { match: (p) => p.channel === 'UALICE' });
    await e.thanks('<@UALICE> <@UBOB> for the thorough handover notes');
    expect(channelPosts(e, 'UBOB')).toHaveLength(1);
    expect(await e.count('kudos')).toBe(1);
  });

  it('retries a DM Slack would not take just now from the outbox, once, and owes nothing after', async () => {
    e.fake.fail('chat.postMessage', { status: 503 }, { match: (p) => p.channel === 'UALICE' });
    await e.thanks('<@UALICE> <@UBOB> for the thorough handover notes');
    expect(channelPosts(e, 'UBOB')).toHaveLength(1);
    expect(channelPosts(e, 'UALICE')).toHaveLength(1); // the refused attempt
    const kudos = await kudosRow();
    expect(kudos).toMatchObject({ post_status: 'posted', dms_due_at: null });
    await e.app.kudos.slack!.flushDms();
    expect(channelPosts(e, 'UALICE')).toHaveLength(2);
    // Bob's DM went out with the post: neither the outbox nor the owed DMs send it again.
    e.advance(5 * 60_000);
    await e.app.kudos.slack!.flushDms();
    expect(channelPosts(e, 'UALICE')).toHaveLength(2);
    expect(channelPosts(e, 'UBOB')).toHaveLength(1);
  });

  it('sends no DM to someone who turned DMs off', async () => {
    await e.thanks('<@UCAROL> for a first kudos that creates her profile');
    await e.db.db.updateTable('person').set({ dm_enabled: false }).where('external_id', '=', 'UCAROL').execute();
    e.fake.reset();
    await e.thanks('<@UCAROL> for a second kudos she will not be pinged about');
    expect(channelPosts(e, 'UCAROL')).toHaveLength(0);
    expect(channelPosts(e, 'C0GENERAL')).toHaveLength(1);
  });
});

describe.each(testDatabases())('the give-kudos modal on %s', (kind) => {
  const e = useSlackE2E(kind);

  const submission = (over: { viewId?: string; recipients?: string[]; values?: string[]; message?: string; channel?: string; responseUrl?: string }) =>
    interaction({
      type: 'view_submission',
      team: { id: 'T0001', domain: 'acme' },
      user: { id: 'UGIVER', username: 'gina', name: 'gina', team_id: 'T0001' },
      api_app_id: 'A0KUDOS',
      trigger_id: '1.2.3',
      view: {
        id: over.viewId ?? 'V0MODAL1',
        type: 'modal',
        callback_id: 'give_kudos_modal',
        private_metadata: JSON.stringify({ channelId: 'C0GENERAL', source: 'modal' }),
        hash: 'h',
        state: {
          values: {
            recipients: { input: { type: 'multi_users_select', selected_users: over.recipients ?? ['UALICE'] } },
            values: { input: { type: 'multi_static_select', selected_options: (over.values ?? []).map((v) => ({ text: { type: 'plain_text', text: v }, value: v })) } },
            message: { input: { type: 'plain_text_input', value: over.message ?? 'for walking me through the billing system' } },
            channel: { input: { type: 'conversations_select', selected_conversation: over.channel ?? 'C0GENERAL' } },
          },
        },
      },
      response_urls: over.responseUrl ? [{ block_id: 'channel', action_id: 'input', channel_id: over.channel ?? 'C0GENERAL', response_url: over.responseUrl }] : [],
    });

  it('gives the kudos on submit, posts it in the chosen channel and confirms to the giver', async () => {
    const res = await e.post(submission({ values: ['knowledge'], channel: 'C0RANDOM' }));
    expect(res.status).toBe(200);
    expect(res.text).toBe('');
    const post = channelPosts(e, 'C0RANDOM')[0];
    expect(JSON.stringify(post.params.blocks)).toContain(':books: *Knowledge*');
    const eph = e.fake.callsTo('chat.postEphemeral')[0];
    expect(eph.params).toMatchObject({ channel: 'C0RANDOM', user: 'UGIVER' });
    expect(eph.params.text).toContain('Kudos sent to <@UALICE>');
    expect(await e.db.db.selectFrom('kudos').select('source').executeTakeFirstOrThrow()).toEqual({ source: 'modal' });
  });

  it('shows inline field errors and records nothing', async () => {
    const res = await e.post(submission({ recipients: ['UGIVER'], message: 'hey' }));
    expect(res.json.response_action).toBe('errors');
    expect(Object.keys(res.json.errors).sort()).toEqual(['message', 'recipients']);
    expect(res.json.errors.recipients).toContain("can't give kudos to yourself");
    expect(res.json.errors.message).toContain('at least 10 characters');
    expect(await e.count('kudos')).toBe(0);
  });

  it('records a resubmitted view once', async () => {
    await e.post(submission({ viewId: 'V0SAME' }));
    await e.post(submission({ viewId: 'V0SAME' }));
    expect(await e.count('kudos')).toBe(1);
    expect(channelPosts(e, 'C0GENERAL')).toHaveLength(1);
  });

  it('posts through the modal\'s response_url where the bot is not a member', async () => {
    e.fake.fail('chat.postMessage', { error: 'channel_not_found' }, { match: (p) => p.channel === 'C0PRIVATE' });
    await e.post(submission({ channel: 'C0PRIVATE', responseUrl: e.fake.responseUrl('modal') }));
    expect(e.fake.responses[0].body.response_type).toBe('in_channel');
    const ws = await e.db.db.selectFrom('kudos').select('post_status').executeTakeFirstOrThrow();
    expect(ws.post_status).toBe('fallback');
  });
});

describe.each(testDatabases())('kudos left unposted by a stop between the ack and the post, on %s', (kind) => {
  const e = useSlackE2E(kind);

  it('are posted (once) by the sweep, with their DMs', async () => {
    // What a stop right after the ack leaves: the kudos recorded, its post never attempted.
    const ws = await e.db.db.selectFrom('workspace').selectAll().executeTakeFirstOrThrow();
    const given = await giveKudos({ db: e.db.db, directory: new SlackDirectory(e.app.kudos.slack!.api), clock: () => new Date(Date.now() - 10 * 60_000) }, ws, {
      workspaceId: ws.id,
      giver: 'UGIVER',
      recipients: ['UALICE'],
      message: 'for the handover before the outage',
      values: [],
      source: 'command',
      sourceKey: 'slack:cmd:lost-in-a-restart',
      channelId: 'C0GENERAL',
      notifyBatchMs: 0,
    });
    expect(given.status).toBe('given');
    e.fake.reset();

    expect(await e.app.kudos.slack!.publishLeftovers()).toBe(1);
    expect(channelPosts(e, 'C0GENERAL')).toHaveLength(1);
    // The recipient's DM was queued with the kudos: the outbox sends it.
    await e.app.kudos.slack!.flushDms();
    expect(channelPosts(e, 'UALICE')).toHaveLength(1);
    expect(await e.db.db.selectFrom('kudos').select('post_status').executeTakeFirstOrThrow()).toEqual({ post_status: 'posted' });
    expect(await e.app.kudos.slack!.publishLeftovers()).toBe(0);
    expect(channelPosts(e, 'C0GENERAL')).toHaveLength(1);
  });

  it('leave a kudos that is just slow to post alone', async () => {
    await e.thanks('<@UALICE> for a kudos posted the normal way');
    expect(await e.app.kudos.slack!.publishLeftovers()).toBe(0);
    expect(channelPosts(e, 'C0GENERAL')).toHaveLength(1);
  });
});
