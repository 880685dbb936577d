import { SETTING_LABELS } from '../../src/core/setting-labels';
import { DEFAULT_SETTINGS, settingsFromRows, validateSetting, type Settings } from '../../src/core/settings';
import { formFieldLabel, FORM_FIELDS, readSettingForm } from '../../src/core/settings-form';
import { adminBlocks, HOME_SETTINGS, type AdminHome } from '../../src/slack/blocks/home-admin';
import { settingErrorBlocks, settingModal } from '../../src/slack/blocks/setting-modal';
import { settingFormOf } from '../../src/slack/view-state';
import { CARD_INPUTS, CARD_KEYS, errorId, settingsCard } from '../../src/teams/cards/settings-card';
import { cardForms } from '../../src/teams/handlers/settings';
import { formState, state } from '../helpers/slack-views';

const current = DEFAULT_SETTINGS as Settings;
const RETENTION = { eventBodyDays: 7, messageMonths: null, eraseDeactivatedAfterDays: null };

describe('the retention setting', () => {
  it('defaults to a week of deliveries, messages kept forever, and nobody erased', () => {
    expect(DEFAULT_SETTINGS.retention).toEqual(RETENTION);
    expect(settingsFromRows([]).settings.retention).toEqual(RETENTION);
    expect(SETTING_LABELS.retention).toBe('Data retention');
  });

  it('accepts whole numbers in range, and none for messages and erasure', () => {
    for (const value of [
      RETENTION,
      { eventBodyDays: 1, messageMonths: 1, eraseDeactivatedAfterDays: 1 },
      { eventBodyDays: 365, messageMonths: 120, eraseDeactivatedAfterDays: 3650 },
    ]) {
      expect(validateSetting('retention', value)).toEqual({ ok: true, value });
    }
  });

  it.each([
    [{ ...RETENTION, eventBodyDays: 0 }, 'eventBodyDays', 'use a whole number of days from 1 to 365'],
    [{ ...RETENTION, eventBodyDays: 366 }, 'eventBodyDays', 'use a whole number of days from 1 to 365'],
    [{ ...RETENTION, eventBodyDays: null }, 'eventBodyDays', 'use a whole number of days from 1 to 365'],
    [{ ...RETENTION, eventBodyDays: 2.5 }, 'eventBodyDays', 'use a whole number of days from 1 to 365'],
    [{ ...RETENTION, messageMonths: 0 }, 'messageMonths', 'use a whole number of months from 1 to 120, or none to keep messages'],
    [{ ...RETENTION, messageMonths: '6' }, 'messageMonths', 'use a whole number of months from 1 to 120, or none to keep messages'],
    [{ ...RETENTION, eraseDeactivatedAfterDays: 5000 }, 'eraseDeactivatedAfterDays', 'use a whole number of days from 1 to 3650, or none to keep them'],
  ])('refuses %p with a readable error on %s', (value, field, message) => {
    expect(validateSetting('retention', value)).toEqual({ ok: false, errors: { [field]: message } });
  });

  it('falls back to its default when what is stored no longer validates', () => {
    const rows = [{ key: 'retention', value: { eventBodyDays: 0, messageMonths: null, eraseDeactivatedAfterDays: null }, version: 3 }];
    const snapshot = settingsFromRows(rows);
    expect(snapshot.settings.retention).toEqual(RETENTION);
    expect(snapshot.versions.retention).toBe(3);
  });
});

describe('the retention form (core)', () => {
  it.each([
    [{ eventBodyDays: '30' }, { ...RETENTION, eventBodyDays: 30 }],
    [{ messageMonths: '24', eraseDeactivatedAfterDays: '90' }, { ...RETENTION, messageMonths: 24, eraseDeactivatedAfterDays: 90 }],
    [{ messageMonths: '', eraseDeactivatedAfterDays: null }, RETENTION],
    [{}, RETENTION],
  ])('%p → %p', (form, value) => {
    expect(readSettingForm('retention', form, current)).toEqual({ ok: true, value });
  });

  it.each([
    [{ eventBodyDays: '' }, 'eventBodyDays', 'Use a whole number of days from 1 to 365.'],
    [{ eventBodyDays: '0' }, 'eventBodyDays', 'Use a whole number of days from 1 to 365.'],
    [{ eventBodyDays: 'a week' }, 'eventBodyDays', 'Use a whole number of days from 1 to 365.'],
    [{ messageMonths: '121' }, 'messageMonths', 'Use a whole number of months from 1 to 120, or leave it empty to keep messages.'],
    [{ messageMonths: '1.5' }, 'messageMonths', 'Use a whole number of months from 1 to 120, or leave it empty to keep messages.'],
    [{ eraseDeactivatedAfterDays: '-3' }, 'eraseDeactivatedAfterDays', 'Use a whole number of days from 1 to 3650, or leave it empty to keep the people who left.'],
  ])('%p → an error on %s only', (form, field, message) => {
    expect(readSettingForm('retention', form, current)).toEqual({ ok: false, errors: { [field]: message } });
  });

  it('names every field', () => {
    expect(FORM_FIELDS.retention.map((f) => formFieldLabel('retention', f))).toEqual([
      'Days platform events are kept',
      'Months kudos messages are kept',
      'Days before people who left are erased',
    ]);
  });
});

