import { BUILT_IN_KEYS, BUILT_IN_OBSERVANCES } from './observances';
import { normalizeEmoji } from './admin-values';
import { FIELD_LABELS, SETTING_LABELS } from './setting-labels';
import { MAX_MESSAGE_LENGTH, validateSetting, type SettingKey, type Settings } from './settings';
import { isValidTimeZone } from './time';

/**
 * A setting's form, read and checked once for every platform. An adapter turns what its form sent (a Slack
 * view's state, a Teams card's data) into a SettingForm, field by field, and renders the errors this returns
 * beside the same fields. A field left out (undefined) keeps its current value, so a form may edit part of a
 * setting; an empty one (null or '') means "none" where the setting allows it.
 */

export type FormValue = string | readonly string[] | null | undefined;
export type SettingForm = Readonly<Record<string, FormValue>>;

/** The fields of each setting's form, in order. Errors are keyed by these names. */
export const FORM_FIELDS: Readonly<Record<SettingKey, readonly string[]>> = Object.freeze({
  kudosChannel: ['channel'],
  digest: ['enabled', 'channel', 'weekday', 'time', 'timeZone', 'topCount', 'quietWeek'],
  allowancePerDay: ['limit'],
  minMessageLength: ['min'],
  valueRequired: ['required'],
  reactionEmoji: ['emoji'],
  observances: ['builtIn', ...BUILT_IN_KEYS.map((k) => `prompt:${k}`), 'channel', 'announceDaysBefore', 'reminderTiming', 'postTime'],
  admins: ['admins'],
  retention: ['eventBodyDays', 'messageMonths', 'eraseDeactivatedAfterDays'],
  wall: ['frameAncestors'],
});

export type FormResult<K extends SettingKey> = { ok: true; value: Settings[K] } | { ok: false; errors: Record<string, string> };

