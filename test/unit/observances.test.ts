import {
  BUILT_IN_KEYS,
  BUILT_IN_OBSERVANCES,
  DEFAULT_OBSERVANCE_SETTINGS,
  observanceSettingsSchema,
  occurrencesBetween,
  validateCustomObservance,
  type CustomObservance,
  type ObservanceSettings,
} from '../../src/core/observances';

const fixedId = () => 'new-id';

function settingsWith(patch: Partial<ObservanceSettings>): ObservanceSettings {
  return { ...structuredClone(DEFAULT_OBSERVANCE_SETTINGS), ...patch } as ObservanceSettings;
}

function custom(id: string, date: string, days = 1, name = `Custom ${id}`): CustomObservance {
  const result = validateCustomObservance({ id, name, date, message: `Message for ${name}`, days }, fixedId);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.value;
}

const valid = { name: "Founders' Day", date: 'first Monday of May', message: 'Thank someone who was here early on.', days: 1 };

describe('validateCustomObservance', () => {
  it('accepts a well-formed observance, tidying it and giving it an id', () => {
    expect(validateCustomObservance({ ...valid, name: "  Founders' Day ", days: '3' }, fixedId)).toEqual({
      ok: true,
      value: {
        id: 'new-id',
        name: "Founders' Day",
        rule: { kind: 'nth-weekday', n: 1, weekday: 1, month: 5 },
        message: 'Thank someone who was here early on.',
        days: 3,
      },
    });
  });

  it('keeps the id of an observance being edited', () => {
    const result = validateCustomObservance({ ...valid, id: 'abc-123' }, fixedId);
    expect(result.ok && result.value.id).toBe('abc-123');
  });

  it('lasts one day when days is left empty', () => {
    const { days: _days, ...withoutDays } = valid;
    for (const days of [undefined, null, '']) {
      const result = validateCustomObservance({ ...withoutDays, days }, fixedId);
      expect(result.ok && result.value.days).toBe(1);
    }
  });

  it.each([
    ['name', { name: '' }, 'Give the observance a name'],
    ['name', { name: '   ' }, 'Give the observance a name'],
    ['name', { name: 42 }, 'Give the observance a name'],
    ['name', { name: 'n'.repeat(61) }, '60 characters or fewer; this one has 61'],
    ['message', { message: undefined }, 'Write the message'],
    ['message', { message: 'm'.repeat(1001) }, '1,000 characters or fewer; this one has 1,001'],
    ['date', { date: '' }, 'Say when it happens'],
    ['date', { date: 'second Funday of May' }, '"Funday" isn\'t a day of the week'],
    ['date', { date: 'February 30' }, 'February has no day 30'],
    ['days', { days: 0 }, 'from 1 to 14 days'],
    ['days', { days: 15 }, 'from 1 to 14 days'],
    ['days', { days: 2.5 }, 'whole number'],
    ['days', { days: 'three' }, 'whole number'],
    ['id', { id: 'has spaces and ; semicolons' }, 'Reopen the form'],
  ])('flags %s for %j', (field, patch, phrase) => {
    const result = validateCustomObservance({ ...valid, ...patch }, fixedId);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(Object.keys(result.errors)).toEqual([field]);
      expect((result.errors as Record<string, string>)[field]).toContain(phrase);
    }
  });

  it.each([null, undefined, 'July 4', 42, []])('reports every required field for %j', (input) => {
    const result = validateCustomObservance(input, fixedId);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(Object.keys(result.errors).sort()).toEqual(['date', 'message', 'name']);
  });

  it('writes every error as a sentence', () => {
    const result = validateCustomObservance({ name: '', date: 'Feb 30', message: '', days: 99 }, fixedId);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      for (const error of Object.values(result.errors)) expect(error).toMatch(/^[A-Z"].*[.!]$/);
    }
  });
});

describe('observanceSettingsSchema', () => {
  it('accepts the defaults, with every built-in on', () => {
    expect(observanceSettingsSchema.parse(DEFAULT_OBSERVANCE_SETTINGS)).toEqual(DEFAULT_OBSERVANCE_SETTINGS);
    for (const key of BUILT_IN_KEYS) expect(DEFAULT_OBSERVANCE_SETTINGS.builtIn[key]).toEqual({ enabled: true, prompt: null });
    expect(DEFAULT_OBSERVANCE_SETTINGS).toMatchObject({ channel: null, announceDaysBefore: 7, reminderTiming: 'same-day', postTime: '09:00', custom: [] });
  });

  it('fills in a built-in missing from what was stored', () => {
    const { thanksgiving: _t, ...fewer } = DEFAULT_OBSERVANCE_SETTINGS.builtIn;
    const stored = { ...DEFAULT_OBSERVANCE_SETTINGS, builtIn: { ...fewer, 'independence-day': { enabled: false, prompt: null } } };
    const parsed = observanceSettingsSchema.parse(stored);
    expect(parsed.builtIn.thanksgiving).toEqual({ enabled: true, prompt: null });
    expect(parsed.builtIn['independence-day'].enabled).toBe(false);
  });

  it.each<[string, Partial<Record<keyof ObservanceSettings, unknown>>]>([
    ['announceDaysBefore above 30', { announceDaysBefore: 31 }],
    ['negative announceDaysBefore', { announceDaysBefore: -1 }],
    ['an unknown reminder timing', { reminderTiming: 'week-before' }],
    ['postTime 24:00', { postTime: '24:00' }],
    ['postTime without a leading zero', { postTime: '9:00' }],
    ['a channel with spaces', { channel: 'general chat' }],
    ['duplicate custom ids', { custom: [custom('a', 'July 4'), custom('a', 'July 5')] }],
    ['51 custom observances', { custom: Array.from({ length: 51 }, (_, i) => custom(`c${i}`, 'July 4')) }],
  ])('rejects %s', (_name, patch) => {
    expect(observanceSettingsSchema.safeParse({ ...DEFAULT_OBSERVANCE_SETTINGS, ...patch }).success).toBe(false);
  });
});

