import { testDatabases } from '../helpers/db';
import { ALICE, BOB, BOT, CAROL, DAN, GINA, TEAM, channelMessage, groupChatMessage, personalMessage, reaction } from '../helpers/teams-activities';
import { useTeamsE2E } from '../helpers/teams-e2e';

describe.each(testDatabases())('teams of Microsoft Teams kudos, end to end on %s', (kind) => {
  const e = useTeamsE2E(kind);
  const url = () => e.connector.url;
  const members = async () =>
    (
      await e.db.db
        .selectFrom('team_member as m')
        .innerJoin('team as t', 't.id', 'm.team_id')
        .innerJoin('person as p', 'p.id', 'm.person_id')
        .select(['t.platform_key', 't.name', 'p.external_id'])
        .orderBy('p.external_id')
        .execute()
    ).map((r) => [r.platform_key, r.name, r.external_id]);

  it("a kudos given in a team's channel makes its giver and recipients members of that team", async () => {
    const msg = channelMessage(url(), { parts: [BOT, ' thanks ', ALICE, ' ', BOB, ' for untangling the refund flow'] });
    expect((await e.send(msg)).status).toBe(200);
    expect(await e.count('kudos')).toBe(1);
    expect(await members()).toEqual([
      [TEAM.id, 'Support', ALICE.id],
      [TEAM.id, 'Support', BOB.id],
      [TEAM.id, 'Support', GINA.id],
    ].sort((a, b) => a[2].localeCompare(b[2])));
    // Teams delivering the same message again adds nobody twice.
    await e.send(msg);
    expect(await members()).toHaveLength(3);
  });

  it('a pile-on in the channel counts its reactor in the team', async () => {
    await e.send(channelMessage(url(), { parts: [BOT, ' thanks ', ALICE, ' for the handover notes'] }));
    const [card] = e.connector.sent();
    await e.send(reaction(url(), { from: CAROL, replyToId: card.newId!, conversationId: card.conversationId, added: ['like'] }));
    expect(await e.count('kudos')).toBe(2);
    expect((await members()).map((m) => m[2])).toEqual([ALICE.id, CAROL.id, GINA.id].sort());
  });

  it('kudos given in a group chat or a personal chat add nobody to a team', async () => {
    await e.send(groupChatMessage(url(), { parts: [BOT, ' thanks ', ALICE, ' for the quick review'] }));
    await e.send(personalMessage(url(), { from: DAN, parts: ['thanks ', BOB, ' for pairing on the outage'] }));
    expect(await e.count('kudos')).toBe(2);
    expect(await members()).toEqual([]);
    expect(await e.db.db.selectFrom('team').select('id').execute()).toEqual([]);
  });
});
