import { DateTime } from 'luxon';
import { z } from 'zod';

/**
 * Yearly date rules, resolved for any year by arithmetic rather than looked up in a table, so the bot
 * keeps working in years nobody typed in. Everything here is a plain calendar day ('YYYY-MM-DD'); which
 * instant a day starts at is the scheduler's business, in the workspace's own time zone.
 */

/** ISO weekday: 1 = Monday … 7 = Sunday (luxon's numbering too). */
export type IsoWeekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;
/** Which weekday of the month: 1st … 5th, or -1 for the last. */
export type Ordinal = 1 | 2 | 3 | 4 | 5 | -1;

export type DateRule =
  | { kind: 'fixed'; month: number; day: number }
  | { kind: 'nth-weekday'; n: Ordinal; weekday: IsoWeekday; month: number };

/** An inclusive run of calendar days. */
export interface DaySpan {
  start: string;
  end: string;
}

export const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const;

export const WEEKDAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;

const ORDINAL_NAMES: Record<Ordinal, string> = { 1: 'first', 2: 'second', 3: 'third', 4: 'fourth', 5: 'fifth', [-1]: 'last' };

/** The most days a month can have in any year: a fixed 29 February is allowed and simply skips common years. */
const MAX_DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function maxDaysInMonth(month: number): number {
  return MAX_DAYS_IN_MONTH[month - 1] ?? 0;
}

const monthNumber = z.number().int().min(1).max(12);

/** How a rule is stored (settings JSON); a fixed day must exist in at least some years. */
export const dateRuleSchema: z.ZodType<DateRule> = z.discriminatedUnion('kind', [
  z
    .object({ kind: z.literal('fixed'), month: monthNumber, day: z.number().int().min(1).max(31) })
    .refine((r) => r.day <= maxDaysInMonth(r.month), 'that day does not exist in that month'),
  z.object({
    kind: z.literal('nth-weekday'),
    n: z.literal([1, 2, 3, 4, 5, -1]),
    weekday: z.literal([1, 2, 3, 4, 5, 6, 7]),
    month: monthNumber,
  }),
]);

function utcDay(year: number, month: number, day: number): DateTime {
  return DateTime.utc(year, month, day);
}

function isoOf(d: DateTime): string {
  return d.toISODate() as string;
}

/** Years luxon and four-digit ISO strings both handle; string comparison of days relies on the four digits. */
function isSupportedYear(year: number): boolean {
  return Number.isInteger(year) && year >= 1 && year <= 9999;
}

/** The day a rule falls on in `year`, or null when it has none that year (a 5th Monday, 29 February). */
export function resolveRule(rule: DateRule, year: number): string | null {
  if (!isSupportedYear(year) || !Number.isInteger(rule.month) || rule.month < 1 || rule.month > 12) return null;
  const first = utcDay(year, rule.month, 1);
  const daysInMonth = first.daysInMonth as number;
  if (rule.kind === 'fixed') {
    if (!Number.isInteger(rule.day) || rule.day < 1 || rule.day > daysInMonth) return null;
    return isoOf(utcDay(year, rule.month, rule.day));
  }
  if (!Number.isInteger(rule.weekday) || rule.weekday < 1 || rule.weekday > 7) return null;
  if (rule.n === -1) {
    const lastWeekday = utcDay(year, rule.month, daysInMonth).weekday;
    return isoOf(utcDay(year, rule.month, daysInMonth - ((lastWeekday - rule.weekday + 7) % 7)));
  }
  if (![1, 2, 3, 4, 5].includes(rule.n)) return null;
  const firstMatch = 1 + ((rule.weekday - first.weekday + 7) % 7);
  const day = firstMatch + 7 * (rule.n - 1);
  return day <= daysInMonth ? isoOf(utcDay(year, rule.month, day)) : null;
}

function mustResolve(rule: DateRule, year: number): string {
  const day = resolveRule(rule, year);
  // Only called with rules that exist every year (1st–4th weekdays, fixed days other than 29 February).
  if (day === null) throw new RangeError(`${describeRule(rule)} has no date in ${year}`);
  return day;
}

export function isIsoDay(text: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(text) && DateTime.fromISO(text, { zone: 'utc' }).isValid;
}