describe('occurrencesBetween', () => {
  const keysAndSpans = (list: ReturnType<typeof occurrencesBetween>) => list.map((o) => [o.key, o.start, o.end]);

  it('lists every built-in in a year by default, in date order', () => {
    expect(keysAndSpans(occurrencesBetween(DEFAULT_OBSERVANCE_SETTINGS, '2026-01-01', '2026-12-31'))).toEqual([
      ['employee-appreciation-day', '2026-03-06', '2026-03-06'],
      ['independence-day', '2026-07-04', '2026-07-04'],
      ['customer-service-week', '2026-10-05', '2026-10-09'],
      ['thanksgiving', '2026-11-26', '2026-11-26'],
    ]);
  });

  it('leaves out disabled observances', () => {
    const settings = settingsWith({
      builtIn: { ...DEFAULT_OBSERVANCE_SETTINGS.builtIn, 'independence-day': { enabled: false, prompt: null }, thanksgiving: { enabled: false, prompt: null } },
    });
    expect(occurrencesBetween(settings, '2026-01-01', '2026-12-31').map((o) => o.key)).toEqual(['employee-appreciation-day', 'customer-service-week']);
    expect(occurrencesBetween(settings, '2026-11-01', '2026-11-30')).toEqual([]);
  });

  it('finds what overlaps a range across the new year, including a span that began the year before', () => {
    const settings = settingsWith({
      custom: [custom('year-end', 'December 28', 7, 'Year-end week'), custom('kickoff', 'first Monday of January', 1, 'Kickoff')],
    });
    expect(keysAndSpans(occurrencesBetween(settings, '2026-12-20', '2027-01-10'))).toEqual([
      ['custom:year-end', '2026-12-28', '2027-01-03'],
      ['custom:kickoff', '2027-01-04', '2027-01-04'],
    ]);
    const [yearEnd] = occurrencesBetween(settings, '2027-01-02', '2027-01-02');
    expect(yearEnd).toMatchObject({ source: 'custom', id: 'year-end', name: 'Year-end week', year: 2026, message: 'Message for Year-end week' });
  });

  it('covers a range of several years', () => {
    const found = occurrencesBetween(DEFAULT_OBSERVANCE_SETTINGS, '2025-07-01', '2027-03-31');
    expect(found.filter((o) => o.key === 'thanksgiving').map((o) => o.start)).toEqual(['2025-11-27', '2026-11-26']);
    expect(found.filter((o) => o.key === 'employee-appreciation-day').map((o) => o.start)).toEqual(['2026-03-06', '2027-03-05']);
  });

  it.each([
    ['one day', 1, '2026-06-26'],
    ['a week', 7, '2026-07-02'],
    ['two weeks, into the next month', 14, '2026-07-09'],
  ])('spans %s from the rule day', (_name, days, end) => {
    const settings = settingsWith({ custom: [custom('summer', 'last Friday of June', days)] });
    expect(keysAndSpans(occurrencesBetween(settings, '2026-06-01', '2026-07-31'))).toContainEqual(['custom:summer', '2026-06-26', end]);
  });

  it('counts a multi-day span as due on any day inside it, and not after it', () => {
    const settings = settingsWith({ custom: [custom('summer', 'last Friday of June', 5)] });
    expect(occurrencesBetween(settings, '2026-06-30', '2026-06-30').map((o) => o.key)).toEqual(['custom:summer']);
    expect(occurrencesBetween(settings, '2026-07-01', '2026-07-01').map((o) => o.key)).toEqual([]);
  });

  it('skips years in which a custom rule has no day', () => {
    const settings = settingsWith({
      builtIn: Object.fromEntries(BUILT_IN_KEYS.map((k) => [k, { enabled: false, prompt: null }])) as ObservanceSettings['builtIn'],
      custom: [custom('leap', 'February 29')],
    });
    expect(occurrencesBetween(settings, '2023-01-01', '2028-12-31').map((o) => o.start)).toEqual(['2024-02-29', '2028-02-29']);
  });

  it('carries the admin prompt of a built-in', () => {
    const settings = settingsWith({
      builtIn: { ...DEFAULT_OBSERVANCE_SETTINGS.builtIn, thanksgiving: { enabled: true, prompt: 'Thank the night shift.' } },
    });
    const [found] = occurrencesBetween(settings, '2026-11-26', '2026-11-26');
    expect(found).toMatchObject({ source: 'built-in', key: 'thanksgiving', name: BUILT_IN_OBSERVANCES.thanksgiving.name, prompt: 'Thank the night shift.' });
  });

  it('returns nothing for a range that ends before it starts, and refuses malformed days', () => {
    expect(occurrencesBetween(DEFAULT_OBSERVANCE_SETTINGS, '2026-12-31', '2026-01-01')).toEqual([]);
    expect(() => occurrencesBetween(DEFAULT_OBSERVANCE_SETTINGS, '2026-13-01', '2026-12-31')).toThrow(RangeError);
  });
});