describe('the retention form in the Slack App Home', () => {
  const ctx = { workspaceTimeZone: 'Europe/Paris', operatorAdmins: [] };
  const set: Settings = { ...current, retention: { eventBodyDays: 14, messageMonths: 24, eraseDeactivatedAfterDays: null } };

  it('is listed with the other settings, with its summary and Edit button', () => {
    expect(HOME_SETTINGS).toContain('retention');
    const home = { settings: set, via: 'platform', workspaceTimeZone: 'UTC', operatorAdmins: [], values: { active: [], inactive: 0 }, audit: { entries: [], total: 0 } } as unknown as AdminHome;
    const block = adminBlocks({ ...home, digest: { zone: 'UTC', next: new Date(), latest: { key: '2026-W48', dueAt: new Date(), target: null, run: null } }, runs: [] }).find(
      (b: any) => b.block_id === 'admin_setting:retention',
    ) as any;
    expect(block.text.text).toBe('*Data retention*\nEvents kept 14 days; kudos messages cleared after 24 months; people who left kept.');
    expect(block.accessory).toMatchObject({ action_id: 'admin_edit:retention' });
  });

  it('shows the current values and reads back what the admin typed', () => {
    const view = settingModal('retention', set, 2, ctx);
    expect(view.blocks.filter((b: any) => b.type === 'input').map((b: any) => [b.block_id, b.element.initial_value ?? null])).toEqual([
      ['eventBodyDays', '14'],
      ['messageMonths', '24'],
      ['eraseDeactivatedAfterDays', null],
    ]);
    const typed = formState(view, { messageMonths: state.text(''), eraseDeactivatedAfterDays: state.text('180') });
    expect(readSettingForm('retention', settingFormOf('retention', typed as never), set)).toEqual({
      ok: true,
      value: { eventBodyDays: 14, messageMonths: null, eraseDeactivatedAfterDays: 180 },
    });
    const bad = formState(view, { eventBodyDays: state.text('400') });
    const read = readSettingForm('retention', settingFormOf('retention', bad as never), set);
    expect(read.ok).toBe(false);
    if (!read.ok) expect(settingErrorBlocks('retention', read.errors)).toEqual({ eventBodyDays: 'Use a whole number of days from 1 to 365.' });
  });
});

describe('the retention inputs of the Teams settings card', () => {
  const versions = Object.fromEntries(Object.keys(DEFAULT_SETTINGS).map((k) => [k, 1])) as Record<keyof Settings, number>;
  const set: Settings = { ...current, retention: { eventBodyDays: 30, messageMonths: null, eraseDeactivatedAfterDays: 90 } };

  it('shows the current values and carries the setting’s version', () => {
    expect(CARD_KEYS).toContain('retention');
    const card = settingsCard({ settings: set, versions: { ...versions, retention: 5 }, channels: [], people: [], workspaceTimeZone: 'UTC' });
    const byId = (id: string) => card.body.find((b: any) => b.id === id) as any;
    expect(byId('retentionEventBodyDays')).toMatchObject({ type: 'Input.Number', min: 1, max: 365, value: 30 });
    expect(byId('retentionMessageMonths')).toMatchObject({ type: 'Input.Number', min: 1, max: 120 });
    expect(byId('retentionMessageMonths').value).toBeUndefined();
    expect(byId('retentionEraseDeactivatedAfterDays')).toMatchObject({ type: 'Input.Number', value: 90 });
    expect((card.actions?.[0] as any).data.versions.retention).toBe(5);
  });

  it('turns a submission into the core form, empty as none, and puts errors below their inputs', () => {
    const forms = cardForms({ retentionEventBodyDays: 10, retentionMessageMonths: '', retentionEraseDeactivatedAfterDays: '' });
    expect(forms.retention).toEqual({ eventBodyDays: '10', messageMonths: '', eraseDeactivatedAfterDays: '' });
    expect(readSettingForm('retention', forms.retention!, set)).toEqual({ ok: true, value: { eventBodyDays: 10, messageMonths: null, eraseDeactivatedAfterDays: null } });

    const bad = readSettingForm('retention', cardForms({ retentionEventBodyDays: '0', retentionMessageMonths: 'soon' }).retention!, set);
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(Object.keys(bad.errors)).toEqual([CARD_INPUTS.retentionEventBodyDays.field, CARD_INPUTS.retentionMessageMonths.field]);
    const card = settingsCard({ settings: set, versions, channels: [], people: [], workspaceTimeZone: 'UTC', errors: { retentionMessageMonths: 'Use a whole number.' } });
    const ids = card.body.map((b: any) => b.id);
    expect(ids[ids.indexOf('retentionMessageMonths') + 1]).toBe(errorId('retentionMessageMonths'));
  });
});
