import fc from 'fast-check';
import {
  customerServiceWeek,
  dateRuleSchema,
  describeRule,
  employeeAppreciationDay,
  independenceDay,
  maxDaysInMonth,
  parseDateRule,
  resolveRule,
  thanksgiving,
  type DateRule,
  type IsoWeekday,
  type Ordinal,
} from '../../src/core/calendar';

// An independent reckoning, deliberately unlike the implementation: plain Date.UTC, walking every day of
// the month and collecting the ones that match.
const pad = (n: number) => String(n).padStart(2, '0');
const iso = (year: number, month: number, day: number) => `${year}-${pad(month)}-${pad(day)}`;

function daysOfMonth(year: number, month: number): Date[] {
  const days: Date[] = [];
  for (let d = 1; d <= 31; d++) {
    const date = new Date(Date.UTC(year, month - 1, d));
    if (date.getUTCMonth() !== month - 1) break;
    days.push(date);
  }
  return days;
}

/** ISO weekday (Monday = 1) to Date's getUTCDay (Sunday = 0). */
const jsDay = (isoWeekday: number) => isoWeekday % 7;

function nthWeekdayByCounting(year: number, month: number, isoWeekday: number, n: number): string | null {
  const matching = daysOfMonth(year, month).filter((d) => d.getUTCDay() === jsDay(isoWeekday));
  const hit = n === -1 ? matching[matching.length - 1] : matching[n - 1];
  return hit ? iso(year, month, hit.getUTCDate()) : null;
}

function fixedByCounting(year: number, month: number, day: number): string | null {
  return daysOfMonth(year, month).length >= day ? iso(year, month, day) : null;
}

const utc = (day: string) => new Date(`${day}T00:00:00Z`);
const YEARS = Array.from({ length: 101 }, (_, i) => 2000 + i);

describe('built-in dates, 2000–2100, against counting', () => {
  it.each(YEARS)('%i', (year) => {
    expect(employeeAppreciationDay(year)).toBe(nthWeekdayByCounting(year, 3, 5, 1));
    expect(independenceDay(year)).toBe(iso(year, 7, 4));
    expect(thanksgiving(year)).toBe(nthWeekdayByCounting(year, 11, 4, 4));

    const week = customerServiceWeek(year);
    const start = utc(week.start);
    const end = utc(week.end);
    expect(start.getUTCDay()).toBe(1);
    expect(end.getUTCDay()).toBe(5);
    expect(end.getTime() - start.getTime()).toBe(4 * 86_400_000);
    expect([start.getUTCFullYear(), start.getUTCMonth(), end.getUTCFullYear(), end.getUTCMonth()]).toEqual([year, 9, year, 9]);
    // No earlier Monday in October starts a Monday–Friday week that stays in October.
    for (const d of daysOfMonth(year, 10)) {
      if (d >= start) break;
      const friday = new Date(d.getTime() + 4 * 86_400_000);
      expect(d.getUTCDay() === 1 && friday.getUTCMonth() === 9).toBe(false);
    }
  });
});

describe('known dates', () => {
  it.each([
    [2025, '2025-10-06', '2025-10-10'],
    [2026, '2026-10-05', '2026-10-09'],
    [2027, '2027-10-04', '2027-10-08'],
    // October starts on a Monday: the week is the 1st to the 5th.
    [2029, '2029-10-01', '2029-10-05'],
    // October starts on a Tuesday: the first full week waits until the 7th.
    [2024, '2024-10-07', '2024-10-11'],
  ])('Customer Service Week %i is %s..%s', (year, start, end) => {
    expect(customerServiceWeek(year)).toEqual({ start, end });
  });

  it.each([
    ['Thanksgiving 2026', thanksgiving(2026), '2026-11-26'],
    ['Thanksgiving 2025', thanksgiving(2025), '2025-11-27'],
    ['Employee Appreciation Day 2026', employeeAppreciationDay(2026), '2026-03-06'],
    ['Employee Appreciation Day 2025', employeeAppreciationDay(2025), '2025-03-07'],
    ['Independence Day 2026', independenceDay(2026), '2026-07-04'],
  ])('%s', (_name, actual, expected) => {
    expect(actual).toBe(expected);
  });
});

describe('resolveRule', () => {
  it.each<[string, DateRule, number, string | null]>([
    ['29 February in a leap year', { kind: 'fixed', month: 2, day: 29 }, 2028, '2028-02-29'],
    ['29 February in a common year', { kind: 'fixed', month: 2, day: 29 }, 2026, null],
    ['29 February in 2100 (not a leap year)', { kind: 'fixed', month: 2, day: 29 }, 2100, null],
    ['29 February in 2000 (a leap year)', { kind: 'fixed', month: 2, day: 29 }, 2000, '2000-02-29'],
    ['31 April', { kind: 'fixed', month: 4, day: 31 }, 2026, null],
    ['month 13', { kind: 'fixed', month: 13, day: 1 }, 2026, null],
    ['fifth Monday of June 2026 (there are five)', { kind: 'nth-weekday', n: 5, weekday: 1, month: 6 }, 2026, '2026-06-29'],
    ['fifth Monday of May 2026 (there are four)', { kind: 'nth-weekday', n: 5, weekday: 1, month: 5 }, 2026, null],
    ['last Monday of May 2026', { kind: 'nth-weekday', n: -1, weekday: 1, month: 5 }, 2026, '2026-05-25'],
    ['last Sunday of February 2026', { kind: 'nth-weekday', n: -1, weekday: 7, month: 2 }, 2026, '2026-02-22'],
  ])('%s', (_name, rule, year, expected) => {
    expect(resolveRule(rule, year)).toBe(expected);
  });

  const anyRule: fc.Arbitrary<DateRule> = fc.oneof(
    fc.record({ kind: fc.constant('fixed' as const), month: fc.integer({ min: 1, max: 12 }), day: fc.integer({ min: 1, max: 31 }) }),
    fc.record({
      kind: fc.constant('nth-weekday' as const),
      n: fc.constantFrom<Ordinal>(1, 2, 3, 4, 5, -1),
      weekday: fc.constantFrom<IsoWeekday>(1, 2, 3, 4, 5, 6, 7),
      month: fc.integer({ min: 1, max: 12 }),
    }),
  );

  it('agrees with counting for any rule and year', () => {
    fc.assert(
      fc.property(anyRule, fc.integer({ min: 1800, max: 2400 }), (rule, year) => {
        const expected =
          rule.kind === 'fixed' ? fixedByCounting(year, rule.month, rule.day) : nthWeekdayByCounting(year, rule.month, rule.weekday, rule.n);
        expect(resolveRule(rule, year)).toBe(expected);
      }),
    );
  });
});

