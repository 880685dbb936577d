import { testDatabases } from '../helpers/db';
import { cardOf, cardText } from '../helpers/fake-connector';
import { ALICE, BOB, BOT, CAROL, DAN, GINA, channelMessage, personalMessage, reaction, type TeamsUser } from '../helpers/teams-activities';
import { useTeamsE2E } from '../helpers/teams-e2e';

/**
 * `erase my data` in Teams, end to end through the real app and the fake Bot Connector: a confirmation card in
 * the personal chat, and the click erases whoever Teams says clicked, whatever the card's data says.
 */
describe.each(testDatabases())('Teams `erase my data` on %s', (kind) => {
  const e = useTeamsE2E(kind);
  const url = () => e.connector.url;
  const person = (u: TeamsUser) => e.db.db.selectFrom('person').selectAll().where('external_id', '=', u.id).executeTakeFirst();
  const lastText = () => String(e.connector.sent().at(-1)?.body?.text ?? '');

  /** The card's Action.Submit clicked by `from` in their personal chat (a message with the card's data as its value). */
  const click = (from: TeamsUser, data: Record<string, unknown>) => e.send({ ...personalMessage(url(), { from, parts: [] }), text: '', value: data });

  it('asks for confirmation in the personal chat, then forgets the person who clicked, and only them', async () => {
    await e.send(channelMessage(url(), { from: GINA, parts: [BOT, ' thanks ', ALICE, ' for the clear release notes'] }));
    await e.send(channelMessage(url(), { from: ALICE, parts: [BOT, ' thanks ', BOB, ' for pairing on the flaky test'] }));

    e.connector.reset();
    await e.send(personalMessage(url(), { from: ALICE, parts: ['erase my data'] }));
    const card = cardOf(e.connector.sent().at(-1)?.body);
    const submit = (card.actions as any[]).find((x) => x.type === 'Action.Submit');
    expect(submit.data).toEqual({ kudosAction: 'erase_me' });
    expect((await person(ALICE))!.erased_at).toBeNull();

    // The click names nobody: Alice clicking erases Alice, even with someone else's id slipped into the data.
    await click(ALICE, { ...submit.data, externalId: BOB.id });
    expect(lastText()).toContain('Kudos has forgotten you');
    const alice = (await person(ALICE))!;
    expect(alice.erased_at).not.toBeNull();
    expect(alice.display_name).toBe('Former teammate');
    expect((await person(BOB))!.erased_at).toBeNull();
    const messages = (await e.db.db.selectFrom('kudos').select('message').execute()).map((k) => k.message).join('\n');
    expect(messages).not.toContain('flaky test');
    expect(await e.db.db.selectFrom('kudos').select('id').execute()).toHaveLength(2);
    const audit = await e.db.db.selectFrom('audit_log').select(['action', 'target']).execute();
    expect(audit).toEqual([expect.objectContaining({ action: 'person.erase', target: ALICE.id })]);
  });

  it('in a channel it points to the personal chat, and a click there erases nobody', async () => {
    await e.send(channelMessage(url(), { from: GINA, parts: [BOT, ' thanks ', ALICE, ' for the clear release notes'] }));
    e.connector.reset();
    await e.send(channelMessage(url(), { from: ALICE, parts: [BOT, ' erase my data'] }));
    expect(lastText()).toContain('personal chat');
    expect(cardOf(e.connector.sent().at(-1)?.body)).toBeUndefined();
    await e.send({ ...channelMessage(url(), { from: ALICE, parts: [] }), text: '', value: { kudosAction: 'erase_me' } });
    expect((await person(ALICE))!.erased_at).toBeNull();
  });

  it("redrawn cards keep who joined by a pile-on, and show an erased joiner by the placeholder", async () => {
    const msg = channelMessage(url(), { from: GINA, parts: [BOT, ' thanks ', ALICE, ' for the clear release notes'] });
    await e.send(msg);
    const cardId = e.connector.sent()[0].newId!;
    await e.send(reaction(url(), { from: CAROL, replyToId: cardId, conversationId: msg.conversation.id, added: ['like'] }));
    await e.send(reaction(url(), { from: DAN, replyToId: cardId, conversationId: msg.conversation.id, added: ['heart'] }));
    const joined = cardText(cardOf(e.connector.callsOf('update').at(-1)!.body));
    expect(joined).toContain(CAROL.name);
    expect(joined).toContain(DAN.name);

    // Alice (the recipient) is erased: her card is redrawn without her, and Carol and Dan still show as joining.
    e.connector.reset();
    await e.send(personalMessage(url(), { from: ALICE, parts: ['erase my data'] }));
    await click(ALICE, { kudosAction: 'erase_me' });
    const afterAlice = cardText(cardOf(e.connector.callsOf('update').at(-1)!.body));
    expect(afterAlice).not.toContain(ALICE.name);
    expect(afterAlice).toContain('Former teammate');
    expect(afterAlice).toContain(`Thanks added by ${CAROL.name}`);
    expect(afterAlice).toContain(DAN.name);

    // Carol (a joiner) is erased: the card shows the placeholder where her name was, and still Dan.
    e.connector.reset();
    await e.send(personalMessage(url(), { from: CAROL, parts: ['erase my data'] }));
    await click(CAROL, { kudosAction: 'erase_me' });
    const afterCarol = cardText(cardOf(e.connector.callsOf('update').at(-1)!.body));
    expect(afterCarol).not.toContain(CAROL.name);
    expect(afterCarol).toContain(DAN.name);
    expect(afterCarol).toMatch(/Thanks added by .*Former teammate/);
  });
});
