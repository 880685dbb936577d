import { FIELD_LABELS, SETTING_LABELS, settingLabel } from '../../src/core/setting-labels';
import { FORM_FIELDS, fieldErrors, formFieldLabel, readSettingForm } from '../../src/core/settings-form';
import { DEFAULT_SETTINGS, SETTING_SCHEMAS, type Settings } from '../../src/core/settings';

const current = DEFAULT_SETTINGS as Settings;

describe('reading a setting form (the core check behind the Slack modals and the Teams card)', () => {
  it.each([
    { key: 'allowancePerDay', form: { limit: '12' }, value: 12 },
    { key: 'allowancePerDay', form: { limit: '' }, value: null },
    { key: 'allowancePerDay', form: {}, value: 5 },
    { key: 'minMessageLength', form: { min: '0' }, value: 0 },
    { key: 'valueRequired', form: { required: 'yes' }, value: true },
    { key: 'valueRequired', form: { required: 'false' }, value: false },
    { key: 'kudosChannel', form: { channel: 'C0KUDOS' }, value: 'C0KUDOS' },
    { key: 'kudosChannel', form: { channel: '' }, value: null },
    { key: 'reactionEmoji', form: { emoji: ':tada: :fire:, tada' }, value: ['tada', 'fire'] },
    { key: 'admins', form: { admins: ['UBOB', 'UBOB', 'UCAROL'] }, value: ['UBOB', 'UCAROL'] },
    { key: 'admins', form: { admins: '29:a, 29:b' }, value: ['29:a', '29:b'] },
    { key: 'digest', form: { time: '09:30:00', timeZone: 'Europe/Paris' }, value: { ...current.digest, time: '09:30', timeZone: 'Europe/Paris' } },
    { key: 'digest', form: { enabled: 'off', channel: null }, value: { ...current.digest, enabled: false, channel: null } },
  ] as const)('$key $form → $value', ({ key, form, value }) => {
    expect(readSettingForm(key, form, current)).toEqual({ ok: true, value });
  });

  it.each([
    { key: 'allowancePerDay', form: { limit: 'five' }, field: 'limit' },
    { key: 'allowancePerDay', form: { limit: '1001' }, field: 'limit' },
    { key: 'allowancePerDay', form: { limit: '1.5' }, field: 'limit' },
    { key: 'minMessageLength', form: { min: '-1' }, field: 'min' },
    { key: 'valueRequired', form: { required: null }, field: 'required' },
    { key: 'reactionEmoji', form: { emoji: ':thumbsup::skin-tone-2:' }, field: 'emoji' },
    { key: 'digest', form: { timeZone: 'Mars/Olympus_Mons' }, field: 'timeZone' },
    { key: 'digest', form: { weekday: '9' }, field: 'weekday' },
    { key: 'digest', form: { time: '' }, field: 'time' },
    { key: 'kudosChannel', form: { channel: '#not a channel' }, field: 'channel' },
    { key: 'observances', form: { announceDaysBefore: '99' }, field: 'announceDaysBefore' },
    { key: 'admins', form: { admins: ['x'.repeat(101)] }, field: 'admins' },
  ] as const)('$key $form → an error on $field only', ({ key, form, field }) => {
    const read = readSettingForm(key, form, current);
    expect(read.ok).toBe(false);
    if (!read.ok) expect(Object.keys(read.errors)).toEqual([field]);
  });

  it('maps schema errors onto the fields of the form, as sentences', () => {
    expect(fieldErrors('digest', { timeZone: 'not a known IANA time zone' })).toEqual({ timeZone: 'Not a known IANA time zone.' });
    expect(fieldErrors('observances', { 'builtIn.thanksgiving.prompt': 'too long' })).toEqual({ 'prompt:thanksgiving': 'Too long.' });
    expect(fieldErrors('allowancePerDay', { allowancePerDay: 'Too big: expected number to be <=1000' })).toEqual({ limit: expect.stringContaining('out of range') });
  });
});

describe('one list of setting labels', () => {
  it('names every setting, and every field of every form', () => {
    for (const key of Object.keys(SETTING_SCHEMAS) as Array<keyof typeof SETTING_SCHEMAS>) {
      expect(SETTING_LABELS[key]).toBeTruthy();
      for (const field of FORM_FIELDS[key]) expect(formFieldLabel(key, field)).toBeTruthy();
    }
    expect(settingLabel('digest.timeZone')).toBe(FIELD_LABELS['digest.timeZone']);
    expect(settingLabel('somethingNew')).toBe('somethingNew');
  });
});
