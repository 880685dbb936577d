import { testDatabases } from '../helpers/db';
import { useSlackE2E } from '../helpers/slack-e2e';
import { eventEnvelope, nextEventTs, postSigned, reactionEvent } from '../helpers/slack-requests';

describe.each(testDatabases())('emoji reactions as kudos on %s', (kind) => {
  const e = useSlackE2E(kind);
  const send = (event: Record<string, unknown>, opts: Parameters<typeof eventEnvelope>[1] = {}, headers?: Record<string, string>) =>
    e.post(JSON.stringify(eventEnvelope(event, opts)), { contentType: 'application/json', headers });
  const add = (f: Parameters<typeof reactionEvent>[1]) => send(reactionEvent('reaction_added', f));
  const remove = (f: Parameters<typeof reactionEvent>[1]) => send(reactionEvent('reaction_removed', f));
  const kudos = () => e.db.db.selectFrom('kudos').selectAll().orderBy('id').execute();
  const counting = async () => (await kudos()).filter((k) => !k.revoked_at);

  it('turns a kudos emoji on a message into a kudos from the reactor to the author', async () => {
    const res = await add({ user: 'UBOB', reaction: 'clap', itemUser: 'UALICE', channel: 'C0GENERAL', ts: '1700000000.000200' });
    expect(res.status).toBe(200);
    const [k] = await kudos();
    expect(k).toMatchObject({ source: 'reaction', channel_id: 'C0GENERAL', message_ts: '1700000000.000200', emoji: 'clap', revoked_at: null });
    expect(k.permalink).toBe('https://acme.slack.com/archives/C0GENERAL/p1700000000000200');
    const r = await e.db.db.selectFrom('kudos_recipient').innerJoin('person', 'person.id', 'kudos_recipient.recipient_id').select('external_id').execute();
    expect(r).toEqual([{ external_id: 'UALICE' }]);
    // No history reads, no permalink calls: the reference is stored as it came.
    expect(e.fake.callsTo('conversations.history')).toHaveLength(0);
    expect(e.fake.callsTo('chat.getPermalink')).toHaveLength(0);
  });

  it("tags the kudos with the value whose emoji was used", async () => {
    await add({ user: 'UBOB', reaction: 'muscle', itemUser: 'UALICE' });
    const v = await e.db.db.selectFrom('kudos_value').innerJoin('value', 'value.id', 'kudos_value.value_id').select('slug').execute();
    expect(v).toEqual([{ slug: 'ownership' }]);
  });

  it('counts a skin-tone variant as its base emoji', async () => {
    await add({ user: 'UBOB', reaction: 'clap::skin-tone-4', itemUser: 'UALICE' });
    expect(await counting()).toHaveLength(1);
  });

  it('revokes the kudos when the reaction is removed, at any time, and returns the allowance', async () => {
    const ts = '1700000000.000300';
    await add({ user: 'UBOB', reaction: 'clap', ts });
    e.advance(3 * 24 * 3600_000);
    await remove({ user: 'UBOB', reaction: 'clap', ts });
    const [k] = await kudos();
    expect(k.revoked_reason).toBe('reaction_removed');
    const usage = await e.db.db.selectFrom('allowance_usage').select('used').execute();
    expect(usage.every((u) => u.used === 0)).toBe(true);
  });

  it('counts added, removed and added again once', async () => {
    const ts = '1700000000.000400';
    await add({ user: 'UBOB', reaction: 'clap', ts });
    await remove({ user: 'UBOB', reaction: 'clap', ts });
    await add({ user: 'UBOB', reaction: 'clap', ts });
    expect(await counting()).toHaveLength(1);
    expect(await kudos()).toHaveLength(2); // the withdrawn one stays, as a record
  });

  it('ends with nothing counted when the removal is processed before the addition', async () => {
    const ts = '1700000000.000500';
    const addedAt = nextEventTs();
    const removedAt = nextEventTs();
    await remove({ user: 'UBOB', reaction: 'clap', ts, eventTs: removedAt });
    await add({ user: 'UBOB', reaction: 'clap', ts, eventTs: addedAt });
    expect(await kudos()).toHaveLength(0);
  });

  it('records one kudos when Slack re-delivers an event three times', async () => {
    const envelope = eventEnvelope(reactionEvent('reaction_added', { user: 'UBOB', reaction: 'clap' }));
    const body = JSON.stringify(envelope);
    for (const n of ['', '1', '2', '3']) {
      const res = await e.post(body, { contentType: 'application/json', headers: n ? { 'x-slack-retry-num': n, 'x-slack-retry-reason': 'http_timeout' } : {} });
      expect(res.status).toBe(200);
    }
    expect(await kudos()).toHaveLength(1);
    expect(await e.count('event_inbox')).toBe(1);
  });

  it('records one kudos for duplicates that arrive with new event ids', async () => {
    const event = reactionEvent('reaction_added', { user: 'UBOB', reaction: 'clap' });
    await send(event, { eventId: 'Ev0DUP1' });
    await send(event, { eventId: 'Ev0DUP2' });
    expect(await kudos()).toHaveLength(1);
  });

  it('records one kudos when the same event arrives 11 times at once', async () => {
    const body = JSON.stringify(eventEnvelope(reactionEvent('reaction_added', { user: 'UBOB', reaction: 'clap' })));
    const results = await Promise.all(Array.from({ length: 11 }, () => postSigned(e.app.url, body, { contentType: 'application/json' })));
    await e.idle();
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(await kudos()).toHaveLength(1);
  });

  it('records one kudos when 11 copies with different event ids arrive at once', async () => {
    const event = reactionEvent('reaction_added', { user: 'UBOB', reaction: 'clap' });
    await Promise.all(
      Array.from({ length: 11 }, (_, i) => postSigned(e.app.url, JSON.stringify(eventEnvelope(event, { eventId: `Ev0BURST${i}` })), { contentType: 'application/json' })),
    );
    await e.idle();
    expect(await counting()).toHaveLength(1);
  });

  it.each([
    ['a self-reaction', { user: 'UALICE', reaction: 'clap', itemUser: 'UALICE' }],
    ['an emoji that is not a kudos emoji', { user: 'UBOB', reaction: 'eyes', itemUser: 'UALICE' }],
    ['a reaction on a file', { user: 'UBOB', reaction: 'clap', itemType: 'file' as const }],
    ['a reaction in a DM with the bot', { user: 'UBOB', reaction: 'clap', channel: 'D0KUDOS' }],
    ['a reaction by a bot', { user: 'UROBOT', reaction: 'clap', itemUser: 'UALICE' }],
    ["a reaction on a bot's message", { user: 'UBOB', reaction: 'clap', itemUser: 'UROBOT' }],
    ['a reaction on a message whose author is unknown', { user: 'UBOB', reaction: 'clap', itemUser: null }],
    ['a reaction on a deactivated person\'s message', { user: 'UBOB', reaction: 'clap', itemUser: 'UGONE' }],
    ["a reaction on the bot's posts that are not kudos (digest, reminder)", { user: 'UBOB', reaction: 'clap', itemUser: 'UKUDOSBOT', ts: '1690000000.000001' }],
  ])('ignores %s silently', async (_case, f) => {
    await add(f);
    expect(await kudos()).toHaveLength(0);
    expect(e.fake.callsTo('chat.postMessage')).toHaveLength(0);
    expect(e.fake.callsTo('chat.postEphemeral')).toHaveLength(0);
  });

  describe('pile-ons on a kudos post', () => {
    const postOfLastKudos = async () => {
      const k = await e.db.db.selectFrom('kudos').select(['id', 'post_channel_id', 'post_ts']).where('source', '=', 'command').executeTakeFirstOrThrow();
      return { id: k.id, channel: k.post_channel_id!, ts: k.post_ts! };
    };

    it("adds the reactor's +1 to the same recipients with the same values, whatever the emoji", async () => {
      await e.thanks('<@UALICE> <@UBOB> for rescuing the release #ownership');
      const post = await postOfLastKudos();
      await add({ user: 'UCAROL', reaction: 'heart_eyes', itemUser: 'UKUDOSBOT', channel: post.channel, ts: post.ts });
      const pile = await e.db.db.selectFrom('kudos').selectAll().where('source', '=', 'pileon').executeTakeFirstOrThrow();
      expect(pile.parent_id).toBe(post.id);
      const recipients = await e.db.db
        .selectFrom('kudos_recipient')
        .innerJoin('person', 'person.id', 'kudos_recipient.recipient_id')
        .select('external_id')
        .where('kudos_id', '=', pile.id)
        .orderBy('external_id')
        .execute();
      expect(recipients.map((r) => r.external_id)).toEqual(['UALICE', 'UBOB']);
      const values = await e.db.db.selectFrom('kudos_value').innerJoin('value', 'value.id', 'kudos_value.value_id').select('slug').where('kudos_id', '=', pile.id).execute();
      expect(values).toEqual([{ slug: 'ownership' }]);
    });

    it('is one pile-on per reactor, lasting while any of their reactions remains', async () => {
      await e.thanks('<@UALICE> for rescuing the release');
      const post = await postOfLastKudos();
      const on = { user: 'UCAROL', itemUser: 'UKUDOSBOT', channel: post.channel, ts: post.ts };
      await add({ ...on, reaction: 'clap' });
      await add({ ...on, reaction: 'tada' });
      let piles = await e.db.db.selectFrom('kudos').select('revoked_at').where('source', '=', 'pileon').execute();
      expect(piles.filter((p) => !p.revoked_at)).toHaveLength(1);
      await remove({ ...on, reaction: 'clap' });
      piles = await e.db.db.selectFrom('kudos').select('revoked_at').where('source', '=', 'pileon').execute();
      expect(piles.filter((p) => !p.revoked_at)).toHaveLength(1);
      await remove({ ...on, reaction: 'tada' });
      piles = await e.db.db.selectFrom('kudos').select('revoked_at').where('source', '=', 'pileon').execute();
      expect(piles.filter((p) => !p.revoked_at)).toHaveLength(0);
    });

    it('gives a recipient who piles on to their own kudos nothing, and the others their +1', async () => {
      await e.thanks('<@UALICE> <@UBOB> for rescuing the release');
      const post = await postOfLastKudos();
      await add({ user: 'UBOB', reaction: 'clap', itemUser: 'UKUDOSBOT', channel: post.channel, ts: post.ts });
      const pile = await e.db.db.selectFrom('kudos').select('id').where('source', '=', 'pileon').executeTakeFirstOrThrow();
      const recipients = await e.db.db.selectFrom('kudos_recipient').innerJoin('person', 'person.id', 'recipient_id').select('external_id').where('kudos_id', '=', pile.id).execute();
      expect(recipients).toEqual([{ external_id: 'UALICE' }]);
    });
  });

  it('tells a reactor out of allowance once a day, not once per reaction', async () => {
    for (let i = 0; i < 7; i++) await add({ user: 'UBOB', reaction: 'clap', ts: `1700000100.00000${i}` });
    expect(await counting()).toHaveLength(5);
    const notices = e.fake.callsTo('chat.postEphemeral');
    expect(notices).toHaveLength(1);
    expect(notices[0].params.user).toBe('UBOB');
    expect(notices[0].params.text).toContain("You've given all 5 of today's kudos");
    e.advance(24 * 3600_000);
    await add({ user: 'UBOB', reaction: 'clap', ts: '1700000200.000001' });
    for (let i = 0; i < 5; i++) await add({ user: 'UBOB', reaction: 'clap', ts: `1700000300.00000${i}` });
    expect(e.fake.callsTo('chat.postEphemeral')).toHaveLength(2);
    // Every delivery ends processed: those the ledger took with their write, the refused ones after the notice.
    const open = await e.db.db.selectFrom('event_inbox').select('id').where('processed_at', 'is', null).execute();
    expect(open).toEqual([]);
    expect(await e.count('event_inbox')).toBe(13);
  });

  it('sends the recipient one DM for ten reactions in a minute', async () => {
    for (let i = 0; i < 10; i++) await add({ user: ['UBOB', 'UCAROL', 'UADMIN', 'UGIVER'][i % 4], reaction: 'clap', ts: `1700000400.00000${i}` });
    await e.app.kudos.slack!.flushDms();
    expect(e.fake.callsTo('chat.postMessage')).toHaveLength(0); // not due yet
    e.advance(61_000);
    await e.app.kudos.slack!.flushDms();
    const dms = e.fake.callsTo('chat.postMessage').filter((c) => c.params.channel === 'UALICE');
    expect(dms).toHaveLength(1);
    expect(JSON.stringify(dms[0].params.blocks)).toContain('You received 10 kudos!');
    await e.app.kudos.slack!.flushDms();
    expect(e.fake.callsTo('chat.postMessage')).toHaveLength(1);
  });

  it('sends no reaction DM to someone who turned DMs off, and leaves out withdrawn kudos', async () => {
    await add({ user: 'UBOB', reaction: 'clap', ts: '1700000500.000001' });
    await add({ user: 'UCAROL', reaction: 'clap', ts: '1700000500.000002', itemUser: 'UBOB' });
    await remove({ user: 'UCAROL', reaction: 'clap', ts: '1700000500.000002', itemUser: 'UBOB' });
    await e.db.db.updateTable('person').set({ dm_enabled: false }).where('external_id', '=', 'UALICE').execute();
    e.advance(61_000);
    await e.app.kudos.slack!.flushDms();
    expect(e.fake.callsTo('chat.postMessage')).toHaveLength(0);
  });

  it('processes an event that was acknowledged but not processed before a crash', async () => {
    // What a crash between the ack and the processing leaves behind: a stored event whose lease ran out.
    const envelope = eventEnvelope(reactionEvent('reaction_added', { user: 'UBOB', reaction: 'clap' }));
    const ws = await e.db.db.selectFrom('workspace').select('id').executeTakeFirstOrThrow();
    await e.db.db
      .insertInto('event_inbox')
      .values({ platform: 'slack', delivery_id: String(envelope.event_id), workspace_id: ws.id, body: JSON.stringify(envelope), received_at: new Date(Date.now() - 5 * 60_000), locked_until: new Date(Date.now() - 60_000) })
      .execute();
    expect(await e.app.kudos.slack!.sweepInbox()).toBe(1);
    expect(await kudos()).toHaveLength(1);
    const row = await e.db.db.selectFrom('event_inbox').select(['processed_at', 'attempts']).executeTakeFirstOrThrow();
    expect(row.processed_at).not.toBeNull();
    // A later delivery of the same event is a no-op.
    await e.post(JSON.stringify(envelope), { contentType: 'application/json', headers: { 'x-slack-retry-num': '2' } });
    expect(await kudos()).toHaveLength(1);
  });

  it('attributes a Slack Connect event (the other org at top level) to the installed workspace', async () => {
    e.fake.addUser({ id: 'UEXTERNAL', name: 'partner', team_id: 'T0PARTNER' });
    await send(
      { ...reactionEvent('reaction_added', { user: 'UEXTERNAL', reaction: 'clap', itemUser: 'UALICE' }), user_team: 'T0PARTNER', item_user_team: 'T0001' },
      {
        teamId: 'T0PARTNER',
        authorizations: [{ enterprise_id: null, team_id: 'T0001', user_id: 'UKUDOSBOT', is_bot: true, is_enterprise_install: false }],
        extra: { is_ext_shared_channel: true, context_team_id: 'T0PARTNER' },
      },
    );
    const [k] = await kudos();
    const ws = await e.db.db.selectFrom('workspace').select(['id', 'external_id']).executeTakeFirstOrThrow();
    expect(k.workspace_id).toBe(ws.id);
    expect(ws.external_id).toBe('T0001');
  });

  it('opens the modal from the message shortcut, prefilled with the author and a link, and posts in the thread', async () => {
    const payload = {
      type: 'message_action',
      callback_id: 'give_kudos_shortcut',
      trigger_id: '13345224609.738474920.8088930838d88f008e0',
      action_ts: '1700000600.000001',
      response_url: e.fake.responseUrl('shortcut'),
      team: { id: 'T0001', domain: 'acme' },
      channel: { id: 'C0GENERAL', name: 'general' },
      user: { id: 'UBOB', name: 'bob', team_id: 'T0001' },
      message_ts: '1700000600.000100',
      message: { type: 'message', user: 'UALICE', ts: '1700000600.000100', text: 'Fixed the refund flow, finally!' },
    };
    const res = await e.post(new URLSearchParams({ payload: JSON.stringify(payload) }).toString());
    expect(res.status).toBe(200);
    const open = e.fake.callsTo('views.open')[0];
    const view = open.params.view;
    expect(view.blocks.find((b: any) => b.block_id === 'recipients').element.initial_users).toEqual(['UALICE']);
    expect(JSON.stringify(view.blocks)).toContain('https://acme.slack.com/archives/C0GENERAL/p1700000600000100');
    expect(view.blocks.find((b: any) => b.block_id === 'channel')).toBeUndefined();
    const meta = JSON.parse(view.private_metadata);

    const submission = {
      type: 'view_submission',
      team: { id: 'T0001', domain: 'acme' },
      user: { id: 'UBOB', username: 'bob', name: 'bob', team_id: 'T0001' },
      view: {
        id: 'V0SHORTCUT',
        type: 'modal',
        callback_id: 'give_kudos_modal',
        private_metadata: view.private_metadata,
        state: {
          values: {
            recipients: { input: { type: 'multi_users_select', selected_users: ['UALICE'] } },
            values: { input: { type: 'multi_static_select', selected_options: [] } },
            message: { input: { type: 'plain_text_input', value: 'for finally fixing the refund flow' } },
          },
        },
      },
      response_urls: [],
    };
    await e.post(new URLSearchParams({ payload: JSON.stringify(submission) }).toString());
    const post = e.fake.callsTo('chat.postMessage').find((c) => c.params.channel === 'C0GENERAL')!;
    expect(post.params.thread_ts).toBe(meta.threadTs);
    expect(post.params.thread_ts).toBe('1700000600.000100');
    const [k] = await kudos();
    expect(k).toMatchObject({ source: 'shortcut', message_ts: '1700000600.000100', permalink: 'https://acme.slack.com/archives/C0GENERAL/p1700000600000100' });
  });
});
