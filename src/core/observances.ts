import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  addDays,
  customerServiceWeek,
  dateRuleSchema,
  employeeAppreciationDay,
  independenceDay,
  isIsoDay,
  parseDateRule,
  resolveRule,
  thanksgiving,
  type DateRule,
  type DaySpan,
} from './calendar';

/**
 * The days Kudos marks each year: a few built in, plus the workspace's own. This file only answers "what
 * falls when"; what to say is in campaign-copy.ts, and when to post is the scheduler's call.
 */

export const BUILT_IN_KEYS = ['customer-service-week', 'employee-appreciation-day', 'independence-day', 'thanksgiving'] as const;
export type BuiltInKey = (typeof BUILT_IN_KEYS)[number];

export interface BuiltInObservance {
  key: BuiltInKey;
  name: string;
  /** Where the day is observed, when it isn't everywhere; shown to admins so they can switch it off. */
  region: 'US' | null;
  enabledByDefault: boolean;
  occurrence(year: number): DaySpan;
}

const oneDay = (day: string): DaySpan => ({ start: day, end: day });

export const BUILT_IN_OBSERVANCES: Readonly<Record<BuiltInKey, BuiltInObservance>> = Object.freeze({
  'customer-service-week': {
    key: 'customer-service-week',
    name: 'Customer Service Week',
    region: null,
    enabledByDefault: true,
    occurrence: customerServiceWeek,
  },
  'employee-appreciation-day': {
    key: 'employee-appreciation-day',
    name: 'Employee Appreciation Day',
    region: null,
    enabledByDefault: true,
    occurrence: (year: number) => oneDay(employeeAppreciationDay(year)),
  },
  'independence-day': {
    key: 'independence-day',
    name: 'Independence Day',
    region: 'US',
    enabledByDefault: true,
    occurrence: (year: number) => oneDay(independenceDay(year)),
  },
  thanksgiving: {
    key: 'thanksgiving',
    name: 'Thanksgiving',
    region: 'US',
    enabledByDefault: true,
    occurrence: (year: number) => oneDay(thanksgiving(year)),
  },
});

export function isBuiltInKey(key: string): key is BuiltInKey {
  return (BUILT_IN_KEYS as readonly string[]).includes(key);
}

// ---------------------------------------------------------------------------------------------------
// Custom observances

export const MAX_CUSTOM_NAME_LENGTH = 60;
export const MAX_CUSTOM_MESSAGE_LENGTH = 1000;
export const MAX_CUSTOM_DAYS = 14;
export const MAX_CUSTOM_OBSERVANCES = 50;

const customId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);

/** A custom observance as stored; `days` counts the first day, so 1 is a single day. */
export const customObservanceSchema = z.object({
  id: customId,
  name: z.string().trim().min(1).max(MAX_CUSTOM_NAME_LENGTH),
  rule: dateRuleSchema,
  message: z.string().trim().min(1).max(MAX_CUSTOM_MESSAGE_LENGTH),
  days: z.number().int().min(1).max(MAX_CUSTOM_DAYS),
});
export type CustomObservance = z.infer<typeof customObservanceSchema>;

export type CustomObservanceField = 'id' | 'name' | 'date' | 'message' | 'days';
export type ValidateCustomObservanceResult =
  | { ok: true; value: CustomObservance }
  | { ok: false; errors: Partial<Record<CustomObservanceField, string>> };

const formatCount = (n: number): string => n.toLocaleString('en-US');

function asText(value: unknown): string | null {
  return typeof value === 'string' ? value.trim() : null;
}

/**
 * Checks what an admin typed into the custom observance form: `name`, `date` (text such as "July 4" or
 * "first Monday of May"), `message`, `days` (a number, or its digits as form fields send them), and `id`
 * when editing an existing one; a new one gets an id from `newId`. Reports every bad field at once, each
 * with a sentence the form can show beside it.
 */
