import { saveSetting } from '../../src/core/settings-store';
import { DEFAULT_VALUES } from '../../src/core/values';
import { startTestApp, type TestApp } from '../helpers/app';
import { createTestDb, testDatabases, type TestDb } from '../helpers/db';
import { FakeSlack } from '../helpers/fake-slack';
import { captureLogs } from '../helpers/logs';
import { useSlackE2E } from '../helpers/slack-e2e';
import { postSigned } from '../helpers/slack-requests';
import { actionIds, blockAction, blockSuggestion, formState, homeOpened, state, viewSubmission, viewText, type SentView } from '../helpers/slack-views';

const { lines: logs, logger } = captureLogs();

const CONFLICT = 'Someone else changed this while you had it open';

describe.each(testDatabases())('App Home for admins, end to end on %s', (kind) => {
  const e = useSlackE2E(kind, { logger });
  const json = { contentType: 'application/json' };
  const ws = () => e.app.kudos.slack!.workspace();
  const lastHome = (user: string) => e.fake.callsTo('views.publish').filter((c) => c.params.user_id === user).at(-1)?.params.view;
  const opened = () => e.fake.callsTo('views.open').at(-1)!.params.view as SentView;
  const pushed = () => e.fake.callsTo('views.push').at(-1)!.params.view as SentView;
  const setting = (key: string) => e.db.db.selectFrom('setting').select(['value', 'version']).where('key', '=', key).executeTakeFirst();
  const audit = () => e.db.db.selectFrom('audit_log').leftJoin('person', 'person.id', 'audit_log.actor_id').select(['action', 'target', 'before', 'after', 'external_id']).orderBy('audit_log.id').execute();
  const person = (id: string) => e.db.db.selectFrom('person').selectAll().where('external_id', '=', id).executeTakeFirstOrThrow();

  /** An admin clicks Edit next to a setting on the Home; the form Slack was asked to open. */
  async function openSetting(user: string, key: string): Promise<SentView> {
    const before = e.fake.callsTo('views.open').length;
    await e.post(blockAction({ userId: user, actionId: `admin_edit:${key}`, value: key }));
    expect(e.fake.callsTo('views.open')).toHaveLength(before + 1);
    return opened();
  }
  const submit = (user: string, view: SentView, changes: Record<string, Record<string, unknown>> = {}, extra: { previousViewId?: string; privateMetadata?: string } = {}) =>
    e.post(viewSubmission({ userId: user, view, values: formState(view, changes), ...extra }));

  beforeEach(async () => {
    logs.length = 0;
    // Values are kept between tests (the running app's workspace owns them): put the defaults back.
    await e.db.db.deleteFrom('value').where('slug', 'not in', DEFAULT_VALUES.map((v) => v.slug)).execute();
    for (const v of DEFAULT_VALUES) await e.db.db.updateTable('value').set({ label: v.label, emoji: v.emoji, active: true }).where('slug', '=', v.slug).execute();
  });

  it('shows a Slack admin the settings, the values, the digest controls and an empty audit log', async () => {
    await e.post(homeOpened('UADMIN'), json);
    const home = lastHome('UADMIN');
    const text = viewText(home);
    expect(home.blocks.length).toBeLessThanOrEqual(100);
    expect(text).toContain('Kudos settings');
    expect(text).toContain('Slack workspace owner or admin');
    expect(actionIds(home)).toEqual(
      expect.arrayContaining([
        'admin_edit:kudosChannel',
        'admin_edit:digest',
        'admin_edit:allowancePerDay',
        'admin_edit:minMessageLength',
        'admin_edit:valueRequired',
        'admin_edit:reactionEmoji',
        'admin_edit:observances',
        'admin_edit:admins',
        'admin_values',
        'admin_custom_observances',
        'admin_digest_preview',
        'admin_digest_post',
      ]),
    );
    const post = home.blocks.flatMap((b: any) => b.elements ?? []).find((el: any) => el.action_id === 'admin_digest_post');
    expect(post.confirm).toMatchObject({ confirm: { text: 'Post it' }, deny: { text: 'Cancel' } });
    expect(text).toContain('11 active values');
    expect(text).toContain('No changes yet');
  });

  it('shows people in the admin list the admin part too, and others none of it', async () => {
    await saveSetting(e.db.db, { workspaceId: ws().id, key: 'admins', value: ['UCAROL'], expectedVersion: 0, actorId: null });
    await e.post(homeOpened('UCAROL'), json);
    expect(viewText(lastHome('UCAROL'))).toContain('You see this because you are in the Kudos admin list.');
    await e.post(homeOpened('UBOB'), json);
    expect(viewText(lastHome('UBOB'))).not.toContain('Kudos settings');
  });

  describe('a form per setting, with inline errors', () => {
    const cases: Array<{ key: string; valid: Record<string, Record<string, unknown>>; saved: unknown; invalid: Record<string, Record<string, unknown>>; block: string; error: string }> = [
      { key: 'kudosChannel', valid: { channel: state.conversation('C0KUDOS') }, saved: 'C0KUDOS', invalid: { channel: state.conversation('#not a channel') }, block: 'channel', error: 'Not a channel id' },
      {
        key: 'digest',
        valid: { enabled: state.radio('off'), channel: state.conversation('C0DIGEST'), weekday: state.select('1'), time: state.time('09:30'), timeZone: state.text('Europe/Paris') },
        saved: { enabled: false, channel: 'C0DIGEST', weekday: 1, time: '09:30', timeZone: 'Europe/Paris', topCount: 3, quietWeek: 'nudge' },
        invalid: { timeZone: state.text('Mars/Olympus_Mons') },
        block: 'timeZone',
        error: 'is not a time zone I know',
      },
      { key: 'allowancePerDay', valid: { limit: state.text('3') }, saved: 3, invalid: { limit: state.text('0') }, block: 'limit', error: 'from 1 to 1000' },
      { key: 'minMessageLength', valid: { min: state.text('20') }, saved: 20, invalid: { min: state.text('lots') }, block: 'min', error: 'from 0 to 1000' },
      { key: 'valueRequired', valid: { required: state.radio('yes') }, saved: true, invalid: { required: state.radio(null) }, block: 'required', error: 'Choose yes or no' },
      { key: 'reactionEmoji', valid: { emoji: state.text(':tada: :fire: tada') }, saved: ['tada', 'fire'], invalid: { emoji: state.text(':thumbsup::skin-tone-2:') }, block: 'emoji', error: 'not emoji names' },
      {
        key: 'observances',
        valid: {
          builtIn: state.checkboxes(['customer-service-week', 'employee-appreciation-day']),
          'prompt:customer-service-week': state.text('Thank the person who answered your question today.'),
          announceDaysBefore: state.text('3'),
          reminderTiming: state.radio('day-before'),
          postTime: state.time('08:00'),
        },
        saved: {
          builtIn: {
            'customer-service-week': { enabled: true, prompt: 'Thank the person who answered your question today.' },
            'employee-appreciation-day': { enabled: true, prompt: null },
            'independence-day': { enabled: false, prompt: null },
            thanksgiving: { enabled: false, prompt: null },
          },
          channel: null,
          announceDaysBefore: 3,
          reminderTiming: 'day-before',
          postTime: '08:00',
          custom: [],
        },
        invalid: { announceDaysBefore: state.text('99') },
        block: 'announceDaysBefore',
        error: 'from 0 to 30',
      },
      { key: 'admins', valid: { admins: state.users(['UBOB', 'UCAROL']) }, saved: ['UBOB', 'UCAROL'], invalid: { admins: state.users(['x'.repeat(101)]) }, block: 'admins', error: 'out of range' },
    ];

    it.each(cases)('$key: saves a valid change (versioned, audited, the Home refreshed)', async ({ key, valid, saved }) => {
      await e.post(homeOpened('UADMIN'), json);
      const form = await openSetting('UADMIN', key);
      expect(form.callback_id).toBe(`settings:${key}`);
      expect(JSON.parse(form.private_metadata!)).toEqual({ v: 0 });
      const res = await submit('UADMIN', form, valid);
      expect(res.status).toBe(200);
      expect(res.text).toBe('');
      expect(await setting(key)).toEqual({ value: saved, version: 1 });
      const [row] = await audit();
      expect(row).toMatchObject({ action: 'setting.update', target: key, after: saved, external_id: 'UADMIN' });
      expect(viewText(lastHome('UADMIN'))).toContain(':white_check_mark: Saved:');
    });

    it.each(cases)('$key: answers an invalid value with an error beside its field, and saves nothing', async ({ key, invalid, block, error }) => {
      const form = await openSetting('UADMIN', key);
      const res = await submit('UADMIN', form, invalid);
      expect(res.json).toEqual({ response_action: 'errors', errors: { [block]: expect.stringContaining(error) } });
      expect(await setting(key)).toBeUndefined();
      expect(await audit()).toHaveLength(0);
    });

    it('reads an empty allowance as unlimited', async () => {
      const form = await openSetting('UADMIN', 'allowancePerDay');
      await submit('UADMIN', form, { limit: state.text('') });
      expect(await setting('allowancePerDay')).toEqual({ value: null, version: 1 });
    });

    it('opens each form with the current value, so an untouched form saves the same value', async () => {
      await saveSetting(e.db.db, { workspaceId: ws().id, key: 'minMessageLength', value: 25, expectedVersion: 0, actorId: null });
      const form = await openSetting('UADMIN', 'minMessageLength');
      expect(JSON.parse(form.private_metadata!)).toEqual({ v: 1 });
      await submit('UADMIN', form);
      expect(await setting('minMessageLength')).toEqual({ value: 25, version: 2 });
    });

    it('keeps at least one admin when the one emptying the list is not a Slack admin', async () => {
      await saveSetting(e.db.db, { workspaceId: ws().id, key: 'admins', value: ['UCAROL'], expectedVersion: 0, actorId: null });
      const form = await openSetting('UCAROL', 'admins');
      const res = await submit('UCAROL', form, { admins: state.users([]) });
      expect(res.json).toEqual({ response_action: 'errors', errors: { admins: expect.any(String) } });
      expect(await setting('admins')).toEqual({ value: ['UCAROL'], version: 1 });
      // A Slack admin may empty it: they stay an admin through Slack.
      const again = await openSetting('UADMIN', 'admins');
      await submit('UADMIN', again, { admins: state.users([]) });
      expect(await setting('admins')).toEqual({ value: [], version: 2 });
    });
  });

  describe('two admins saving the same setting', () => {
    beforeEach(async () => {
      await saveSetting(e.db.db, { workspaceId: ws().id, key: 'admins', value: ['UCAROL'], expectedVersion: 0, actorId: null });
    });

    it('saves the first, and tells the second that someone else changed it and to reopen', async () => {
      const ada = await openSetting('UADMIN', 'allowancePerDay');
      const carol = await openSetting('UCAROL', 'allowancePerDay');
      expect(await submit('UADMIN', ada, { limit: state.text('3') })).toMatchObject({ status: 200, text: '' });
      const res = await submit('UCAROL', carol, { limit: state.text('7') });
      expect(res.json).toEqual({ response_action: 'errors', errors: { limit: expect.stringContaining(CONFLICT) } });
      expect(res.json.errors.limit).toContain('open it again');
      expect(await setting('allowancePerDay')).toEqual({ value: 3, version: 1 });
      expect((await audit()).filter((a) => a.target === 'allowancePerDay')).toHaveLength(1);
      // Reopened, Carol sees 3 and can save hers over it.
      const reopened = await openSetting('UCAROL', 'allowancePerDay');
      expect(formState(reopened).limit.value).toEqual(state.text('3'));
      await submit('UCAROL', reopened, { limit: state.text('7') });
      expect(await setting('allowancePerDay')).toEqual({ value: 7, version: 2 });
    });

    it('lets exactly one of two simultaneous saves through', async () => {
      const ada = await openSetting('UADMIN', 'digest');
      const carol = await openSetting('UCAROL', 'digest');
      const [a, c] = await Promise.all([
        postSigned(e.app.url, viewSubmission({ userId: 'UADMIN', view: ada, values: formState(ada, { time: state.time('10:00') }) })),
        postSigned(e.app.url, viewSubmission({ userId: 'UCAROL', view: carol, values: formState(carol, { time: state.time('11:00') }) })),
      ]);
      await e.idle();
      const outcomes = [a, c].map((r) => (r.text === '' ? 'saved' : r.json.errors.enabled.includes(CONFLICT) ? 'conflict' : r.text));
      expect(outcomes.sort()).toEqual(['conflict', 'saved']);
      const row = await setting('digest');
      expect(row!.version).toBe(1);
      expect(['10:00', '11:00']).toContain((row!.value as { time: string }).time);
      expect((await audit()).filter((x) => x.target === 'digest')).toHaveLength(1);
    });
  });

  describe('refuses admin actions from anyone else, whatever the payload says', () => {
    const refused = () => logs.filter((l) => l.includes('refused an admin action')).map((l) => JSON.parse(l));

    it('a non-admin clicking an admin button gets no form, a plain Home, and is logged', async () => {
      await e.post(blockAction({ userId: 'UBOB', actionId: 'admin_edit:digest', value: 'digest' }));
      expect(e.fake.callsTo('views.open')).toHaveLength(0);
      expect(viewText(lastHome('UBOB'))).toContain('Only Kudos admins can change this');
      expect(viewText(lastHome('UBOB'))).not.toContain('Kudos settings');
      expect(refused()).toEqual([expect.objectContaining({ user: 'UBOB', action: 'open setting' })]);
    });

    it("a forged view_submission (an admin's form, any version in private_metadata) changes nothing", async () => {
      const form = await openSetting('UADMIN', 'allowancePerDay');
      const res = await submit('UBOB', form, { limit: state.text('1000') }, { privateMetadata: JSON.stringify({ v: 0, user: 'UADMIN', admin: true }) });
      expect(res.json.response_action).toBe('update');
      expect(JSON.stringify(res.json.view)).toContain('Only Kudos admins can change this');
      expect(await setting('allowancePerDay')).toBeUndefined();
      expect(await audit()).toHaveLength(0);
      expect(refused()).toEqual([expect.objectContaining({ user: 'UBOB', action: 'save setting allowancePerDay' })]);
    });

    it.each([
      ['a value', 'admin_value_form', JSON.stringify({ id: null, label: '', emoji: '', active: true }), { label: { value: state.text('Sneaky') }, emoji: { value: state.text('smirk') } }],
      ['a custom observance', 'admin_custom_form', JSON.stringify({ v: 0, id: null }), { name: { value: state.text('Free pizza day') }, date: { value: state.text('1 April') }, days: { value: state.text('1') }, message: { value: state.text('Pizza!') } }],
      ['the admin list', 'settings:admins', JSON.stringify({ v: 0 }), { admins: { value: state.users(['UBOB']) } }],
    ])('a forged submission of %s is refused', async (_what, callbackId, metadata, values) => {
      const res = await e.post(viewSubmission({ userId: 'UBOB', view: { callback_id: callbackId, private_metadata: metadata, blocks: [] }, values }));
      expect(res.json.response_action).toBe('update');
      expect(await e.db.db.selectFrom('value').select('slug').where('label', '=', 'Sneaky').execute()).toHaveLength(0);
      expect(await setting('observances')).toBeUndefined();
      expect(await setting('admins')).toBeUndefined();
      expect(refused()).toHaveLength(1);
    });

    it('an admin demoted in Slack loses access once their admin flag is more than 15 minutes old', async () => {
      const form = await openSetting('UADMIN', 'minMessageLength');
      e.fake.addUser({ id: 'UADMIN', name: 'ada', is_admin: false });
      e.advance(16 * 60_000);
      const res = await submit('UADMIN', form, { min: state.text('30') });
      expect(res.json.response_action).toBe('update');
      expect(await setting('minMessageLength')).toBeUndefined();
      expect((await person('UADMIN')).is_platform_admin).toBe(false);
      e.fake.addUser({ id: 'UADMIN', name: 'ada', is_admin: true });
    });
  });

  describe('the Home decides who is an admin with the same 15-minute re-check as every action', () => {
    const hasAdminPart = (user: string) => (lastHome(user)?.blocks ?? []).some((b: any) => b.block_id === 'admin_header');
    const openHome = (user: string) => e.post(homeOpened(user), json);
    const users = { UADMIN: { id: 'UADMIN', name: 'ada', is_admin: true }, UBOB: { id: 'UBOB', name: 'bob', tz: 'Europe/London' } };
    afterEach(() => {
      e.fake.addUser(users.UADMIN).addUser(users.UBOB);
    });

    it('a Slack admin demoted in Slack keeps the admin part for 15 minutes, then loses it, and "Post digest now" with it', async () => {
      await openHome('UADMIN');
      expect(hasAdminPart('UADMIN')).toBe(true);
      e.fake.addUser({ ...users.UADMIN, is_admin: false });
      e.advance(14 * 60_000);
      await openHome('UADMIN');
      expect(hasAdminPart('UADMIN')).toBe(true);
      expect(e.fake.callsTo('users.info').filter((c) => c.params.user === 'UADMIN')).toHaveLength(1);

      e.advance(2 * 60_000);
      await openHome('UADMIN');
      expect(hasAdminPart('UADMIN')).toBe(false);
      expect(actionIds(lastHome('UADMIN'))).not.toContain('admin_digest_post');
      expect(e.fake.callsTo('users.info').filter((c) => c.params.user === 'UADMIN')).toHaveLength(2);
      expect((await person('UADMIN')).is_platform_admin).toBe(false);

      await e.post(blockAction({ userId: 'UADMIN', actionId: 'admin_digest_post', value: '2026-W01' }));
      expect(await audit()).toEqual([]);
      expect(e.fake.callsTo('chat.postMessage')).toHaveLength(0);
      expect(hasAdminPart('UADMIN')).toBe(false);
    });

    it('someone promoted in Slack gets the admin part once their profile is 15 minutes old', async () => {
      await openHome('UBOB');
      expect(hasAdminPart('UBOB')).toBe(false);
      e.fake.addUser({ ...users.UBOB, is_admin: true });
      e.advance(14 * 60_000);
      await openHome('UBOB');
      expect(hasAdminPart('UBOB')).toBe(false);
      e.advance(2 * 60_000);
      await openHome('UBOB');
      expect(hasAdminPart('UBOB')).toBe(true);
      expect(actionIds(lastHome('UBOB'))).toEqual(expect.arrayContaining(['admin_edit:admins', 'admin_digest_post']));
      // And their clicks are let through: the form opens.
      await openSetting('UBOB', 'allowancePerDay');
    });

    it('someone taken off the admin list loses the admin part at once, and a Slack admin still may empty the list', async () => {
      await saveSetting(e.db.db, { workspaceId: ws().id, key: 'admins', value: ['UCAROL'], expectedVersion: 0, actorId: null });
      await openHome('UCAROL');
      expect(hasAdminPart('UCAROL')).toBe(true);
      const form = await openSetting('UADMIN', 'admins');
      expect(await submit('UADMIN', form, { admins: state.users([]) })).toMatchObject({ status: 200, text: '' });
      await openHome('UCAROL');
      expect(hasAdminPart('UCAROL')).toBe(false);
      expect((await audit()).map((a) => [a.target, a.after, a.external_id])).toEqual([
        ['admins', ['UCAROL'], null],
        ['admins', [], 'UADMIN'],
      ]);
    });
  });

  describe('values', () => {
    async function openValues(user = 'UADMIN'): Promise<SentView & { id: string }> {
      await e.post(blockAction({ userId: user, actionId: 'admin_values', value: 'values' }));
      return { ...opened(), id: 'VLIST1' };
    }
    const value = (slug: string) => e.db.db.selectFrom('value').selectAll().where('slug', '=', slug).executeTakeFirst();

    it('lists every value, active or not, with an Edit button each', async () => {
      const list = await openValues();
      expect(list.callback_id).toBe('admin_values_list');
      expect(actionIds(list).filter((a) => a === 'admin_value_edit')).toHaveLength(11);
      expect(viewText(list)).toContain(':heart: *Empathy*  `#empathy`');
    });

    it('adds a value from the list: audited, the list refreshed, and usable in a kudos at once', async () => {
      const list = await openValues();
      await e.post(blockAction({ userId: 'UADMIN', actionId: 'admin_value_add', value: 'add', view: list }));
      const form = pushed();
      expect(form.callback_id).toBe('admin_value_form');
      const res = await submit('UADMIN', form, { label: state.text('Customer love'), emoji: state.text(':heart_eyes:') }, { previousViewId: list.id });
      expect(res.text).toBe('');
      expect(await value('customer-love')).toMatchObject({ label: 'Customer love', emoji: 'heart_eyes', active: true, position: 11 });
      expect(await audit()).toEqual([expect.objectContaining({ action: 'value.create', target: 'customer-love', external_id: 'UADMIN' })]);
      const update = e.fake.callsTo('views.update').at(-1)!;
      expect(update.params.view_id).toBe(list.id);
      expect(viewText(update.params.view)).toContain('Customer love');
      const r = await e.thanks('<@UALICE> for the lovely reply to that customer #customer-love');
      expect(r.json.text).toContain('Kudos sent');
    });

    it.each([
      [{ label: state.text(''), emoji: state.text('not an emoji!') }, { label: 'Give the value a name', emoji: 'Use an emoji name' }],
      [{ label: state.text('Empathy'), emoji: state.text('heart') }, { label: 'already a value tagged #empathy' }],
      [{ label: state.text('24/7 support'), emoji: state.text('clock') }, { label: 'Start the name with a letter' }],
      [{ label: state.text('Care'), emoji: state.text('heart'), slug: state.text('9lives') }, { slug: 'A tag starts with a letter' }],
    ])('refuses a new value with errors beside its fields (%#)', async (changes, errors) => {
      const list = await openValues();
      await e.post(blockAction({ userId: 'UADMIN', actionId: 'admin_value_add', value: 'add', view: list }));
      const res = await submit('UADMIN', pushed(), changes);
      expect(res.json.response_action).toBe('errors');
      for (const [block, text] of Object.entries(errors)) expect(res.json.errors[block]).toContain(text);
      expect(await audit()).toHaveLength(0);
    });

    it('edits the label and emoji (the tag stays), and deactivates a value: past kudos keep it, new ones cannot use it', async () => {
      await e.thanks('<@UALICE> for listening so carefully #empathy');
      const empathy = (await value('empathy'))!;
      const list = await openValues();
      await e.post(blockAction({ userId: 'UADMIN', actionId: 'admin_value_edit', value: String(empathy.id), view: list }));
      const form = pushed();
      expect(formState(form).active.value).toEqual(state.radio('active'));
      await submit('UADMIN', form, { label: state.text('Deep empathy'), emoji: state.text(':hugging_face:') }, { previousViewId: list.id });
      expect(await value('empathy')).toMatchObject({ label: 'Deep empathy', emoji: 'hugging_face', active: true });

      await e.post(blockAction({ userId: 'UADMIN', actionId: 'admin_value_edit', value: String(empathy.id), view: list }));
      await submit('UADMIN', pushed(), { active: state.radio('inactive') });
      expect((await value('empathy'))!.active).toBe(false);
      expect(await e.count('kudos_value')).toBe(1);
      const r = await e.thanks('<@UBOB> for listening so carefully #empathy');
      expect(r.json.text).toContain('empathy');
      expect(await e.count('kudos')).toBe(1);

      const rows = await audit();
      expect(rows.map((a) => a.action)).toEqual(['value.update', 'value.update']);
      expect(rows[0]).toMatchObject({ before: { label: 'Empathy', emoji: 'heart' }, after: { label: 'Deep empathy', emoji: 'hugging_face', slug: 'empathy' } });
      expect(rows[1]).toMatchObject({ before: { active: true }, after: { active: false } });
      await e.post(homeOpened('UADMIN'), json);
      const text = viewText(lastHome('UADMIN'));
      expect(text).toContain('10 active values, 1 deactivated');
      expect(text).toContain('Value #empathy: name “Empathy” → “Deep empathy”; emoji :heart: → :hugging_face:');
      expect(text).toContain('Value #empathy: deactivated');
    });

    it('tells the second of two admins editing one value that it changed meanwhile', async () => {
      const empathy = (await value('empathy'))!;
      const list = await openValues();
      await e.post(blockAction({ userId: 'UADMIN', actionId: 'admin_value_edit', value: String(empathy.id), view: list }));
      const first = pushed();
      await e.post(blockAction({ userId: 'UADMIN', actionId: 'admin_value_edit', value: String(empathy.id), view: list }));
      const second = pushed();
      await submit('UADMIN', first, { label: state.text('Kindness') });
      const res = await submit('UADMIN', second, { emoji: state.text('sparkling_heart') });
      expect(res.json.errors.label).toContain(CONFLICT);
      expect(await value('empathy')).toMatchObject({ label: 'Kindness', emoji: 'heart' });
    });

    it('finds values with the search picker and opens the one picked', async () => {
      const res = await e.post(blockSuggestion({ userId: 'UADMIN', actionId: 'admin_value_pick', value: 'emp' }));
      expect(res.json.options.map((o: any) => o.text.text)).toEqual([':heart: Empathy']);
      const list = await openValues();
      await e.post(blockAction({ userId: 'UADMIN', actionId: 'admin_value_pick', selectedOption: res.json.options[0].value, view: list }));
      expect(viewText(pushed())).toContain('#empathy');
    });

    it('stays within Block Kit limits with 150 values: lists, picker, give form and Home', async () => {
      await e.db.db
        .insertInto('value')
        .values(Array.from({ length: 150 }, (_, i) => ({ workspace_id: ws().id, slug: `extra-${i}`, label: `Extra value number ${i}`, emoji: 'star', position: 20 + i })))
        .execute();
      const list = await openValues();
      expect(list.blocks.length).toBeLessThanOrEqual(100);
      expect(viewText(list)).toContain('and 71 more');
      const options = await e.post(blockSuggestion({ userId: 'UADMIN', actionId: 'admin_value_pick', value: '' }));
      expect(options.json.options).toHaveLength(100);
      await e.post(blockAction({ userId: 'UADMIN', actionId: 'open_give_modal', value: 'home' }));
      const give = opened();
      const select = give.blocks.find((b: any) => b.block_id === 'values');
      expect(select.element.options.length).toBeLessThanOrEqual(100);
      await e.post(homeOpened('UADMIN'), json);
      const home = lastHome('UADMIN');
      expect(home.blocks.length).toBeLessThanOrEqual(100);
      expect(viewText(home)).toContain('161 active values');
      // A new one is refused: the give form could not list it.
      await e.post(blockAction({ userId: 'UADMIN', actionId: 'admin_value_add', value: 'add', view: list }));
      const res = await submit('UADMIN', pushed(), { label: state.text('One too many'), emoji: state.text('star') });
      expect(res.json.errors.label).toContain('100 active values');
    });
  });

  describe('custom observances', () => {
    async function openList(): Promise<SentView & { id: string }> {
      await e.post(blockAction({ userId: 'UADMIN', actionId: 'admin_custom_observances', value: 'custom' }));
      return { ...opened(), id: 'VCUSTOM1' };
    }
    const custom = async () => ((await setting('observances'))?.value as { custom: Array<Record<string, unknown>> } | undefined)?.custom ?? [];

    it('adds, edits and removes one, each saved through the observances setting and audited', async () => {
      const list = await openList();
      expect(list.callback_id).toBe('admin_custom_list');
      await e.post(blockAction({ userId: 'UADMIN', actionId: 'admin_custom_add', value: 'add', view: list }));
      const res = await submit(
        'UADMIN',
        pushed(),
        { name: state.text("Founders' Day"), date: state.text('first Monday of May'), days: state.text('1'), message: state.text('Happy Founders Day! Thank someone who built this with you.') },
        { previousViewId: list.id },
      );
      expect(res.text).toBe('');
      const [added] = await custom();
      expect(added).toMatchObject({ name: "Founders' Day", rule: { kind: 'nth-weekday', n: 1, weekday: 1, month: 5 }, days: 1 });
      expect(viewText(e.fake.callsTo('views.update').at(-1)!.params.view)).toContain("Founders' Day");

      const list2 = await openList();
      await e.post(blockAction({ userId: 'UADMIN', actionId: 'admin_custom_edit', value: String(added.id), view: list2 }));
      const form = pushed();
      expect(formState(form).date.value).toEqual(state.text('first Monday of May'));
      await submit('UADMIN', form, { days: state.text('2') });
      expect(await custom()).toEqual([expect.objectContaining({ id: added.id, days: 2 })]);

      await e.post(blockAction({ userId: 'UADMIN', actionId: 'admin_custom_edit', value: String(added.id), view: list2 }));
      await submit('UADMIN', pushed(), { remove: state.checkboxes(['remove']) });
      expect(await custom()).toEqual([]);
      expect((await audit()).map((a) => a.target)).toEqual(['observances', 'observances', 'observances']);
    });

    it('explains a date it cannot read and a length out of range', async () => {
      const list = await openList();
      await e.post(blockAction({ userId: 'UADMIN', actionId: 'admin_custom_add', value: 'add', view: list }));
      const res = await submit('UADMIN', pushed(), { name: state.text('Pi day'), date: state.text('someday soon'), days: state.text('99'), message: state.text('3.14') });
      expect(res.json.response_action).toBe('errors');
      expect(Object.keys(res.json.errors).sort()).toEqual(['date', 'days']);
      expect(await custom()).toEqual([]);
    });

    it('asks to reopen when the observances changed since the form was opened', async () => {
      const list = await openList();
      await e.post(blockAction({ userId: 'UADMIN', actionId: 'admin_custom_add', value: 'add', view: list }));
      const form = pushed();
      const other = await openSetting('UADMIN', 'observances');
      await submit('UADMIN', other, { postTime: state.time('07:00') });
      const res = await submit('UADMIN', form, { name: state.text('Pi day'), date: state.text('14 March'), days: state.text('1'), message: state.text('3.14') });
      expect(res.json.errors.name).toContain(CONFLICT);
      expect(await custom()).toEqual([]);
    });
  });

  it('lists the latest 20 changes in the Home: who, when, before → after', async () => {
    const admin = await (async () => {
      await e.post(homeOpened('UADMIN'), json);
      return person('UADMIN');
    })();
    for (let i = 0; i < 25; i++) {
      await saveSetting(e.db.db, { workspaceId: ws().id, key: 'minMessageLength', value: 10 + i + 1, expectedVersion: i, actorId: admin.id });
    }
    await saveSetting(e.db.db, { workspaceId: ws().id, key: 'kudosChannel', value: 'C0KUDOS', expectedVersion: 0, actorId: admin.id });
    await e.post(homeOpened('UADMIN'), json);
    const home = lastHome('UADMIN');
    const text = viewText(home);
    expect(home.blocks.length).toBeLessThanOrEqual(100);
    expect(text).toContain('The latest 20 of 26 changes; all are kept in the database.');
    expect(text).toMatch(/<!date\^\d+\^\{date_short_pretty\} \{time\}\|[^>]+> · <@UADMIN> · Kudos channel: where each kudos was given → <#C0KUDOS>/);
    expect(text).toContain('Minimum message length: 34 → 35 characters');
    expect(text).not.toContain('Minimum message length: 10 → 11 characters');
    expect(await e.count('event_inbox')).toBe(2);
    expect(await e.db.db.selectFrom('audit_log').select('id').execute()).toHaveLength(26);
  });
});

describe.each(testDatabases())('admins named by the operator (KUDOS_ADMINS) on %s', (kind) => {
  let db: TestDb;
  let fake: FakeSlack;
  let app: TestApp | undefined;
  const env = { KUDOS_ADMINS: 'UOPS, 29:1a2b3c-teams-user' };
  beforeAll(async () => {
    db = await createTestDb(kind);
    fake = await new FakeSlack().start();
    fake.addUser({ id: 'UOPS', name: 'ops' });
  });
  afterAll(async () => {
    await app?.stop();
    await fake.stop();
    await db.close();
  });

  it('are written into the admin list once, on first start, audited as a change by Kudos itself, and get the admin Home', async () => {
    app = await startTestApp({ db, fake, env });
    const admins = () => db.db.selectFrom('setting').select(['value', 'version']).where('key', '=', 'admins').executeTakeFirst();
    expect(await admins()).toEqual({ value: ['UOPS'], version: 1 });
    const audit = await db.db.selectFrom('audit_log').select(['action', 'target', 'actor_id', 'after']).execute();
    expect(audit).toEqual([{ action: 'setting.update', target: 'admins', actor_id: null, after: ['UOPS'] }]);

    await postSigned(app.url, homeOpened('UOPS'), { contentType: 'application/json' });
    await app.kudos.background.idle();
    const text = viewText(fake.callsTo('views.publish').at(-1)!.params.view);
    expect(text).toContain('Kudos settings');
    expect(text).toContain('named by the operator: <@UOPS>');
    expect(text).toMatch(/Kudos · Admins: added <@UOPS>/);

    // Restarted, the list is left as the admins keep it.
    await app.stop();
    await saveSetting(db.db, { workspaceId: (await db.db.selectFrom('workspace').select('id').executeTakeFirstOrThrow()).id, key: 'admins', value: [], expectedVersion: 1, actorId: null });
    app = await startTestApp({ db, fake, env });
    expect(await admins()).toEqual({ value: [], version: 2 });
  });
});
