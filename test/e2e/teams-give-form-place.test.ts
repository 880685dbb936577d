import { saveSetting } from '../../src/core/settings-store';
import { testDatabases } from '../helpers/db';
import { cardOf, cardText } from '../helpers/fake-connector';
import { ALICE, BOT, CHANNEL, GINA, TENANT, channelMessage, messageActionFetch, messageActionSubmit, personalChatId, taskFetch, taskSubmit } from '../helpers/teams-activities';
import { useTeamsE2E } from '../helpers/teams-e2e';

/**
 * Teams' "Give kudos" form says where the kudos card will be posted, the card is posted there, and the popup
 * confirms where it went. The kudos channel (chosen in `settings`) is where kudos given in personal chats go;
 * from a message in a channel the card goes in that message's thread, with or without one.
 */

const KUDOS = { id: '19:6d3c5a8e2f1b4c7d9e0a1b2c3d4e5f60@thread.tacv2', name: 'Kudos' };
const MESSAGE_ID = '1485983194839';
const THREAD = `${CHANNEL.id};messageid=${MESSAGE_ID}`;
/** A chat between Gina and Alice, where Gina uses the message action on Alice's message (the bot is not in it). */
const ONE_ON_ONE = '19:6b3c2a1e11114c5d9e8f000000000001_6b3c2a1e11114c5d9e8f000000000002@unq.gbl.spaces';
const oneOnOne = <T extends Record<string, unknown>>(activity: T): T => ({
  ...activity,
  conversation: { conversationType: 'personal', tenantId: TENANT, id: ONE_ON_ONE },
  channelData: { tenant: { id: TENANT } },
});

