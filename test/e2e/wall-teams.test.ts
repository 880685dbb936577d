import { testDatabases } from '../helpers/db';
import { cardOf } from '../helpers/fake-connector';
import { ALICE, BOB, BOT, CAROL, GINA, botAddedToTeam, channelMessage, groupChatMessage, personalChatId, personalMessage, type TeamsUser } from '../helpers/teams-activities';
import { useTeamsE2E } from '../helpers/teams-e2e';

const PUBLIC_URL = 'https://kudos.example.test';

/**
 * The Kudos Wall in a Teams-only deployment, end to end through the real app and the fake Bot Connector: an
 * admin makes a link from the settings card (sent only in their personal chat), the wall shows kudos given in a
 * team's channel and never those of a group chat, and a revoked link answers 404. Someone who is not an admin
 * makes and revokes nothing.
 */
describe.each(testDatabases())('Kudos Wall from Teams on %s', (kind) => {
  const e = useTeamsE2E(kind, { env: { PUBLIC_URL } });
  const url = () => e.connector.url;

  async function settingsCard(from: TeamsUser = GINA): Promise<any> {
    e.connector.reset();
    await e.send(personalMessage(url(), { from, parts: ['settings'] }));
    const [reply] = e.connector.sent();
    return cardOf(reply.body);
  }
  const submitOf = (card: any, title: string) =>
    card.body.filter((b: any) => b.type === 'ActionSet').flatMap((b: any) => b.actions).find((x: any) => x.title === title);
  const click = (from: TeamsUser, value: Record<string, unknown>) => e.send({ ...personalMessage(url(), { from, parts: [] }), text: '', value });
  const lastText = () => JSON.stringify(e.connector.sent().at(-1)?.body ?? {});

  it('an admin makes a link in the personal chat; the wall shows team-channel kudos only; revoking ends it', async () => {
    await e.send(botAddedToTeam(url(), { from: GINA }));
    expect((await e.send(channelMessage(url(), { from: ALICE, parts: [BOT, ' thanks ', BOB, ' for the escalation playbook'] }))).status).toBe(200);
    expect((await e.send(groupChatMessage(url(), { from: BOB, parts: [BOT, ' thanks ', CAROL, ' for the private salary sheet'] }))).status).toBe(200);

    const card = await settingsCard();
    const create = submitOf(card, 'Create wall link');
    expect(create).toMatchObject({ type: 'Action.Submit', data: { kudosAction: 'createWallLink' } });
    e.connector.reset();
    await click(GINA, { ...create.data, wallName: 'Support floor', wallDays: '' });
    const sent = e.connector.sent();
    expect(sent).toHaveLength(1);
    expect(sent[0].conversationId).toBe(personalChatId(GINA));
    const open = (cardOf(sent[0].body).actions as any[]).find((x) => x.type === 'Action.OpenUrl');
    const link = new URL(open.url);
    expect(link.origin).toBe(PUBLIC_URL);
    expect(link.pathname).toMatch(/^\/wall\/[A-Za-z0-9_-]{43}$/);

    const page = await fetch(`${e.app.url}${link.pathname}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('for the escalation playbook');
    expect(html).not.toContain('private salary sheet');

    // Listed on the card with its Revoke button; someone who is not an admin cannot use it.
    const again = await settingsCard();
    const revoke = submitOf(again, 'Revoke "Support floor"');
    expect(revoke).toMatchObject({ data: { kudosAction: 'revokeWallLink' } });
    await click(ALICE, revoke.data);
    expect(lastText()).toContain('Only Kudos admins');
    expect((await fetch(`${e.app.url}${link.pathname}`)).status).toBe(200);
    await click(GINA, revoke.data);
    expect(lastText()).toContain('revoked');
    expect((await fetch(`${e.app.url}${link.pathname}`)).status).toBe(404);

    const actions = (await e.db.db.selectFrom('audit_log').select('action').orderBy('id').execute()).map((r) => r.action);
    expect(actions.filter((a) => a.startsWith('wall.'))).toEqual(['wall.link.create', 'wall.link.refused', 'wall.link.revoke']);
  });

  it('someone who is not an admin makes no link, and is told so', async () => {
    await e.send(botAddedToTeam(url(), { from: GINA }));
    e.connector.reset();
    await click(ALICE, { kudosAction: 'createWallLink', wallName: 'Mine' });
    expect(lastText()).toContain('Only Kudos admins');
    expect(await e.db.db.selectFrom('wall_link').selectAll().execute()).toEqual([]);
  });
});
