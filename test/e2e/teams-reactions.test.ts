import { testDatabases } from '../helpers/db';
import { cardOf, cardText } from '../helpers/fake-connector';
import { ALICE, BOB, BOT, CAROL, DAN, GINA, channelMessage, reaction } from '../helpers/teams-activities';
import { useTeamsE2E } from '../helpers/teams-e2e';

describe.each(testDatabases())('Teams reactions on kudos cards end to end on %s', (kind) => {
  const e = useTeamsE2E(kind);
  const url = () => e.connector.url;

  /** Gives a kudos from Gina to Alice and Bob; returns the card's conversation and activity id. */
  async function kudosCard() {
    const msg = channelMessage(url(), { parts: [BOT, ' thanks ', ALICE, ' ', BOB, ' for the launch checklist #ownership'] });
    await e.send(msg);
    const card = e.connector.sent()[0];
    e.connector.reset();
    const parent = await e.db.db.selectFrom('kudos').select('id').executeTakeFirstOrThrow();
    return { conversationId: msg.conversation.id, cardId: card.newId!, parentId: parent.id };
  }

  const pileOns = () => e.db.db.selectFrom('kudos').selectAll().where('source', '=', 'teams_pileon').orderBy('id').execute();

  it("a reaction on a kudos card adds the reactor's +1 to the same recipients and redraws the card", async () => {
    const { conversationId, cardId, parentId } = await kudosCard();
    const res = await e.send(reaction(url(), { from: CAROL, replyToId: cardId, conversationId, added: ['like'] }));
    expect(res.status).toBe(200);
    const [pile] = await pileOns();
    expect(pile).toMatchObject({ parent_id: parentId, message: '', revoked_at: null });
    const recipients = await e.db.db
      .selectFrom('kudos_recipient')
      .innerJoin('person', 'person.id', 'kudos_recipient.recipient_id')
      .select('person.external_id')
      .where('kudos_id', '=', pile.id)
      .execute();
    expect(recipients.map((r) => r.external_id).sort()).toEqual([ALICE.id, BOB.id].sort());
    const giver = await e.db.db.selectFrom('person').select('external_id').where('id', '=', pile.giver_id).executeTakeFirstOrThrow();
    expect(giver.external_id).toBe(CAROL.id);
    const values = await e.db.db.selectFrom('kudos_value').innerJoin('value', 'value.id', 'kudos_value.value_id').select('slug').where('kudos_id', '=', pile.id).execute();
    expect(values.map((v) => v.slug)).toEqual(['ownership']);

    const [update] = e.connector.callsOf('update');
    expect(update).toMatchObject({ conversationId, activityId: cardId });
    expect(cardText(cardOf(update.body))).toContain('Thanks added by Carol Chen');
  });

  it('removing the reaction reverses the pile-on (recorded, not deleted) and returns the allowance', async () => {
    const { conversationId, cardId } = await kudosCard();
    await e.send(reaction(url(), { from: CAROL, replyToId: cardId, conversationId, added: ['heart'] }));
    await e.send(reaction(url(), { from: CAROL, replyToId: cardId, conversationId, removed: ['heart'] }));
    const [pile] = await pileOns();
    expect(pile.revoked_reason).toBe('reaction_removed');
    expect(pile.revoked_at).not.toBeNull();
    const carol = await e.db.db.selectFrom('person').select('id').where('external_id', '=', CAROL.id).executeTakeFirstOrThrow();
    const usage = await e.db.db.selectFrom('allowance_usage').select('used').where('person_id', '=', carol.id).executeTakeFirstOrThrow();
    expect(usage.used).toBe(0);
    const last = e.connector.callsOf('update').at(-1)!;
    expect(cardText(cardOf(last.body))).not.toContain('Thanks added by');
  });

  it('one pile-on per person per card, whatever the reactions; it stays while any reaction stays', async () => {
    const { conversationId, cardId } = await kudosCard();
    await e.send(reaction(url(), { from: CAROL, replyToId: cardId, conversationId, added: ['like'] }));
    await e.send(reaction(url(), { from: CAROL, replyToId: cardId, conversationId, added: ['heart'] }));
    expect(await pileOns()).toHaveLength(1);
    await e.send(reaction(url(), { from: CAROL, replyToId: cardId, conversationId, removed: ['like'] }));
    expect((await pileOns())[0].revoked_at).toBeNull();
    await e.send(reaction(url(), { from: CAROL, replyToId: cardId, conversationId, removed: ['heart'] }));
    expect((await pileOns())[0].revoked_at).not.toBeNull();
  });

  it('added, removed and added again counts once, as a new pile-on', async () => {
    const { conversationId, cardId } = await kudosCard();
    await e.send(reaction(url(), { from: CAROL, replyToId: cardId, conversationId, added: ['like'] }));
    await e.send(reaction(url(), { from: CAROL, replyToId: cardId, conversationId, removed: ['like'] }));
    await e.send(reaction(url(), { from: CAROL, replyToId: cardId, conversationId, added: ['like'] }));
    const all = await pileOns();
    expect(all).toHaveLength(2);
    expect(all.filter((k) => !k.revoked_at)).toHaveLength(1);
  });

  it('a re-delivered reaction and an older one arriving late change nothing', async () => {
    const { conversationId, cardId } = await kudosCard();
    const t0 = new Date(Date.now() - 60_000);
    const add = reaction(url(), { from: DAN, replyToId: cardId, conversationId, added: ['like'], timestamp: t0 });
    const remove = reaction(url(), { from: DAN, replyToId: cardId, conversationId, removed: ['like'], timestamp: new Date(t0.getTime() + 1000) });
    // The removal arrives first; the add it undid arrives after it.
    await e.send(remove);
    await e.send(add);
    await e.send(add);
    expect(await pileOns()).toHaveLength(0);
  });

  it("a recipient's reaction thanks the other recipients only; the giver's own reaction adds nothing", async () => {
    const { conversationId, cardId } = await kudosCard();
    await e.send(reaction(url(), { from: ALICE, replyToId: cardId, conversationId, added: ['like'] }));
    await e.send(reaction(url(), { from: GINA, replyToId: cardId, conversationId, added: ['like'] }));
    const all = await pileOns();
    expect(all).toHaveLength(1);
    const recipients = await e.db.db
      .selectFrom('kudos_recipient')
      .innerJoin('person', 'person.id', 'kudos_recipient.recipient_id')
      .select('person.external_id')
      .where('kudos_id', '=', all[0].id)
      .execute();
    expect(recipients.map((r) => r.external_id)).toEqual([BOB.id]);
  });

  it('a reaction on another of the bot\'s messages (not a kudos card) is ignored', async () => {
    await e.send(channelMessage(url(), { parts: [BOT, ' help'] }));
    const help = e.connector.sent()[0];
    await e.send(reaction(url(), { from: CAROL, replyToId: help.newId!, conversationId: help.conversationId, added: ['like'] }));
    expect(await e.count('kudos')).toBe(0);
  });

  it('a reactor out of allowance is told privately, and nothing is recorded', async () => {
    const { conversationId, cardId } = await kudosCard();
    const ws = await e.db.db.selectFrom('workspace').select('id').where('platform', '=', 'teams').executeTakeFirstOrThrow();
    await e.db.db.insertInto('setting').values({ workspace_id: ws.id, key: 'allowancePerDay', value: '1' }).execute();
    await e.send(reaction(url(), { from: CAROL, replyToId: cardId, conversationId, added: ['like'] }));
    expect(await pileOns()).toHaveLength(0);
    const note = e.connector.sent().at(-1)!;
    expect(note.conversationId).toMatch(/^a:personal-/);
    expect(note.body.text).toContain('not enough for 2 people');
  });
});