export function validateCustomObservance(input: unknown, newId: () => string = randomUUID): ValidateCustomObservanceResult {
  const fields = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  const errors: Partial<Record<CustomObservanceField, string>> = {};

  let id: string | undefined;
  if (fields.id === undefined || fields.id === null || fields.id === '') id = newId();
  else if (customId.safeParse(fields.id).success) id = fields.id as string;
  else errors.id = "This observance's id is damaged. Reopen the form and try again.";

  const name = asText(fields.name);
  if (!name) errors.name = 'Give the observance a name, like "Founders\' Day".';
  else if (name.length > MAX_CUSTOM_NAME_LENGTH) {
    errors.name = `Keep the name to ${MAX_CUSTOM_NAME_LENGTH} characters or fewer; this one has ${formatCount(name.length)}.`;
  }

  let rule: DateRule | undefined;
  const date = asText(fields.date);
  if (!date) errors.date = 'Say when it happens: a date like "July 4" or a rule like "first Monday of May".';
  else {
    const parsed = parseDateRule(date);
    if (parsed.ok) rule = parsed.rule;
    else errors.date = parsed.error;
  }

  const message = asText(fields.message);
  if (!message) errors.message = 'Write the message Kudos should post on the day.';
  else if (message.length > MAX_CUSTOM_MESSAGE_LENGTH) {
    errors.message = `Keep the message to ${formatCount(MAX_CUSTOM_MESSAGE_LENGTH)} characters or fewer; this one has ${formatCount(message.length)}.`;
  }

  // Left empty, an observance lasts one day: that's what most are.
  const rawDays = fields.days;
  const days =
    rawDays === undefined || rawDays === null || rawDays === ''
      ? 1
      : typeof rawDays === 'string' && /^\s*\d{1,3}\s*$/.test(rawDays)
        ? Number(rawDays)
        : rawDays;
  if (typeof days !== 'number' || !Number.isInteger(days) || days < 1 || days > MAX_CUSTOM_DAYS) {
    errors.days = `It can last from 1 to ${MAX_CUSTOM_DAYS} days: use a whole number in that range.`;
  }

  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, value: { id: id!, name: name!, rule: rule!, message: message!, days: days as number } };
}

// ---------------------------------------------------------------------------------------------------
// What a workspace stores

// Same shape as the kudos channel setting: a Slack channel id or a Teams conversation id.
const channelId = z.string().regex(/^[A-Za-z0-9:@._;=\-]{1,200}$/, 'not a channel id');
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'use 24-hour HH:MM');

export const REMINDER_TIMINGS = ['same-day', 'day-before'] as const;
export type ReminderTiming = (typeof REMINDER_TIMINGS)[number];

const builtInSettingSchema = z.object({
  enabled: z.boolean(),
  /** The admin's own wording for the reminder; null → Kudos's default prompt. */
  prompt: z.string().trim().min(1).max(MAX_CUSTOM_MESSAGE_LENGTH).nullable(),
});
export type BuiltInObservanceSetting = z.infer<typeof builtInSettingSchema>;

const builtInDefault = (key: BuiltInKey): BuiltInObservanceSetting => ({
  enabled: BUILT_IN_OBSERVANCES[key].enabledByDefault,
  prompt: null,
});

// Each entry has its own default so that a built-in added in a later release doesn't make every stored
// settings value invalid (which would reset the workspace's other choices to the defaults).
const builtInSettingsSchema = z.object({
  'customer-service-week': builtInSettingSchema.default(() => builtInDefault('customer-service-week')),
  'employee-appreciation-day': builtInSettingSchema.default(() => builtInDefault('employee-appreciation-day')),
  'independence-day': builtInSettingSchema.default(() => builtInDefault('independence-day')),
  thanksgiving: builtInSettingSchema.default(() => builtInDefault('thanksgiving')),
});