/** `day` moved by `days` calendar days (negative goes back). */
export function addDays(day: string, days: number): string {
  if (!isIsoDay(day)) throw new RangeError(`not a calendar day: ${day}`);
  return isoOf(DateTime.fromISO(day, { zone: 'utc' }).plus({ days }));
}

/** ISO weekday of a calendar day. */
export function weekdayOf(day: string): IsoWeekday {
  if (!isIsoDay(day)) throw new RangeError(`not a calendar day: ${day}`);
  return DateTime.fromISO(day, { zone: 'utc' }).weekday as IsoWeekday;
}

/**
 * Customer Service Week: Monday to Friday of the first full working week of October, i.e. the first
 * Monday of October whose Friday is still in October. That is always the first Monday itself (it falls
 * on the 1st–7th, so its Friday falls on the 5th–11th), but the loop states the definition rather than
 * the shortcut, so a reader can check it and a changed definition has one obvious place to go.
 */
export function customerServiceWeek(year: number): DaySpan {
  for (const n of [1, 2, 3, 4, 5] as const) {
    const monday = resolveRule({ kind: 'nth-weekday', n, weekday: 1, month: 10 }, year);
    if (monday === null) break;
    const friday = addDays(monday, 4);
    if (friday.slice(5, 7) === '10') return { start: monday, end: friday };
  }
  throw new RangeError(`no full week in October ${year}`);
}

/** First Friday of March. */
export function employeeAppreciationDay(year: number): string {
  return mustResolve({ kind: 'nth-weekday', n: 1, weekday: 5, month: 3 }, year);
}

/** 4 July (US). */
export function independenceDay(year: number): string {
  return mustResolve({ kind: 'fixed', month: 7, day: 4 }, year);
}

/** Fourth Thursday of November (US). */
export function thanksgiving(year: number): string {
  return mustResolve({ kind: 'nth-weekday', n: 4, weekday: 4, month: 11 }, year);
}

/** "first Monday of May", "last Friday of June", "4 July": the form parseDateRule reads back. */
export function describeRule(rule: DateRule): string {
  const month = MONTH_NAMES[rule.month - 1] ?? `month ${rule.month}`;
  if (rule.kind === 'fixed') return `${rule.day} ${month}`;
  return `${ORDINAL_NAMES[rule.n] ?? rule.n} ${WEEKDAY_NAMES[rule.weekday - 1] ?? `weekday ${rule.weekday}`} of ${month}`;
}

// ---------------------------------------------------------------------------------------------------
// Reading rules typed by admins

export type ParseDateRuleResult = { ok: true; rule: DateRule } | { ok: false; error: string };

const HINT = 'use a date like "July 4" or a rule like "first Monday of May".';

const MONTH_WORDS: Record<string, number> = {};
MONTH_NAMES.forEach((name, i) => {
  MONTH_WORDS[name.toLowerCase()] = i + 1;
  MONTH_WORDS[name.slice(0, 3).toLowerCase()] = i + 1;
});
MONTH_WORDS.sept = 9;

const WEEKDAY_WORDS: Record<string, IsoWeekday> = {
  monday: 1,
  mon: 1,
  tuesday: 2,
  tue: 2,
  tues: 2,
  wednesday: 3,
  wed: 3,
  thursday: 4,
  thu: 4,
  thur: 4,
  thurs: 4,
  friday: 5,
  fri: 5,
  saturday: 6,
  sat: 6,
  sunday: 7,
  sun: 7,
};

const ORDINAL_WORDS: Record<string, Ordinal> = {
  first: 1,
  '1st': 1,
  second: 2,
  '2nd': 2,
  third: 3,
  '3rd': 3,
  fourth: 4,
  '4th': 4,
  fifth: 5,
  '5th': 5,
  last: -1,
};

// Own-property lookups only: "constructor" or "__proto__" typed by someone must not find Object's members.
function lookup<T>(table: Record<string, T>, word: string): T | undefined {
  const key = word.toLowerCase();
  return Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined;
}

/** The admin's text, tidied and shortened, for quoting back in an error. */
function quoted(text: string): string {
  const tidy = text.trim().replace(/\s+/g, ' ');
  return `"${tidy.length > 40 ? `${tidy.slice(0, 39)}…` : tidy}"`;
}

