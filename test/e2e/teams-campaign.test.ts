import { threeNotesCompletedText } from '../../src/core/campaign-copy';
import { DEFAULT_SETTINGS } from '../../src/core/settings';
import { boldToMarkdown } from '../../src/teams/cards/common';
import { RETENTION_KIND } from '../../src/jobs/retention-job';
import { saveSetting } from '../../src/core/settings-store';
import { testDatabases } from '../helpers/db';
import { cardOf, cardText } from '../helpers/fake-connector';
import { ALICE, BOB, BOT, CAROL, CHANNEL, DAN, GINA, TENANT, channelMessage, personalChatId, personalMessage } from '../helpers/teams-activities';
import { useTeamsE2E } from '../helpers/teams-e2e';

/**
 * Customer Service Week on Teams: kudos given during the week are tagged, `stats` shows the three-notes
 * challenge, and the week's posts go proactively to the configured channel as Adaptive Cards whose Give kudos
 * button opens the kudos form. Monday 5 October 2026, in UTC.
 */
describe.each(testDatabases())('Customer Service Week on Teams, end to end on %s', (kind) => {
  let now = new Date('2026-10-05T09:30:00Z');
  const e = useTeamsE2E(kind, { clock: () => now });
  const url = () => e.connector.url;

  async function workspaceId(): Promise<number> {
    return (await e.db.db.selectFrom('workspace').select('id').where('platform', '=', 'teams').where('external_id', '=', TENANT).executeTakeFirstOrThrow()).id;
  }

  it('tags the week’s kudos, shows the challenge in stats, and posts the kickoff and the day’s theme as cards in the channel', async () => {
    now = new Date('2026-10-05T09:30:00Z');
    // Kudos in the Wins channel (which also teaches the bot the channel).
    await e.send(channelMessage(url(), { parts: [BOT, ' thanks ', ALICE, ' ', BOB, ' for answering every customer the same day #empathy'] }));
    const tags = await e.db.db.selectFrom('kudos').select('campaign_key').execute();
    expect(tags).toEqual([{ campaign_key: 'csw-2026' }]);

    e.connector.reset();
    await e.send(personalMessage(url(), { parts: ['stats'] }));
    expect(cardText(cardOf(e.connector.sent()[0].body))).toContain('**Three-notes challenge:** 2 of 3 people thanked this week. One more to go.');

    const ws = await workspaceId();
    await e.db.db.updateTable('workspace').set({ installed_at: new Date('2026-01-01T00:00:00Z') }).where('id', '=', ws).execute();
    await saveSetting(e.db.db, { workspaceId: ws, key: 'digest', value: { ...DEFAULT_SETTINGS.digest, enabled: false, timeZone: 'UTC' }, expectedVersion: 0, actorId: null });
    await saveSetting(e.db.db, { workspaceId: ws, key: 'observances', value: { ...DEFAULT_SETTINGS.observances, channel: CHANNEL.id }, expectedVersion: 0, actorId: null });
    e.connector.reset();

    const summary = await e.app.kudos.runJobsNow(now);
    // The kickoff and Monday's theme; the announcement, a week old by now, is recorded as missed.
    expect(summary).toMatchObject({ posted: 2, skipped: 1 });
    const posts = e.connector.sent();
    expect(posts.map((p) => p.conversationId)).toEqual([CHANNEL.id, CHANNEL.id]);
    expect(posts.map((p) => p.body.summary)).toEqual(['Happy Customer Service Week!', 'Customer Service Week, day 1: Thank someone on your team']);
    for (const p of posts) {
      const card = cardOf(p.body);
      expect(card).toMatchObject({ type: 'AdaptiveCard', version: '1.5' });
      expect(card.actions).toEqual([{ type: 'Action.Submit', title: 'Give kudos', data: { msteams: { type: 'task/fetch' }, kudosTask: 'giveKudos' } }]);
    }
    expect(cardText(cardOf(posts[1].body))).toContain('**Customer Service Week, day 1: Thank someone on your team**');
    const runs = await e.db.db.selectFrom('job_run').select(['kind', 'period_key', 'status', 'message_ref']).where('status', '=', 'posted').where('kind', '!=', RETENTION_KIND).orderBy('id').execute();
    expect(runs).toEqual([
      { kind: 'csw-kickoff', period_key: '2026', status: 'posted', message_ref: posts[0].newId },
      { kind: 'csw-day', period_key: '2026-1', status: 'posted', message_ref: posts[1].newId },
    ]);

    // Ticking again posts nothing twice.
    expect(await e.app.kudos.runJobsNow(new Date('2026-10-05T10:30:00Z'))).toMatchObject({ posted: 0 });

    // A kudos after the week is not tagged, and stats no longer mention the challenge.
    now = new Date('2026-10-12T09:30:00Z');
    await e.send(channelMessage(url(), { parts: [BOT, ' thanks ', CAROL, ' for the Monday handover notes'] }));
    expect((await e.db.db.selectFrom('kudos').select('campaign_key').orderBy('id').execute()).map((k) => k.campaign_key)).toEqual(['csw-2026', null]);
    e.connector.reset();
    await e.send(personalMessage(url(), { parts: ['stats'] }));
    expect(cardText(cardOf(e.connector.sent()[0].body))).not.toContain('Three-notes');
  });

  it('congratulates a giver once, in their personal chat, when they have thanked three different people', async () => {
    now = new Date('2026-10-06T09:30:00Z');
    // Gina talks to the bot privately first, so her personal chat is known.
    await e.send(personalMessage(url(), { parts: ['help'] }));
    const toGina = () => e.connector.sent().filter((c) => c.conversationId === personalChatId(GINA));
    e.connector.reset();

    await e.send(channelMessage(url(), { parts: [BOT, ' thanks ', ALICE, ' for calling the customer back within the hour'] }));
    await e.send(channelMessage(url(), { parts: [BOT, ' thanks ', BOB, ' for rewriting the refund macro'] }));
    expect(toGina()).toHaveLength(0);
    await e.send(channelMessage(url(), { parts: [BOT, ' thanks ', CAROL, ' for covering the phones at lunch'] }));
    const [congratulation, ...more] = toGina();
    expect(more).toHaveLength(0);
    expect(congratulation.body.text).toBe(boldToMarkdown(threeNotesCompletedText()));
    const gina = await e.db.db.selectFrom('person').select('id').where('external_id', '=', GINA.id).executeTakeFirstOrThrow();
    const notices = await e.db.db.selectFrom('notice').select(['kind', 'period']).where('person_id', '=', gina.id).execute();
    expect(notices).toEqual([{ kind: 'three-notes', period: 'csw-2026' }]);

    // A fourth person thanked: no second congratulation.
    await e.send(channelMessage(url(), { parts: [BOT, ' thanks ', DAN, ' for the escalation checklist'] }));
    expect(await e.count('kudos')).toBe(4);
    expect(toGina()).toHaveLength(1);
  });
});
