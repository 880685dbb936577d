import { Writable } from 'node:stream';
import { createLogger } from '../../src/logger';
import { testDatabases } from '../helpers/db';
import { cardOf, cardText } from '../helpers/fake-connector';
import { ALICE, CHANNEL, GINA, adaptiveCardAction, botAddedToTeam, channelMessage, BOT, personalChatId, personalMessage } from '../helpers/teams-activities';
import { useTeamsE2E } from '../helpers/teams-e2e';

const logs: string[] = [];
const logger = createLogger(
  'info',
  new Writable({
    write(chunk, _enc, done) {
      logs.push(String(chunk));
      done();
    },
  }),
);

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
    const res = await e.send(adaptiveCardAction(url(), 'saveSettings', { ...save.data, allowancePerDay: 'lots', digestTimeZone: 'Mars/Olympus' }, { from: GINA }));
    expect(cardText(res.json.value)).toContain('Daily allowance: Enter a whole number.');
    expect(await setting('allowancePerDay')).toBeUndefined();
    const tz = await e.send(adaptiveCardAction(url(), 'saveSettings', { ...save.data, digestTimeZone: 'Mars/Olympus' }, { from: GINA }));
    expect(cardText(tz.json.value)).toContain('Digest time zone: not a known IANA time zone');
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
    expect(cardText(res.json.value)).toContain('Keep at least one admin');
    expect((await setting('admins'))?.value).toEqual([GINA.id]);
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
    expect(cardText(cardOf(update.body))).toContain('Saved: Shortest message.');
  });
});