function fixedRule(month: number, day: number, original: string): ParseDateRuleResult {
  if (month < 1 || month > 12) {
    return { ok: false, error: `There's no month ${month}: months run from 01 (January) to 12 (December), as in "07-04" for July 4.` };
  }
  const max = maxDaysInMonth(month);
  if (day < 1 || day > max) {
    return {
      ok: false,
      error: `Couldn't use ${quoted(original)}: ${MONTH_NAMES[month - 1]} has no day ${day}. Pick a day from 1 to ${max}.`,
    };
  }
  return { ok: true, rule: { kind: 'fixed', month, day } };
}

/**
 * Reads a yearly date the way an admin would type it: "July 4", "4 July", "4th of July", "07-04" or
 * "--07-04" (month-day, as ISO 8601 writes a date without a year), and weekday rules such as "first Monday
 * of May", "last Friday of June", "2nd Tuesday of March". Case and extra spaces don't matter. Never
 * throws: every problem comes back as a sentence that says what is accepted.
 */
export function parseDateRule(text: string): ParseDateRuleResult {
  if (typeof text !== 'string' || text.trim() === '') {
    return { ok: false, error: `Add a date: ${HINT}` };
  }
  const original = text;
  const cannotRead = (detail = ''): ParseDateRuleResult => ({
    ok: false,
    error: detail ? `Couldn't read ${quoted(original)}: ${detail} Use a date like "July 4" or a rule like "first Monday of May".` : `Couldn't read ${quoted(original)}: ${HINT}`,
  });
  if (text.length > 100) return cannotRead();

  // Case is kept so errors quote the admin's own words; lookups lower-case them.
  const s = text
    .trim()
    .replace(/\s+/g, ' ')
    .replace(/^(the|on|every) /i, '')
    .replace(/[.,]$/, '');

  // Month-day digits: "07-04" or "--07-04". Two digits each, so it can't be mistaken for day-month.
  let m = /^(?:--)?(\d{2})-(\d{2})$/.exec(s);
  if (m) return fixedRule(Number(m[1]), Number(m[2]), original);

  // A full date: observances repeat, so the year has no place here.
  if (/^\d{4}-\d{1,2}-\d{1,2}$/.test(s)) {
    return { ok: false, error: `Leave out the year: observances come round every year. Write ${quoted(original)} as a day and month, like "July 4".` };
  }
  // "4/7" is 4 July in much of the world and April 7 in the US; ask for a month name instead of guessing.
  if (/^\d{1,2}\s*[/.]\s*\d{1,2}$/.test(s)) {
    return { ok: false, error: `${quoted(original)} could mean two different days. Write the month as a word, like "July 4" or "4 July".` };
  }

  // "July 4", "Jul 4th", "July 4th"
  m = /^([a-z]+)\.? (\d{1,2})(?:st|nd|rd|th)?$/i.exec(s);
  if (m) {
    const month = lookup(MONTH_WORDS, m[1]);
    return month === undefined ? cannotRead(`"${m[1]}" isn't a month.`) : fixedRule(month, Number(m[2]), original);
  }
  // "4 July", "4th July", "4th of July"
  m = /^(\d{1,2})(?:st|nd|rd|th)? (?:of )?([a-z]+)\.?$/i.exec(s);
  if (m) {
    const month = lookup(MONTH_WORDS, m[2]);
    return month === undefined ? cannotRead(`"${m[2]}" isn't a month.`) : fixedRule(month, Number(m[1]), original);
  }

  // "first Monday of May", "last fri in june"
  m = /^(\S+) (\S+) (?:of|in) (\S+)$/i.exec(s);
  if (m) {
    const n = lookup(ORDINAL_WORDS, m[1]);
    const weekday = lookup(WEEKDAY_WORDS, m[2]);
    const month = lookup(MONTH_WORDS, m[3]);
    if (n === undefined) {
      return {
        ok: false,
        error: `Couldn't read ${quoted(original)}: start with first, second, third, fourth, fifth (or 1st to 5th) or last, as in "first Monday of May".`,
      };
    }
    if (weekday === undefined) return cannotRead(`"${m[2]}" isn't a day of the week.`);
    if (month === undefined) return cannotRead(`"${m[3]}" isn't a month.`);
    return { ok: true, rule: { kind: 'nth-weekday', n, weekday, month } };
  }

  return cannotRead();
}
