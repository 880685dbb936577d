import { testDatabases } from '../helpers/db';
import { cardOf, cardText } from '../helpers/fake-connector';
import { ALICE, BOB, BOT, GINA, channelMessage, personalChatId, personalMessage } from '../helpers/teams-activities';
import { useTeamsE2E } from '../helpers/teams-e2e';

/**
 * What happens around a kudos on Teams when things go wrong: an activity handled again after a failure, a card
 * Teams throttles, a post Teams never answered. The app runs on an injected clock; the minute timer's work is
 * run by calling it (`teams.tick()`), as the timer would.
 */
describe.each(testDatabases())('Teams kudos cards and undo across failures, end to end on %s', (kind) => {
  let now = new Date('2026-03-10T10:00:00Z');
  const e = useTeamsE2E(kind, { clock: () => now });
  const url = () => e.connector.url;
  const later = (ms: number) => (now = new Date(now.getTime() + ms));
  const teams = () => e.app.kudos.teams!;
  const kudos = () => e.db.db.selectFrom('kudos').select(['id', 'message', 'post_status', 'post_ts', 'revoked_at']).orderBy('id').execute();

  beforeEach(() => {
    now = new Date('2026-03-10T10:00:00Z');
  });

  it('an `undo` handled again (its first answer failed) withdraws one kudos, not two', async () => {
    await e.send(channelMessage(url(), { parts: [BOT, ' thanks ', ALICE, ' for the release checklist'] }));
    later(60_000);
    await e.send(channelMessage(url(), { parts: [BOT, ' thanks ', BOB, ' for the on-call handover'] }));
    const [first, second] = await kudos();
    e.connector.reset();

    // The undo goes through, but its answer to Gina does not: the activity stays in the inbox, to be tried again.
    e.connector.fail('reply', 403, 'Forbidden', { match: (c) => c.conversationId === personalChatId(GINA) });
    const undo = personalMessage(url(), { parts: ['undo'] });
    await e.send(undo);
    expect((await kudos()).map((k) => [k.id, k.revoked_at !== null])).toEqual([
      [first.id, false],
      [second.id, true],
    ]);
    const [stored] = await e.db.db.selectFrom('event_inbox').select(['attempts', 'processed_at']).where('delivery_id', 'like', `%|${undo.id}`).execute();
    expect(stored).toEqual({ attempts: 1, processed_at: null });

    // After the backoff the sweep handles the same activity again: the same kudos is reported, no other withdrawn.
    later(60_000);
    e.connector.reset();
    expect(await teams().sweepInbox()).toBe(1);
    expect((await kudos()).map((k) => k.revoked_at !== null)).toEqual([false, true]);
    const [answer] = e.connector.sent().filter((c) => c.conversationId === personalChatId(GINA));
    expect(answer.body.text).toContain('**Bob Baker**');
    const handled = await e.db.db.selectFrom('event_inbox').select('processed_at').where('delivery_id', 'like', `%|${undo.id}`).executeTakeFirstOrThrow();
    expect(handled.processed_at).not.toBeNull();

    // A new `undo` is a new request: it takes back the kudos before.
    await e.send(personalMessage(url(), { parts: ['undo'] }));
    expect((await kudos()).map((k) => k.revoked_at !== null)).toEqual([true, true]);
  });

  it('a card Teams throttles is posted by the timer once Teams allows it, and the giver is told it will follow', async () => {
    await e.send(personalMessage(url(), { parts: ['help'] }));
    e.connector.reset();
    e.connector.fail('reply', 412, 'PreconditionFailed', { match: (c) => c.conversationId.startsWith('19:') });
    const msg = channelMessage(url(), { parts: [BOT, ' thanks ', ALICE, ' for the migration dry run'] });
    await e.send(msg);
    expect(await kudos()).toEqual([expect.objectContaining({ post_status: 'pending', post_ts: null })]);
    expect(e.connector.sent().filter((c) => c.conversationId.startsWith('19:'))).toHaveLength(1);
    const notes = e.connector.sent().filter((c) => c.conversationId === personalChatId(GINA));
    expect(notes).toHaveLength(1);

    // Not before the kudos counts as left behind.
    await teams().tick();
    expect((await kudos())[0].post_status).toBe('pending');

    later(3 * 60_000);
    e.connector.reset();
    await teams().tick();
    const [card] = e.connector.sent();
    expect(card.conversationId).toBe(msg.conversation.id);
    expect(cardText(cardOf(card.body))).toContain('for the migration dry run');
    expect(await kudos()).toEqual([expect.objectContaining({ post_status: 'posted', post_ts: card.newId })]);

    // Ticking again posts nothing twice.
    later(3 * 60_000);
    await teams().tick();
    expect(e.connector.sent()).toHaveLength(1);
  });

  it('a post Teams never answered is not made again: after a day it is reported failed', async () => {
    e.connector.fail('reply', 500, 'InternalServerError', { times: 10, match: (c) => c.conversationId.startsWith('19:') });
    await e.send(channelMessage(url(), { parts: [BOT, ' thanks ', ALICE, ' for the quiet weekend deploy'] }));
    const attempts = e.connector.sent().filter((c) => c.conversationId.startsWith('19:')).length;
    expect(attempts).toBeGreaterThan(0);
    expect((await kudos())[0].post_status).toBe('posting');

    later(10 * 60_000);
    await teams().tick();
    expect((await kudos())[0].post_status).toBe('posting');
    later(24 * 60 * 60_000);
    await teams().tick();
    expect((await kudos())[0].post_status).toBe('failed');
    expect(e.connector.sent().filter((c) => c.conversationId.startsWith('19:'))).toHaveLength(attempts);
  });
});
