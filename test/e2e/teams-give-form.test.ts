import { testDatabases } from '../helpers/db';
import { cardOf, cardText } from '../helpers/fake-connector';
import { ALICE, BOB, BOT, CHANNEL, GINA, channelMessage, messageActionFetch, messageActionSubmit, personalChatId, taskFetch, taskSubmit } from '../helpers/teams-activities';
import { useTeamsE2E } from '../helpers/teams-e2e';

const input = (card: any, id: string) => card.body.find((b: any) => b.id === id);

describe.each(testDatabases())('Teams "Give kudos" form end to end on %s', (kind) => {
  const e = useTeamsE2E(kind);
  const url = () => e.connector.url;

  async function openForm() {
    const res = await e.send(messageActionFetch(url()));
    expect(res.status).toBe(200);
    expect(res.json.task.type).toBe('continue');
    const card = res.json.task.value.card.content;
    const submit = card.actions.find((a: any) => a.type === 'Action.Submit');
    return { res, card, data: submit.data as Record<string, unknown> };
  }

  it('the message action opens a form with the message author picked and the message quoted', async () => {
    const { res, card, data } = await openForm();
    expect(res.json.task.value.title).toBe('Give kudos');
    expect(card).toMatchObject({ type: 'AdaptiveCard', version: '1.5' });
    const people = input(card, 'recipients');
    expect(people).toMatchObject({ type: 'Input.ChoiceSet', isMultiSelect: true, value: ALICE.id, 'choices.data': { type: 'Data.Query', dataset: 'graph.microsoft.com/users' } });
    expect(people.choices).toEqual([{ title: 'Alice Archer', value: ALICE.id }]);
    expect(input(card, 'values').choices).toEqual(expect.arrayContaining([{ title: '💪 Ownership', value: 'ownership' }]));
    expect(input(card, 'message')).toMatchObject({ type: 'Input.Text', isMultiline: true, maxLength: 1000 });
    expect(cardText(card)).toContain("For Alice Archer's message: _I fixed the refund flow & the export_");
    expect(data).toMatchObject({ kudosForm: 'give', messageId: '1485983194839' });
    expect(data.formId).toEqual(expect.any(String));
  });

  it('submitting gives the kudos, posts the card in the thread and confirms in a popup', async () => {
    const { data } = await openForm();
    const res = await e.send(messageActionSubmit(url(), { ...data, recipients: ALICE.id, values: 'ownership,knowledge', message: 'Fixed the refund flow before the weekend' }));
    expect(res.status).toBe(200);
    expect(res.json.task).toEqual({ type: 'message', value: expect.stringContaining('Kudos sent to Alice Archer!') });
    expect(res.json.task.value).toContain('You have 4 of 5 kudos left today.');
    const [post] = e.connector.sent();
    expect(post.conversationId).toContain(CHANNEL.id);
    expect(cardText(cardOf(post.body))).toContain('Fixed the refund flow before the weekend');
    const row = await e.db.db.selectFrom('kudos').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ source: 'teams_form', message_ts: '1485983194839', post_status: 'posted', post_ts: post.newId });
    expect(row.permalink).toMatch(/^https:\/\/teams\.microsoft\.com\/l\/message\//);
    expect(await e.count('kudos_recipient')).toBe(1);
  });

  it('people picked by Entra object id (the people picker) are thanked by their Teams id', async () => {
    const { data } = await openForm();
    await e.send(messageActionSubmit(url(), { ...data, recipients: `${ALICE.aadObjectId},${BOB.aadObjectId}`, values: '', message: 'For the careful migration plan' }));
    const ids = await e.db.db
      .selectFrom('kudos_recipient')
      .innerJoin('person', 'person.id', 'kudos_recipient.recipient_id')
      .select('person.external_id')
      .execute();
    expect(ids.map((r) => r.external_id).sort()).toEqual([ALICE.id, BOB.id].sort());
  });

  it('validation errors come back in the form, under their fields, with what was typed', async () => {
    const { data } = await openForm();
    const res = await e.send(messageActionSubmit(url(), { ...data, recipients: GINA.id, values: 'teamwork', message: 'ty' }));
    expect(res.json.task.type).toBe('continue');
    const card = res.json.task.value.card.content;
    expect(input(card, 'recipients-error').text).toContain("can't give kudos to yourself");
    expect(input(card, 'values-error').text).toContain("#teamwork isn't a value here");
    expect(input(card, 'message-error').text).toContain('at least 10 characters');
    expect(input(card, 'message').value).toBe('ty');
    // Same form, same key: fixing it and submitting again works.
    expect(card.actions[0].data.formId).toBe(data.formId);
    expect(await e.count('kudos')).toBe(0);
    const fixed = await e.send(messageActionSubmit(url(), { ...data, recipients: ALICE.id, values: '', message: 'Thanks for the thorough review' }));
    expect(fixed.json.task.value).toContain('Kudos sent to Alice Archer!');
  });

  it('a retried submit (Teams retries after five seconds) records once', async () => {
    const { data } = await openForm();
    const submit = { ...data, recipients: ALICE.id, values: '', message: 'For answering every question in the channel' };
    await e.send(messageActionSubmit(url(), submit));
    const again = await e.send(messageActionSubmit(url(), submit));
    expect(again.json.task.value).toContain('already recorded');
    expect(await e.count('kudos')).toBe(1);
    expect(e.connector.sent()).toHaveLength(1);
  });

  it('a forged or stale form is refused without recording anything', async () => {
    const res = await e.send(messageActionSubmit(url(), { kudosForm: 'give', recipients: ALICE.id, message: 'A form without an id' }));
    expect(res.json.task.value).toContain('out of date');
    expect(await e.count('kudos')).toBe(0);
  });

  it('the card button in personal chat opens the same form (task/fetch) and posts to the kudos channel on submit', async () => {
    await e.send(channelMessage(url(), { parts: [BOT, ' help'] }));
    const ws = await e.db.db.selectFrom('workspace').select('id').where('platform', '=', 'teams').executeTakeFirstOrThrow();
    await e.db.db.insertInto('setting').values({ workspace_id: ws.id, key: 'kudosChannel', value: JSON.stringify(CHANNEL.id) }).execute();
    e.connector.reset();
    const fetched = await e.send(taskFetch(url(), { personal: true }));
    const card = fetched.json.task.value.card.content;
    expect(input(card, 'recipients').choices).toEqual([]);
    const res = await e.send(taskSubmit(url(), { ...card.actions[0].data, recipients: BOB.id, message: 'For the onboarding buddy sessions' }, { personal: true }));
    expect(res.json.task.value).toContain('Kudos sent to Bob Baker!');
    const [post] = e.connector.sent();
    expect(post.conversationId).toBe(CHANNEL.id);
    expect(post.conversationId).not.toBe(personalChatId(GINA));
  });

  it('when the card cannot be posted where the form was used, the kudos still counts and the popup says so', async () => {
    const { data } = await openForm();
    e.connector.fail('reply', 403, 'BotNotInConversationRoster');
    const res = await e.send(messageActionSubmit(url(), { ...data, recipients: ALICE.id, message: 'For the calm incident call' }));
    expect(res.json.task.value).toContain('Kudos sent to Alice Archer!');
    expect(res.json.task.value).toContain("couldn't post its card here");
    const row = await e.db.db.selectFrom('kudos').select('post_status').executeTakeFirstOrThrow();
    expect(row.post_status).toBe('failed');
  });
});
