import { SETTING_LABELS } from '../../src/core/setting-labels';
import { saveSetting } from '../../src/core/settings-store';
import { testDatabases } from '../helpers/db';
import { cardOf, cardText } from '../helpers/fake-connector';
import { ALICE, CHANNEL, GINA, adaptiveCardAction, botAddedToTeam, channelMessage, BOT, personalChatId, personalMessage } from '../helpers/teams-activities';
import { captureLogs } from '../helpers/logs';
import { useTeamsE2E } from '../helpers/teams-e2e';

const { lines: logs, logger } = captureLogs();

describe.each(testDatabases())('Teams admin settings card end to end on %s', (kind) => {
  const e = useTeamsE2E(kind, { logger });
  const url = () => e.connector.url;

  /** Gina installs the bot (first admin), and the bot learns the Wins channel from a message there. */
  async function installed() {
    await e.send(botAddedToTeam(url(), { from: GINA }));
    await e.send(channelMessage(url(), { from: ALICE, parts: [BOT, ' help'] }));
    e.connector.reset();
  }

  async function settingsCard() {
    await e.send(personalMessage(url(), { from: GINA, parts: ['settings'] }));
    const [reply] = e.connector.sent();
    expect(reply.conversationId).toBe(personalChatId(GINA));
    const card = cardOf(reply.body);
    const save = card.actions[0];
    return { card, save };
  }

  const errorIds = (card: any): string[] => card.body.map((b: any) => b.id).filter((id: unknown) => typeof id === 'string' && id.endsWith('Error'));
  const notice = (card: any): string | undefined => card.body.find((b: any) => b.id === 'notice')?.text;
  /** What `settings` answers this person: the card, or null when they get only a refusal. */
  async function settingsFor(who: typeof GINA) {
    e.connector.reset();
    await e.send(personalMessage(url(), { from: who, parts: ['settings'] }));
    const [reply] = e.connector.sent();
    return cardOf(reply.body) ?? null;
  }

  const setting = async (key: string) => {
    const row = await e.db.db.selectFrom('setting').select(['value', 'version']).where('key', '=', key).executeTakeFirst();
    return row;
  };

  it('an admin gets the settings card in personal chat, with a Universal Action (and an Action.Submit fallback)', async () => {
    await installed();
    const { card, save } = await settingsCard();
    expect(card.version).toBe('1.5');
    expect(save).toMatchObject({ type: 'Action.Execute', verb: 'saveSettings', fallback: { type: 'Action.Submit' } });
    expect(save.data.versions).toMatchObject({ allowancePerDay: 0, admins: 1 });
    const channels = card.body.find((b: any) => b.id === 'digestChannel').choices;
    expect(channels).toEqual(expect.arrayContaining([{ title: 'Support › Wins', value: CHANNEL.id }]));
    expect(card.body.find((b: any) => b.id === 'admins').value).toBe(GINA.id);
  });

  it('an admin saves through Action.Execute: checked, versioned, audited, and answered with the refreshed card', async () => {
    await installed();
    const { save } = await settingsCard();
    const res = await e.send(
      adaptiveCardAction(url(), 'saveSettings', {
        ...save.data,
        allowancePerDay: '3',
        minMessageLength: '10',
        valueRequired: 'true',
        kudosChannel: '-',
        digestEnabled: 'true',
        digestChannel: CHANNEL.id,
        digestWeekday: '5',
        digestTime: '16:00',
        digestTimeZone: 'Europe/Paris',
        admins: GINA.id,
      }, { from: GINA }),
    );
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' });
    expect(cardText(res.json.value)).toContain('Saved: Daily allowance, Value required and Weekly digest.');
    expect((await setting('allowancePerDay'))?.value).toBe(3);
    expect((await setting('valueRequired'))?.value).toBe(true);
    expect((await setting('digest'))?.value).toMatchObject({ channel: CHANNEL.id, timeZone: 'Europe/Paris', weekday: 5 });
    const audit = await e.db.db.selectFrom('audit_log').select(['target', 'actor_id']).where('target', '!=', 'admins').orderBy('id').execute();
    expect(audit.map((a) => a.target)).toEqual(['allowancePerDay', 'valueRequired', 'digest']);
    expect(audit.every((a) => a.actor_id !== null)).toBe(true);
  });

  it('an admin card submitted by someone who is not an admin is refused, logged, and changes nothing', async () => {
    await installed();
    const { save } = await settingsCard();
    logs.length = 0;
    const res = await e.send(adaptiveCardAction(url(), 'saveSettings', { ...save.data, allowancePerDay: '1000', admins: `${GINA.id},${ALICE.id}` }, { from: ALICE }));
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.activity.message' });
    expect(res.json.value).toContain('Only Kudos admins can change the settings');
    expect(await setting('allowancePerDay')).toBeUndefined();
    expect((await setting('admins'))?.value).toEqual([GINA.id]);
    expect(await e.db.db.selectFrom('audit_log').select('id').where('target', '!=', 'admins').execute()).toHaveLength(0);
    expect(logs.join('')).toContain('refused a settings change from someone who is not an admin');
  });

  it('`settings` from someone who is not an admin shows no card', async () => {
    await installed();
    await e.send(personalMessage(url(), { from: ALICE, parts: ['settings'] }));
    const [reply] = e.connector.sent();
    expect(cardOf(reply.body)).toBeUndefined();
    expect(reply.body.text).toContain('Only Kudos admins can change the settings');
  });

  it('bad values come back in the card and nothing is saved', async () => {
    await installed();
    const { save } = await settingsCard();
    const res = await e.send(adaptiveCardAction(url(), 'saveSettings', { ...save.data, allowancePerDay: 'lots', digestTimeZone: 'Mars/Olympus', minMessageLength: '20' }, { from: GINA }));
    expect(errorIds(res.json.value)).toEqual(['allowancePerDayError', 'digestTimeZoneError']);
    expect(cardText(res.json.value)).toContain(`${SETTING_LABELS.allowancePerDay}:`);
    // Nothing is saved while any input is wrong, not even the good ones.
    expect(await setting('allowancePerDay')).toBeUndefined();
    expect(await setting('minMessageLength')).toBeUndefined();
    const tz = await e.send(adaptiveCardAction(url(), 'saveSettings', { ...save.data, digestTimeZone: 'Mars/Olympus' }, { from: GINA }));
    expect(errorIds(tz.json.value)).toEqual(['digestTimeZoneError']);
    expect(await setting('digest')).toBeUndefined();
  });

  it('a save from an out-of-date card (someone saved meanwhile) is caught, not overwritten', async () => {
    await installed();
    const { save } = await settingsCard();
    await e.send(adaptiveCardAction(url(), 'saveSettings', { ...save.data, allowancePerDay: '7' }, { from: GINA }));
    const stale = await e.send(adaptiveCardAction(url(), 'saveSettings', { ...save.data, allowancePerDay: '9' }, { from: GINA }));
    expect(cardText(stale.json.value)).toContain('someone else changed this meanwhile');
    expect((await setting('allowancePerDay'))?.value).toBe(7);
  });

  it('the admin list cannot be emptied', async () => {
    await installed();
    const { save } = await settingsCard();
    const res = await e.send(adaptiveCardAction(url(), 'saveSettings', { ...save.data, admins: '' }, { from: GINA }));
    expect(errorIds(res.json.value)).toEqual(['adminsError']);
    expect((await setting('admins'))?.value).toEqual([GINA.id]);
    expect(await e.db.db.selectFrom('audit_log').select('id').where('target', '=', 'admins').execute()).toHaveLength(1);
  });

  it('someone added to the admin list gets the card at once; someone taken off loses it and their saves are refused', async () => {
    await installed();
    expect(await settingsFor(ALICE)).toBeNull();
    e.connector.reset();
    const { save } = await settingsCard();
    await e.send(adaptiveCardAction(url(), 'saveSettings', { ...save.data, admins: `${GINA.id},${ALICE.id}` }, { from: GINA }));
    expect((await setting('admins'))?.value).toEqual([GINA.id, ALICE.id]);
    const aliceCard = await settingsFor(ALICE);
    expect(aliceCard.actions[0].verb).toBe('saveSettings');

    // Alice takes Gina off the list: allowed, since Alice is still in it.
    const out = await e.send(adaptiveCardAction(url(), 'saveSettings', { ...aliceCard.actions[0].data, admins: ALICE.id }, { from: ALICE }));
    expect(notice(out.json.value)).toBe(`✅ Saved: ${SETTING_LABELS.admins}.`);
    expect(await settingsFor(GINA)).toBeNull();
    const refused = await e.send(adaptiveCardAction(url(), 'saveSettings', { ...save.data, allowancePerDay: '9' }, { from: GINA }));
    expect(refused.json.type).toBe('application/vnd.microsoft.activity.message');
    expect(await setting('allowancePerDay')).toBeUndefined();
    const rows = await e.db.db.selectFrom('audit_log').leftJoin('person', 'person.id', 'audit_log.actor_id').select(['target', 'after', 'external_id']).where('target', '=', 'admins').orderBy('audit_log.id').execute();
    expect(rows.map((r) => [r.after, r.external_id])).toEqual([
      [[GINA.id], GINA.id],
      [[GINA.id, ALICE.id], GINA.id],
      [[ALICE.id], ALICE.id],
    ]);
  });

  it('counts an Entra object id in the admin list, and the last admin cannot take themselves off', async () => {
    await installed();
    const ws = await e.db.db.selectFrom('workspace').select('id').where('platform', '=', 'teams').executeTakeFirstOrThrow();
    await saveSetting(e.db.db, { workspaceId: ws.id, key: 'admins', value: [ALICE.aadObjectId!], expectedVersion: 1, actorId: null });
    const card = await settingsFor(ALICE);
    expect(card).not.toBeNull();
    const res = await e.send(adaptiveCardAction(url(), 'saveSettings', { ...card.actions[0].data, admins: '' }, { from: ALICE }));
    expect(errorIds(res.json.value)).toEqual(['adminsError']);
    expect((await setting('admins'))?.value).toEqual([ALICE.aadObjectId]);
  });

  it('the Action.Submit fallback (a message with the card data) saves too, and updates the card in place', async () => {
    await installed();
    const { save } = await settingsCard();
    const cardId = e.connector.sent()[0].newId!;
    const submit = { ...personalMessage(url(), { from: GINA, parts: [] }), text: '', replyToId: cardId, value: { ...save.data, minMessageLength: '25' } };
    await e.send(submit);
    expect((await setting('minMessageLength'))?.value).toBe(25);
    const [update] = e.connector.callsOf('update');
    expect(update.activityId).toBe(cardId);
    expect(notice(cardOf(update.body))).toBe(`✅ Saved: ${SETTING_LABELS.minMessageLength}.`);
  });
});