describe('parseDateRule', () => {
  it.each<[string, DateRule]>([
    ['July 4', { kind: 'fixed', month: 7, day: 4 }],
    ['4 July', { kind: 'fixed', month: 7, day: 4 }],
    ['4th of July', { kind: 'fixed', month: 7, day: 4 }],
    ['  jul   4th ', { kind: 'fixed', month: 7, day: 4 }],
    ['07-04', { kind: 'fixed', month: 7, day: 4 }],
    ['--07-04', { kind: 'fixed', month: 7, day: 4 }],
    ['Sept 30', { kind: 'fixed', month: 9, day: 30 }],
    ['29 February', { kind: 'fixed', month: 2, day: 29 }],
    ['first Monday of May', { kind: 'nth-weekday', n: 1, weekday: 1, month: 5 }],
    ['last Friday of June', { kind: 'nth-weekday', n: -1, weekday: 5, month: 6 }],
    ['2nd Tuesday of March', { kind: 'nth-weekday', n: 2, weekday: 2, month: 3 }],
    ['fourth thursday of november', { kind: 'nth-weekday', n: 4, weekday: 4, month: 11 }],
    ['FIFTH SUNDAY IN AUGUST', { kind: 'nth-weekday', n: 5, weekday: 7, month: 8 }],
    ['the 3rd wed of oct', { kind: 'nth-weekday', n: 3, weekday: 3, month: 10 }],
  ])('reads %j', (text, rule) => {
    expect(parseDateRule(text)).toEqual({ ok: true, rule });
  });

  it.each([
    ['second Funday of May', 'Couldn\'t read "second Funday of May"'],
    ['second Funday of May', '"Funday" isn\'t a day of the week'],
    ['first Monday of Mayday', '"Mayday" isn\'t a month'],
    ['sixth Monday of May', 'first, second, third, fourth, fifth (or 1st to 5th) or last'],
    ['February 30', 'February has no day 30'],
    ['31 April', 'April has no day 31'],
    ['July 0', 'July has no day 0'],
    ['13-01', 'no month 13'],
    ['00-10', 'no month 0'],
    ['4/7', 'could mean two different days'],
    ['2026-05-04', 'Leave out the year'],
    ['', 'Add a date'],
    ['   ', 'Add a date'],
    ['next Tuesday', 'use a date like "July 4" or a rule like "first Monday of May"'],
  ])('refuses %j, saying %j', (text, phrase) => {
    const result = parseDateRule(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toContain(phrase);
  });

  it.each([80, 500])('refuses %i characters of noise, quoting only the start of it', (length) => {
    const result = parseDateRule('y'.repeat(length));
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error).toContain('use a date like "July 4"');
      expect(result.error.length).toBeLessThan(160);
    }
  });

  const dateish = fc
    .array(
      fc.oneof(
        fc.constantFrom('first', '5th', 'last', 'sixth', 'Monday', 'fri', 'of', 'in', 'the', 'May', 'feb', 'July', '4', '31', '4th', '--07-04', '13-40', '/', '.', ','),
        fc.string({ maxLength: 6 }),
      ),
      { maxLength: 6 },
    )
    .map((words) => words.join(' '));

  it('never throws, and what it accepts is a valid stored rule', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), dateish), (text) => {
        const result = parseDateRule(text);
        if (result.ok) expect(dateRuleSchema.safeParse(result.rule).success).toBe(true);
        else expect(result.error.trim().length).toBeGreaterThan(0);
      }),
    );
  });

  const validRule: fc.Arbitrary<DateRule> = fc.oneof(
    fc
      .integer({ min: 1, max: 12 })
      .chain((month) => fc.record({ kind: fc.constant('fixed' as const), month: fc.constant(month), day: fc.integer({ min: 1, max: maxDaysInMonth(month) }) })),
    fc.record({
      kind: fc.constant('nth-weekday' as const),
      n: fc.constantFrom<Ordinal>(1, 2, 3, 4, 5, -1),
      weekday: fc.constantFrom<IsoWeekday>(1, 2, 3, 4, 5, 6, 7),
      month: fc.integer({ min: 1, max: 12 }),
    }),
  );

  it('reads back whatever describeRule writes', () => {
    fc.assert(
      fc.property(validRule, (rule) => {
        expect(parseDateRule(describeRule(rule))).toEqual({ ok: true, rule });
      }),
    );
  });

  it.each<[DateRule, string]>([
    [{ kind: 'nth-weekday', n: 1, weekday: 1, month: 5 }, 'first Monday of May'],
    [{ kind: 'nth-weekday', n: -1, weekday: 5, month: 6 }, 'last Friday of June'],
    [{ kind: 'fixed', month: 7, day: 4 }, '4 July'],
  ])('describes %j as %j', (rule, text) => {
    expect(describeRule(rule)).toBe(text);
  });
});