const WHOLE = /^\d{1,4}$/;
const EMOJI_NAME = /^[a-z0-9_+\-']{1,100}$/;
const YES = new Set(['yes', 'on', 'true']);
const NO = new Set(['no', 'off', 'false']);

/**
 * Reads one setting's form against the current settings: what cannot even be read (letters in a number, a
 * time zone nobody knows) is reported by field in words an admin can act on, and the result then goes through
 * the setting's schema, whose errors are mapped onto the same fields.
 */
export function readSettingForm<K extends SettingKey>(key: K, form: SettingForm, current: Settings): FormResult<K> {
  const errors: Record<string, string> = {};
  const value = readValue(key, form, current, errors);
  if (Object.keys(errors).length) return { ok: false, errors };
  const checked = validateSetting(key, value);
  return checked.ok ? { ok: true, value: checked.value } : { ok: false, errors: fieldErrors(key, checked.errors) };
}

function readValue(key: SettingKey, form: SettingForm, current: Settings, errors: Record<string, string>): unknown {
  const f = fields(form);
  switch (key) {
    case 'kudosChannel':
      return f.channel('channel', current.kudosChannel);
    case 'digest': {
      const d = current.digest;
      const enabled = f.bool('enabled', d.enabled);
      if (enabled === null) errors.enabled = 'Choose on or off.';
      const weekdayText = f.text('weekday');
      const weekday = weekdayText === undefined ? d.weekday : Number(weekdayText);
      if (!Number.isInteger(weekday) || weekday < 1 || weekday > 7) errors.weekday = 'Choose a day of the week.';
      const time = f.time('time', d.time);
      if (!time) errors.time = 'Choose a time.';
      const zone = f.text('timeZone');
      if (zone && !isValidTimeZone(zone)) errors.timeZone = `“${cut(zone, 64)}” is not a time zone I know. Use an IANA name such as Europe/Paris or America/New_York.`;
      const top = Number(f.text('topCount') ?? NaN);
      return {
        enabled,
        channel: f.channel('channel', d.channel),
        weekday,
        time,
        timeZone: zone === undefined ? d.timeZone : zone || null,
        topCount: Number.isInteger(top) && top > 0 ? top : d.topCount,
        quietWeek: f.text('quietWeek') || d.quietWeek,
      };
    }
    case 'allowancePerDay': {
      const raw = f.text('limit');
      if (raw === undefined) return current.allowancePerDay;
      if (!raw) return null;
      if (!WHOLE.test(raw) || Number(raw) < 1 || Number(raw) > 1000) errors.limit = 'Use a whole number from 1 to 1000, or leave it empty for no daily limit.';
      return Number(raw);
    }
    case 'minMessageLength': {
      const raw = f.text('min');
      if (raw === undefined) return current.minMessageLength;
      if (!raw) return 0;
      if (!WHOLE.test(raw) || Number(raw) > MAX_MESSAGE_LENGTH) errors.min = `Use a whole number from 0 to ${MAX_MESSAGE_LENGTH}.`;
      return Number(raw);
    }
    case 'valueRequired': {
      const v = f.bool('required', current.valueRequired);
      if (v === null) errors.required = 'Choose yes or no.';
      return v;
    }
    case 'reactionEmoji': {
      const raw = f.text('emoji');
      if (raw === undefined) return current.reactionEmoji;
      const names = [...new Set(raw.split(/[\s,]+/).map(normalizeEmoji).filter(Boolean))];
      const bad = names.filter((n) => !EMOJI_NAME.test(n));
      if (bad.length) errors.emoji = `These are not emoji names: ${bad.slice(0, 5).map((b) => `“${cut(b, 30)}”`).join(', ')}. Use names like :clap: or :trophy:, without skin tones.`;
      else if (names.length > 50) errors.emoji = `Use at most 50 emoji; there are ${names.length}.`;
      return names;
    }
    case 'observances': {
      const o = current.observances;
      const on = f.list('builtIn');
      const daysText = f.text('announceDaysBefore');
      if (daysText !== undefined && (!WHOLE.test(daysText) || Number(daysText) > 30)) errors.announceDaysBefore = 'Use a whole number of days from 0 to 30.';
      const postTime = f.time('postTime', o.postTime);
      if (!postTime) errors.postTime = 'Choose a time.';
      return {
        builtIn: Object.fromEntries(
          BUILT_IN_KEYS.map((k) => {
            const prompt = f.text(`prompt:${k}`);
            return [k, { enabled: on ? on.includes(k) : !!o.builtIn[k]?.enabled, prompt: prompt === undefined ? (o.builtIn[k]?.prompt ?? null) : prompt || null }];
          }),
        ),
        channel: f.channel('channel', o.channel),
        announceDaysBefore: daysText === undefined ? o.announceDaysBefore : Number(daysText),
        reminderTiming: f.text('reminderTiming') || o.reminderTiming,
        postTime,
        // Custom observances have their own forms; this one keeps them as they are.
        custom: o.custom,
      };
    }
    case 'admins': {
      const ids = f.list('admins');
      return ids ? [...new Set(ids)] : current.admins;
    }
    case 'retention': {
      const r = current.retention;
      /** A whole number in [min, max]; empty is null where `none` says what that means, else an error. */
      const whole = (field: keyof typeof r, min: number, max: number, unit: string, none?: string): number | null => {
        const raw = f.text(field);
        if (raw === undefined) return r[field];
        const problem = `Use a whole number of ${unit} from ${min} to ${max}${none ? `, or leave it empty ${none}` : ''}.`;
        if (!raw) {
          if (none) return null;
          errors[field] = problem;
          return r[field];
        }
        if (!WHOLE.test(raw) || Number(raw) < min || Number(raw) > max) errors[field] = problem;
        return Number(raw);
      };
      return {
        eventBodyDays: whole('eventBodyDays', 1, 365, 'days'),
        messageMonths: whole('messageMonths', 1, 120, 'months', 'to keep messages'),
        eraseDeactivatedAfterDays: whole('eraseDeactivatedAfterDays', 1, 3650, 'days', 'to keep the people who left'),
      };
    }
    case 'wall': {
      // Origins separated by spaces, commas or lines; a trailing slash is forgiven. Empty: no site may frame it.
      const raw = f.text('frameAncestors');
      if (raw === undefined) return current.wall;
      const origins = raw.split(/[\s,]+/).map((o) => o.trim().replace(/\/+$/, '').toLowerCase()).filter(Boolean);
      return { frameAncestors: [...new Set(origins)] };
    }
  }
}

/** Accessors over one form: undefined when the field was not sent. */
function fields(form: SettingForm) {
  const raw = (name: string): FormValue => form[name];
  const text = (name: string): string | undefined => {
    const v = raw(name);
    if (v === undefined) return undefined;
    if (v === null) return '';
    return (typeof v === 'string' ? v : v.join(',')).trim();
  };
  return {
    text,
    list(name: string): string[] | undefined {
      const v = raw(name);
      if (v === undefined) return undefined;
      const items = v === null ? [] : typeof v === 'string' ? v.split(',') : v;
      return items.map((s) => s.trim()).filter(Boolean);
    },
    channel(name: string, current: string | null): string | null {
      const v = text(name);
      return v === undefined ? current : v || null;
    },
    /** true, false, or null when the field was sent without a choice. */
    bool(name: string, current: boolean): boolean | null {
      const v = text(name);
      if (v === undefined) return current;
      return YES.has(v.toLowerCase()) ? true : NO.has(v.toLowerCase()) ? false : null;
    },
    /** HH:MM (a client may add seconds); '' when none was chosen. */
    time(name: string, current: string): string {
      const v = text(name);
      return v === undefined ? current : v.slice(0, 5);
    },
  };
}

/** The form field a schema error (by path, as validateSetting reports them) belongs to. */
export function fieldForPath(key: SettingKey, path: string): string {
  const formFields = FORM_FIELDS[key];
  if (formFields.length === 1) return formFields[0];
  const parts = path.split('.');
  if (key === 'observances' && parts[0] === 'builtIn') return parts[2] === 'prompt' && parts[1] ? `prompt:${parts[1]}` : 'builtIn';
  return formFields.includes(parts[0]) ? parts[0] : formFields[0];
}

/** Schema errors keyed by form field, as sentences. */
export function fieldErrors(key: SettingKey, errors: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [path, message] of Object.entries(errors)) out[fieldForPath(key, path)] ??= sentence(message);
  return out;
}

/** What admins call a field of a setting's form (the setting's own name when the form has one field). */
export function formFieldLabel(key: SettingKey, field: string): string {
  if (FORM_FIELDS[key].length === 1) return SETTING_LABELS[key];
  if (field.startsWith('prompt:')) {
    const k = field.slice('prompt:'.length) as (typeof BUILT_IN_KEYS)[number];
    return `Prompt for ${BUILT_IN_OBSERVANCES[k]?.name ?? k}`;
  }
  return FIELD_LABELS[`${key}.${field}`] ?? SETTING_LABELS[key];
}

function sentence(message: string): string {
  if (/too big|too small|expected number|invalid input/i.test(message)) return `That value is out of range (${message}).`;
  return message.charAt(0).toUpperCase() + message.slice(1) + (/[.!?]$/.test(message) ? '' : '.');
}

function cut(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}