export const observanceSettingsSchema = z.object({
  builtIn: builtInSettingsSchema,
  /** Where reminders go; null → the workspace's kudos channel. */
  channel: channelId.nullable(),
  /** How many days ahead an observance is announced; 0 = no announcement. */
  announceDaysBefore: z.number().int().min(0).max(30),
  /** Whether the day's reminder goes out on the day or the day before. */
  reminderTiming: z.enum(REMINDER_TIMINGS),
  /** Local time, in the workspace's time zone, at which announcements and reminders are posted. */
  postTime: hhmm,
  custom: z
    .array(customObservanceSchema)
    .max(MAX_CUSTOM_OBSERVANCES)
    .refine((list) => new Set(list.map((c) => c.id)).size === list.length, 'custom observance ids must be unique'),
});
export type ObservanceSettings = z.infer<typeof observanceSettingsSchema>;

export const DEFAULT_OBSERVANCE_SETTINGS: Readonly<ObservanceSettings> = Object.freeze<ObservanceSettings>({
  builtIn: {
    'customer-service-week': builtInDefault('customer-service-week'),
    'employee-appreciation-day': builtInDefault('employee-appreciation-day'),
    'independence-day': builtInDefault('independence-day'),
    thanksgiving: builtInDefault('thanksgiving'),
  },
  channel: null,
  announceDaysBefore: 7,
  reminderTiming: 'same-day',
  postTime: '09:00',
  custom: [],
});

// ---------------------------------------------------------------------------------------------------
// What falls when

interface OccurrenceBase {
  name: string;
  /** The year whose rule produced it: with the key, it names this occurrence for good (e.g. to post once). */
  year: number;
  start: string;
  end: string;
}

export type Occurrence =
  | (OccurrenceBase & { source: 'built-in'; key: BuiltInKey; prompt: string | null })
  | (OccurrenceBase & { source: 'custom'; key: `custom:${string}`; id: string; message: string });

/** A custom observance's span in `year`, or null when its rule has no day that year. */
export function customOccurrence(custom: Pick<CustomObservance, 'rule' | 'days'>, year: number): DaySpan | null {
  const start = resolveRule(custom.rule, year);
  return start === null ? null : { start, end: addDays(start, custom.days - 1) };
}

/**
 * Every enabled occurrence that overlaps `fromDay`..`toDay` (inclusive calendar days), built-in and
 * custom, sorted by start day then key.
 */
export function occurrencesBetween(settings: ObservanceSettings, fromDay: string, toDay: string): Occurrence[] {
  if (!isIsoDay(fromDay) || !isIsoDay(toDay)) throw new RangeError(`not a day range: ${fromDay}..${toDay}`);
  if (fromDay > toDay) return [];
  const overlaps = (span: DaySpan) => span.start <= toDay && span.end >= fromDay;
  // A span can start in the year before the range (a custom week from 28 December), so look back one year.
  const firstYear = Math.max(1, Number(fromDay.slice(0, 4)) - 1);
  const lastYear = Number(toDay.slice(0, 4));
  const found: Occurrence[] = [];

  for (let year = firstYear; year <= lastYear; year++) {
    for (const key of BUILT_IN_KEYS) {
      const setting = settings.builtIn[key] ?? builtInDefault(key);
      if (!setting.enabled) continue;
      const span = BUILT_IN_OBSERVANCES[key].occurrence(year);
      if (overlaps(span)) {
        found.push({ source: 'built-in', key, name: BUILT_IN_OBSERVANCES[key].name, year, ...span, prompt: setting.prompt });
      }
    }
    for (const custom of settings.custom) {
      const span = customOccurrence(custom, year);
      if (span && overlaps(span)) {
        found.push({ source: 'custom', key: `custom:${custom.id}`, id: custom.id, name: custom.name, year, ...span, message: custom.message });
      }
    }
  }
  const order = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return found.sort((a, b) => order(a.start, b.start) || order(a.key, b.key));
}
