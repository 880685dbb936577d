import { testDatabases } from '../helpers/db';
import { cardOf, cardText } from '../helpers/fake-connector';
import { ALICE, BOB, BOT, CAROL, CHANNEL, GINA, GROUP_CHAT, TENANT, channelMessage, groupChatMessage, personalChatId, personalMessage } from '../helpers/teams-activities';
import { useTeamsE2E } from '../helpers/teams-e2e';

describe.each(testDatabases())('Teams messages end to end on %s', (kind) => {
  const e = useTeamsE2E(kind);
  const url = () => e.connector.url;

  it('a mention message gives kudos and posts an Adaptive Card 1.5 kudos card in the thread', async () => {
    const msg = channelMessage(url(), { parts: [BOT, ' thanks ', ALICE, ' for untangling the refund flow #ownership'] });
    const res = await e.send(msg);
    expect(res.status).toBe(200);

    // Posted proactively into the thread (the channel's conversation id with `;messageid=<root>`).
    const [reply] = e.connector.sent();
    expect(reply.conversationId).toBe(msg.conversation.id);
    expect(reply.conversationId).toContain(`;messageid=${msg.id}`);
    const card = cardOf(reply.body);
    expect(card).toMatchObject({ type: 'AdaptiveCard', version: '1.5' });
    expect(cardText(card)).toContain('<at>Gina Giver</at> gave kudos to <at>Alice Archer</at>');
    expect(cardText(card)).toContain('for untangling the refund flow');
    expect(cardText(card)).toContain('💪 **Ownership**');
    expect(card.msteams.entities).toEqual(
      expect.arrayContaining([{ type: 'mention', text: '<at>Alice Archer</at>', mentioned: { id: ALICE.id, name: 'Alice Archer' } }]),
    );

    const ws = await e.db.db.selectFrom('workspace').selectAll().where('platform', '=', 'teams').executeTakeFirstOrThrow();
    expect(ws.external_id).toBe(TENANT);
    const row = await e.db.db.selectFrom('kudos').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      workspace_id: ws.id,
      source: 'teams_message',
      message: 'for untangling the refund flow',
      post_status: 'posted',
      post_channel_id: msg.conversation.id,
      post_ts: reply.newId,
    });
    const people = await e.db.db.selectFrom('person').select(['external_id', 'display_name']).where('workspace_id', '=', ws.id).execute();
    expect(people).toEqual(expect.arrayContaining([{ external_id: ALICE.id, display_name: 'Alice Archer' }, { external_id: GINA.id, display_name: 'Gina Giver' }]));
  });

  it('a message with the bot and two people mentioned thanks both, never the bot', async () => {
    await e.send(channelMessage(url(), { parts: [BOT, ' ', ALICE, ' ', BOB, ' for covering my shift on Friday #collaboration #empathy'] }));
    const row = await e.db.db.selectFrom('kudos').select(['id', 'message']).executeTakeFirstOrThrow();
    expect(row.message).toBe('for covering my shift on Friday');
    const recipients = await e.db.db
      .selectFrom('kudos_recipient')
      .innerJoin('person', 'person.id', 'kudos_recipient.recipient_id')
      .select('person.external_id')
      .where('kudos_id', '=', row.id)
      .execute();
    expect(recipients.map((r) => r.external_id).sort()).toEqual([ALICE.id, BOB.id].sort());
    expect(await e.count('kudos_recipient')).toBe(2);
    const card = cardOf(e.connector.sent()[0].body);
    expect(cardText(card)).toContain('gave kudos to <at>Alice Archer</at> and <at>Bob Baker</at>');
    expect(cardText(card)).not.toContain(BOT.name);
  });

  it('works in a group chat too, and stores the chat as a conversation reference', async () => {
    await e.send(groupChatMessage(url(), { parts: [BOT, ' thanks ', CAROL, ' for the calm release notes'] }));
    expect(await e.count('kudos')).toBe(1);
    expect(e.connector.sent()[0].conversationId).toBe(GROUP_CHAT);
    const ref = await e.db.db.selectFrom('conversation_ref').selectAll().where('conversation_id', '=', GROUP_CHAT).executeTakeFirstOrThrow();
    expect(ref.kind).toBe('groupChat');
  });

  it('a re-delivered activity (same id) records and posts nothing new', async () => {
    const msg = channelMessage(url(), { parts: [BOT, ' thanks ', ALICE, ' for the quick review of my change'] });
    await e.send(msg);
    const again = await e.send(msg);
    expect(again.status).toBe(200);
    expect(await e.count('kudos')).toBe(1);
    expect(await e.count('event_inbox')).toBe(1);
    expect(e.connector.sent()).toHaveLength(1);
  });

  it('tells the giver a refusal in their personal chat, not in the channel', async () => {
    const msg = channelMessage(url(), { parts: [BOT, ' thanks ', GINA, ' for being me'] });
    await e.send(msg);
    expect(await e.count('kudos')).toBe(0);
    const [create] = e.connector.callsOf('create');
    expect(create.body).toMatchObject({ isGroup: false, members: [{ id: GINA.id }], tenantId: TENANT });
    const sent = e.connector.sent();
    expect(sent).toHaveLength(1);
    expect(sent[0].conversationId).toBe(create.newId);
    expect(sent[0].body.text).toContain("can't give kudos to yourself");
    expect(sent.some((c) => c.conversationId === msg.conversation.id)).toBe(false);
    // The new personal chat is remembered for next time.
    const ref = await e.db.db.selectFrom('conversation_ref').selectAll().where('kind', '=', 'personal').executeTakeFirstOrThrow();
    expect(ref.conversation_id).toBe(create.newId);
  });

  it('uses the personal chat it knows, and opens a new one when that one no longer takes messages', async () => {
    await e.send(personalMessage(url(), { parts: ['help'] }));
    e.connector.reset();
    await e.send(channelMessage(url(), { parts: [BOT, ' thanks ', GINA, ' for being me'] }));
    expect(e.connector.sent().map((c) => c.conversationId)).toEqual([personalChatId(GINA)]);
    expect(e.connector.callsOf('create')).toHaveLength(0);

    e.connector.reset();
    e.connector.fail('reply', 403, 'Forbidden', { match: (c) => c.conversationId === personalChatId(GINA) });
    await e.send(channelMessage(url(), { parts: [BOT, ' thanks ', GINA, ' for being me again'] }));
    const [create] = e.connector.callsOf('create');
    expect(e.connector.sent().at(-1)!.conversationId).toBe(create.newId);
  });

  it('lists every problem at once, in Teams words, with names instead of mentions', async () => {
    await e.send(personalMessage(url(), { parts: ['thanks ', ALICE, ' ty #teamwork'] }));
    const [reply] = e.connector.sent();
    expect(reply.conversationId).toBe(personalChatId(GINA));
    expect(reply.body.text).toContain('at least 10 characters');
    expect(reply.body.text).toContain("#teamwork isn't a value here");
    await e.send(personalMessage(url(), { parts: ['for being great'] }));
    expect(e.connector.sent()[1].body.text).toContain('`@Kudos thanks @alex for the quick fix`');
  });

  it('from a personal chat: the card replies there with a confirmation, and the time zone comes from clientInfo', async () => {
    await e.send(personalMessage(url(), { parts: ['thanks ', BOB, ' for pairing on the migration #knowledge'], timezone: 'Europe/Berlin' }));
    const [card, confirm] = e.connector.sent();
    expect(cardText(cardOf(card.body))).toContain('gave kudos to <at>Bob Baker</at>');
    expect(confirm.body.text).toContain('Kudos sent to **Bob Baker**');
    expect(confirm.body.text).toContain('You have 4 of 5 kudos left today.');
    const gina = await e.db.db.selectFrom('person').select('time_zone').where('external_id', '=', GINA.id).executeTakeFirstOrThrow();
    expect(gina.time_zone).toBe('Europe/Berlin');
  });

  it('from a personal chat with a kudos channel set, the card goes to that channel', async () => {
    // The bot learns the channel from a message there first.
    await e.send(channelMessage(url(), { from: CAROL, parts: [BOT, ' help'] }));
    const ws = await e.db.db.selectFrom('workspace').select('id').where('platform', '=', 'teams').executeTakeFirstOrThrow();
    await e.db.db.insertInto('setting').values({ workspace_id: ws.id, key: 'kudosChannel', value: JSON.stringify(CHANNEL.id) }).execute();
    e.connector.reset();
    await e.send(personalMessage(url(), { parts: ['thanks ', ALICE, ' for the onboarding guide #knowledge'] }));
    const [post, confirm] = e.connector.sent();
    expect(post.conversationId).toBe(CHANNEL.id);
    expect(cardText(cardOf(post.body))).toContain('gave kudos to <at>Alice Archer</at>');
    expect(confirm.conversationId).toBe(personalChatId(GINA));
    const row = await e.db.db.selectFrom('kudos').select(['post_channel_id', 'post_ts']).executeTakeFirstOrThrow();
    expect(row).toEqual({ post_channel_id: CHANNEL.id, post_ts: post.newId });
  });

  it('`help` in personal chat explains usage as a card with the values and a Give kudos button', async () => {
    await e.send(personalMessage(url(), { parts: ['help'] }));
    const [reply] = e.connector.sent();
    expect(reply.conversationId).toBe(personalChatId(GINA));
    const card = cardOf(reply.body);
    const text = cardText(card);
    expect(text).toContain('@Kudos thanks @Alex for untangling the refund flow #ownership');
    expect(text).toContain('#quick-response');
    expect(text).toContain('Up to 5 kudos a day');
    expect(text).not.toContain('settings');
    expect(card.actions[0]).toMatchObject({ type: 'Action.Submit', data: { msteams: { type: 'task/fetch' } } });
  });

  it('answers the Bot Framework Emulator (no tenant: its own "emulator" workspace)', async () => {
    const activity = {
      type: 'message',
      id: 'b3a1c2d0-emulator-1',
      channelId: 'emulator',
      serviceUrl: url(),
      timestamp: new Date().toISOString(),
      from: { id: 'f1c2d3e4-user', name: 'User', role: 'user' },
      recipient: { id: 'a9b8c7d6-bot', name: 'Bot', role: 'bot' },
      conversation: { id: 'c0ffee00-emulator-conversation|livechat' },
      text: 'help',
      textFormat: 'plain',
      locale: 'en-US',
    };
    const res = await e.send(activity);
    expect(res.status).toBe(200);
    const [reply] = e.connector.sent();
    expect(reply.conversationId).toBe(activity.conversation.id);
    expect(cardText(cardOf(reply.body))).toContain('**Give kudos**');
    const ws = await e.db.db.selectFrom('workspace').select('external_id').where('platform', '=', 'teams').where('external_id', '=', 'emulator').executeTakeFirst();
    expect(ws).toBeDefined();
  });

  it('`stats` in personal chat shows given and received, this week and all time, and the allowance left', async () => {
    // Channel messages carry no time zone; a personal chat tells us Gina's. Learn it first, so that "today" is
    // her day both when she gives and when she asks (whatever the hour this test runs at).
    await e.send(personalMessage(url(), { parts: ['help'] }));
    await e.send(channelMessage(url(), { parts: [BOT, ' thanks ', ALICE, ' ', BOB, ' for the quarterly report'] }));
    await e.send(channelMessage(url(), { from: ALICE, parts: [BOT, ' thanks ', GINA, ' for the thoughtful code review'] }));
    e.connector.reset();
    await e.send(personalMessage(url(), { parts: ['stats'] }));
    const [reply] = e.connector.sent();
    const text = cardText(cardOf(reply.body));
    expect(text).toContain('**This week**');
    expect(text).toContain('Given: 2\n\nReceived: 1');
    expect(text).toContain('You have 3 of 5 kudos left today.');
  });

  it('`stats` asked in a channel is answered privately', async () => {
    await e.send(channelMessage(url(), { parts: [BOT, ' stats'] }));
    const [reply] = e.connector.sent();
    expect(reply.conversationId).toMatch(/^a:personal-/);
    expect(cardText(cardOf(reply.body))).toContain('**Your kudos**');
  });

  it('`undo` withdraws the last kudos, redraws its card and returns the allowance', async () => {
    const msg = channelMessage(url(), { parts: [BOT, ' thanks ', ALICE, ' for covering the on-call shift'] });
    await e.send(msg);
    const card = e.connector.sent()[0];
    await e.send(personalMessage(url(), { parts: ['undo'] }));
    const [update] = e.connector.callsOf('update');
    expect(update.conversationId).toBe(msg.conversation.id);
    expect(update.activityId).toBe(card.newId);
    expect(cardText(cardOf(update.body))).toContain('Withdrawn by Gina Giver');
    const note = e.connector.sent().at(-1)!;
    expect(note.body.text).toContain('Withdrawn: your kudos to **Alice Archer**');
    expect(note.body.text).toContain('You have 5 of 5 kudos left today.');
    const row = await e.db.db.selectFrom('kudos').select('revoked_reason').executeTakeFirstOrThrow();
    expect(row.revoked_reason).toBe('undo');
  });

  it('a mentioned person the member API does not know (not in this team) is still thanked, by the name Teams gave', async () => {
    const stranger = { id: '29:1StrangerNotInTheTeam', name: 'Sam Stranger' };
    await e.send(channelMessage(url(), { parts: [BOT, ' thanks ', stranger, ' for the help yesterday'] }));
    expect(e.connector.callsOf('member').some((c) => c.userId === stranger.id)).toBe(true);
    expect(await e.count('kudos')).toBe(1);
    const p = await e.db.db.selectFrom('person').select('display_name').where('external_id', '=', stranger.id).executeTakeFirstOrThrow();
    expect(p.display_name).toBe('Sam Stranger');
  });

  it('a mentioned bot is not thanked', async () => {
    const other = { id: '28:0d2d7b5e-other-bot', name: 'Deploy Bot' };
    await e.send(channelMessage(url(), { parts: [BOT, ' thanks ', other, ' for deploying on time'] }));
    expect(await e.count('kudos')).toBe(0);
    expect(e.connector.sent()[0].body.text).toContain('Who would you like to thank?');
  });
});
