import { yearBefore } from '../../src/teams/cards/settings-card';
import { testDatabases } from '../helpers/db';
import { cardOf } from '../helpers/fake-connector';
import { parseCsv } from '../helpers/csv';
import { ALICE, BOB, BOT, CAROL, GINA, botAddedToTeam, channelMessage, personalChatId, personalMessage, type TeamsUser } from '../helpers/teams-activities';
import { useTeamsE2E } from '../helpers/teams-e2e';

const PUBLIC_URL = 'https://kudos.example.test';
const DAY = 24 * 60 * 60_000;

/**
 * The settings card's Data section in Teams, end to end through the real app and the fake Bot Connector: an
 * admin exports the workspace's kudos for a range of days by a link sent in their personal chat, and erases a
 * person. Each button is checked on the server: a forged submit from someone who is not an admin is refused and
 * audited.
 */
describe.each(testDatabases())('Teams settings card: Data on %s', (kind) => {
  let offsetMs = 0;
  const e = useTeamsE2E(kind, { env: { PUBLIC_URL }, clock: () => new Date(Date.now() + offsetMs) });
  const url = () => e.connector.url;
  const dayOf = (ms: number) => new Date(Date.now() + ms).toISOString().slice(0, 10);

  beforeEach(() => {
    offsetMs = 0;
  });

  const give = async (from: TeamsUser, to: TeamsUser, words: string, daysAgo: number) => {
    offsetMs = -daysAgo * DAY;
    const res = await e.send(channelMessage(url(), { from, parts: [BOT, ' thanks ', to, ` ${words}`] }));
    expect(res.status).toBe(200);
    offsetMs = 0;
  };

  /** Gina installs the bot (the first admin) and opens the settings card in her personal chat. */
  async function settingsCard(): Promise<any> {
    await e.send(botAddedToTeam(url(), { from: GINA }));
    e.connector.reset();
    await e.send(personalMessage(url(), { from: GINA, parts: ['settings'] }));
    const [reply] = e.connector.sent();
    expect(reply.conversationId).toBe(personalChatId(GINA));
    return cardOf(reply.body);
  }
  const submitOf = (card: any, title: string) =>
    card.body.filter((b: any) => b.type === 'ActionSet').flatMap((b: any) => b.actions).find((x: any) => x.title === title);
  /** An Action.Submit clicked by `from` in their personal chat: a message with the card's data and inputs as its value. */
  const click = (from: TeamsUser, value: Record<string, unknown>) => e.send({ ...personalMessage(url(), { from, parts: [] }), text: '', value });
  const lastReply = () => e.connector.sent().at(-1)?.body;
  const audit = () => e.db.db.selectFrom('audit_log').select(['action', 'target', 'after', 'actor_id']).orderBy('id').execute();
  const person = (u: TeamsUser) => e.db.db.selectFrom('person').selectAll().where('external_id', '=', u.id).executeTakeFirst();

  it('an admin exports a range of days from the card in the personal chat, and the link downloads exactly its kudos', async () => {
    await give(GINA, ALICE, 'for the old migration plan', 40);
    await give(BOB, CAROL, 'for the on-call handover', 10);
    await give(ALICE, BOB, 'for the pairing session today', 0);

    const card = await settingsCard();
    expect(card.actions[0]).toMatchObject({ verb: 'saveSettings' });
    const input = (id: string) => card.body.find((b: any) => b.id === id);
    expect(input('exportFrom')).toMatchObject({ type: 'Input.Date', value: yearBefore(dayOf(0)) });
    expect(yearBefore('2028-02-29')).toBe('2027-02-28');
    expect(input('exportTo')).toMatchObject({ type: 'Input.Date', value: dayOf(0) });
    expect(input('exportFormat').choices.map((c: any) => c.value)).toEqual(['csv', 'json']);
    const exportButton = submitOf(card, 'Export kudos');
    expect(exportButton).toMatchObject({ type: 'Action.Submit', data: { kudosAction: 'exportKudos' } });

    e.connector.reset();
    const fromDay = dayOf(-20 * DAY);
    const toDay = dayOf(-1 * DAY);
    await click(GINA, { ...exportButton.data, exportFrom: fromDay, exportTo: toDay, exportFormat: 'csv' });
    const sent = e.connector.sent();
    expect(sent).toHaveLength(1);
    expect(sent[0].conversationId).toBe(personalChatId(GINA));
    const links = (cardOf(sent[0].body).actions as any[]).filter((x) => x.type === 'Action.OpenUrl');
    expect(links).toHaveLength(1);
    const link = new URL(links[0].url);
    expect(link.origin).toBe(PUBLIC_URL);
    expect(link.searchParams.get('format')).toBe('csv');

    const res = await fetch(`${e.app.url}${link.pathname}${link.search}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const [header, ...records] = parseCsv(await res.text());
    const message = header.indexOf('message');
    expect(records.map((r) => r[message])).toEqual(['for the on-call handover']);

    // The whole range, as JSON: all three.
    e.connector.reset();
    await click(GINA, { ...exportButton.data, exportFrom: dayOf(-365 * DAY), exportTo: dayOf(0), exportFormat: 'json' });
    const jsonLink = new URL((cardOf(lastReply()).actions as any[])[0].url);
    const body = (await (await fetch(`${e.app.url}${jsonLink.pathname}${jsonLink.search}`)).json()) as any;
    const all = Array.isArray(body) ? body : body.kudos;
    expect(all.map((k: any) => k.message).sort()).toEqual(['for the old migration plan', 'for the on-call handover', 'for the pairing session today']);

    const exports = (await audit()).filter((a) => a.action === 'data.export');
    expect(exports.map((a) => a.after)).toEqual([
      { fromDay, toDay, format: 'csv', via: 'link' },
      { fromDay: dayOf(-365 * DAY), toDay: dayOf(0), format: 'json', via: 'link' },
    ]);
    expect(exports[0].actor_id).toBe((await person(GINA))!.id);
    // A person's own link still opens only their own kudos.
    e.connector.reset();
    await e.send(personalMessage(url(), { from: CAROL, parts: ['export'] }));
    const own = new URL((cardOf(lastReply()).actions as any[])[0].url);
    const [h2, ...mine] = parseCsv(await (await fetch(`${e.app.url}${own.pathname}${own.search}`)).text());
    expect(mine.map((r) => r[h2.indexOf('message')])).toEqual(['for the on-call handover']);
  });

  it('outside the personal chat an admin gets no link', async () => {
    const card = await settingsCard();
    e.connector.reset();
    const value = { ...submitOf(card, 'Export kudos').data, exportFrom: dayOf(-30 * DAY), exportTo: dayOf(0), exportFormat: 'csv' };
    await e.send({ ...channelMessage(url(), { from: GINA, parts: [] }), text: '', value });
    expect(String(lastReply()?.text)).toContain('personal chat');
    expect(cardOf(lastReply())).toBeUndefined();
    expect(await e.count('export_link')).toBe(0);
  });

  it("a non-admin's forged export is refused and audited, and gets no link", async () => {
    await give(GINA, ALICE, 'for the release notes', 1);
    const card = await settingsCard();
    e.connector.reset();
    const request = { exportFrom: dayOf(-30 * DAY), exportTo: dayOf(0), exportFormat: 'csv' };
    await click(ALICE, { ...submitOf(card, 'Export kudos').data, ...request });
    const sent = e.connector.sent();
    expect(sent).toHaveLength(1);
    expect(String(sent[0].body.text)).toContain('Only Kudos admins');
    expect(cardOf(sent[0].body)).toBeUndefined();
    expect(await e.count('export_link')).toBe(0);
    const refused = (await audit()).filter((a) => a.action.startsWith('data.export'));
    expect(refused).toEqual([
      expect.objectContaining({ action: 'data.export.refused', target: 'workspace', actor_id: (await person(ALICE))!.id, after: { fromDay: request.exportFrom, toDay: request.exportTo, format: 'csv' } }),
    ]);
  });

  it('an admin erases a person from the card, after confirming', async () => {
    await give(ALICE, BOB, 'for the flaky test fix', 2);
    await give(GINA, ALICE, 'for the clear release notes', 1);
    const card = await settingsCard();
    const picker = card.body.find((b: any) => b.id === 'erasePerson');
    expect(picker.type).toBe('Input.ChoiceSet');
    expect(picker.choices).toEqual(expect.arrayContaining([{ title: ALICE.name, value: ALICE.id }]));
    const erase = submitOf(card, 'Erase person');
    expect(erase).toMatchObject({ type: 'Action.Submit', data: { kudosAction: 'erasePerson' } });

    // Without the confirmation, nothing happens.
    e.connector.reset();
    await click(GINA, { ...erase.data, erasePerson: ALICE.id, eraseConfirm: 'false' });
    expect(String(lastReply()?.text)).toContain('confirm');
    expect((await person(ALICE))!.erased_at).toBeNull();

    await click(GINA, { ...erase.data, erasePerson: ALICE.id, eraseConfirm: 'true' });
    expect(String(lastReply()?.text)).toContain(`Erased ${ALICE.name}`);
    const alice = (await person(ALICE))!;
    expect(alice.erased_at).not.toBeNull();
    expect(alice.display_name).toBe('Former teammate');
    expect((await person(BOB))!.erased_at).toBeNull();
    const messages = (await e.db.db.selectFrom('kudos').select('message').execute()).map((k) => k.message).join('\n');
    expect(messages).not.toContain('flaky test');
    expect((await audit()).filter((a) => a.action.startsWith('person.erase'))).toEqual([
      expect.objectContaining({ action: 'person.erase', target: ALICE.id, actor_id: (await person(GINA))!.id }),
    ]);

    await click(GINA, { ...erase.data, erasePerson: ALICE.id, eraseConfirm: 'true' });
    expect(String(lastReply()?.text)).toContain('already erased');
    await click(GINA, { ...erase.data, erasePerson: '29:nobody-here', eraseConfirm: 'true' });
    expect(String(lastReply()?.text)).toContain('no such person');
  });

  it("a non-admin's forged erase is refused and audited, and erases nobody", async () => {
    await give(GINA, BOB, 'for the dashboards', 1);
    const card = await settingsCard();
    e.connector.reset();
    await click(ALICE, { ...submitOf(card, 'Erase person').data, erasePerson: BOB.id, eraseConfirm: 'true' });
    expect(String(lastReply()?.text)).toContain('Only Kudos admins');
    expect((await person(BOB))!.erased_at).toBeNull();
    expect((await audit()).filter((a) => a.action.startsWith('person.erase'))).toEqual([
      expect.objectContaining({ action: 'person.erase.refused', target: BOB.id, actor_id: (await person(ALICE))!.id, after: { reason: 'not_admin' } }),
    ]);
  });

  it('"Delete all data": refused for a non-admin (audited), needs the phrase, then deletes every row and keeps the admin', async () => {
    await give(ALICE, BOB, 'for the flaky test fix', 2);
    await give(GINA, ALICE, 'for the clear release notes', 1);
    const card = await settingsCard();
    const phrase = card.body.find((b: any) => b.id === 'deleteAllPhrase');
    expect(phrase).toMatchObject({ type: 'Input.Text', label: expect.stringContaining('delete all data') });
    const button = submitOf(card, 'Delete all data');
    expect(button).toMatchObject({ type: 'Action.Submit', data: { kudosAction: 'deleteAllData' } });
    const count = async (table: 'kudos' | 'person' | 'conversation_ref') => Number((await e.db.db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);

    e.connector.reset();
    await click(ALICE, { ...button.data, deleteAllPhrase: 'delete all data' });
    expect(String(lastReply()?.text)).toContain('Only Kudos admins');
    expect(await count('kudos')).toBe(2);
    expect((await audit()).map((a) => a.action)).toContain('data.delete_all.refused');

    await click(GINA, { ...button.data, deleteAllPhrase: 'please' });
    expect(String(lastReply()?.text)).toContain('Nothing was deleted');
    expect(await count('kudos')).toBe(2);

    await click(GINA, { ...button.data, deleteAllPhrase: 'delete all data' });
    expect(String(lastReply()?.text)).toContain('Done: 2 kudos');
    expect(await count('kudos')).toBe(0);
    expect(await count('conversation_ref')).toBeLessThanOrEqual(1); // at most Gina's chat, met again as she clicked
    const entries = await audit();
    expect(entries.map((a) => a.action)).toEqual(['data.delete_all', 'setting.update']);
    expect(entries[0]).toMatchObject({ target: GINA.id });

    // Gina is still an admin: the settings card opens for her, and not for Alice.
    e.connector.reset();
    await e.send(personalMessage(url(), { from: GINA, parts: ['settings'] }));
    expect(cardOf(e.connector.sent()[0].body).body.some((b: any) => b.id === 'deleteAllPhrase')).toBe(true);
    // And kudos go on being recorded in the same workspace.
    await give(ALICE, BOB, 'for starting over with us', 0);
    expect(await count('kudos')).toBe(1);
  });
});