describe.each(testDatabases())('where a kudos from Teams\' "Give kudos" form is posted, on %s', (kind) => {
  const e = useTeamsE2E(kind);
  const url = () => e.connector.url;

  /** Makes KUDOS the kudos channel, after the bot has heard from it (so it can post there, and knows its name). */
  async function setKudosChannel() {
    await e.send(channelMessage(url(), { parts: [BOT, ' help'], channel: KUDOS }));
    const ws = await e.db.db.selectFrom('workspace').select('id').where('platform', '=', 'teams').executeTakeFirstOrThrow();
    await saveSetting(e.db.db, { workspaceId: ws.id, key: 'kudosChannel', value: KUDOS.id, expectedVersion: 0, actorId: null });
    e.connector.reset();
  }

  async function openForm(activity = messageActionFetch(url())) {
    const res = await e.send(activity);
    expect(res.json.task.type).toBe('continue');
    const card = res.json.task.value.card.content;
    return { text: cardText(card), data: card.actions[0].data as Record<string, unknown> };
  }

  const fill = (data: Record<string, unknown>) => ({ ...data, recipients: ALICE.id, values: '', message: 'Fixed the refund flow before the weekend' });
  const cardsIn = (conversation: string) => e.connector.sent().filter((c) => c.conversationId === conversation);

  it('without a kudos channel: the form says the thread, the card goes in the thread, the popup says so; a replayed submit adds nothing', async () => {
    const { text, data } = await openForm();
    expect(text).toContain("Kudos will be posted in this message's thread.");

    const submit = messageActionSubmit(url(), fill(data));
    const res = await e.send(submit);
    expect(res.json.task.value).toContain("Kudos sent to Alice Archer! It's posted in this message's thread.");
    expect(e.connector.sent()).toHaveLength(1);
    expect(cardsIn(THREAD)).toHaveLength(1);
    expect(await e.db.db.selectFrom('kudos').select(['post_status', 'post_channel_id']).executeTakeFirstOrThrow()).toEqual({ post_status: 'posted', post_channel_id: THREAD });

    const again = await e.send(submit);
    expect(again.json.task.value).toContain('already recorded');
    expect(e.connector.sent()).toHaveLength(1);
    expect(await e.count('kudos')).toBe(1);
    expect(await e.count('kudos_recipient')).toBe(1);
  });

  it('with a kudos channel, from a message in a channel: still the thread (the kudos channel is for personal chats), and the form says so', async () => {
    await setKudosChannel();
    const { text, data } = await openForm();
    expect(text).toContain("Kudos will be posted in this message's thread.");
    expect(text).not.toContain('kudos channel');
    const res = await e.send(messageActionSubmit(url(), fill(data)));
    expect(res.json.task.value).toContain("It's posted in this message's thread.");
    expect(cardsIn(THREAD)).toHaveLength(1);
    expect(cardsIn(KUDOS.id)).toHaveLength(0);
  });

  it('with a kudos channel, from a message in a one-on-one chat: the form names the kudos channel, the card goes there with a link to the message; a replayed submit adds nothing', async () => {
    await setKudosChannel();
    const { text, data } = await openForm(oneOnOne(messageActionFetch(url())));
    expect(text).toContain('Kudos will be posted in the kudos channel (Support › Kudos), with a link to this message.');

    const submit = oneOnOne(messageActionSubmit(url(), fill(data)));
    const res = await e.send(submit);
    expect(res.json.task.value).toContain("Kudos sent to Alice Archer! It's posted in the kudos channel (Support › Kudos), with a link to this message.");
    const posts = e.connector.sent();
    expect(posts).toHaveLength(1);
    expect(posts[0].conversationId).toBe(KUDOS.id);
    expect(cardText(cardOf(posts[0].body))).toContain(`(https://teams.microsoft.com/l/message/${encodeURIComponent(CHANNEL.id)}/${MESSAGE_ID})`);
    expect(await e.db.db.selectFrom('kudos').select('post_channel_id').executeTakeFirstOrThrow()).toEqual({ post_channel_id: KUDOS.id });

    const again = await e.send(submit);
    expect(again.json.task.value).toContain('already recorded');
    expect(e.connector.sent()).toHaveLength(1);
    expect(await e.count('kudos')).toBe(1);
  });

  it('in a personal chat with Kudos: this chat without a kudos channel, the kudos channel with one; the form and the popup agree', async () => {
    const plain = await openForm(taskFetch(url(), { personal: true }));
    expect(plain.text).toContain('Kudos will be posted in this chat.');
    const here = await e.send(taskSubmit(url(), fill(plain.data), { personal: true }));
    expect(here.json.task.value).toContain("It's posted in this chat.");
    expect(e.connector.sent().map((c) => c.conversationId)).toEqual([personalChatId(GINA)]);

    await setKudosChannel();
    const withChannel = await openForm(taskFetch(url(), { personal: true }));
    expect(withChannel.text).toContain('Kudos will be posted in the kudos channel (Support › Kudos).');
    const there = await e.send(taskSubmit(url(), { ...fill(withChannel.data), message: 'For the onboarding buddy sessions' }, { personal: true }));
    expect(there.json.task.value).toContain("It's posted in the kudos channel (Support › Kudos).");
    expect(e.connector.sent().map((c) => c.conversationId)).toEqual([KUDOS.id]);
  });

  it('when the thread cannot be posted in, the card goes to the kudos channel and the popup tells the truth about it', async () => {
    await setKudosChannel();
    const { data } = await openForm();
    e.connector.fail('reply', 403, 'BotNotInConversationRoster', { times: 5, match: (c) => c.conversationId.startsWith(CHANNEL.id) });
    e.connector.fail('post', 403, 'BotNotInConversationRoster', { times: 5, match: (c) => c.conversationId.startsWith(CHANNEL.id) });
    const res = await e.send(messageActionSubmit(url(), fill(data)));
    expect(res.json.task.value).toContain(
      "Kudos sent to Alice Archer! I couldn't post it in this message's thread, so it's posted in the kudos channel (Support › Kudos) instead, with a link to this message.",
    );
    expect(cardsIn(KUDOS.id)).toHaveLength(1);
    expect(await e.db.db.selectFrom('kudos').select(['post_status', 'post_channel_id']).executeTakeFirstOrThrow()).toEqual({ post_status: 'posted', post_channel_id: KUDOS.id });
  });

  it('in a personal chat with Kudos, when the kudos channel cannot be posted in: the card comes here, and the popup says so', async () => {
    await setKudosChannel();
    const { data } = await openForm(taskFetch(url(), { personal: true }));
    e.connector.fail('post', 403, 'BotNotInConversationRoster', { times: 5, match: (c) => c.conversationId === KUDOS.id });
    e.connector.fail('reply', 403, 'BotNotInConversationRoster', { times: 5, match: (c) => c.conversationId === KUDOS.id });
    const res = await e.send(taskSubmit(url(), fill(data), { personal: true }));
    expect(res.json.task.value).toContain("I couldn't post it in the kudos channel (Support › Kudos), so it's posted in this chat instead.");
    expect(e.connector.sent().filter((c) => c.newId).map((c) => c.conversationId)).toEqual([personalChatId(GINA)]);
  });
});
