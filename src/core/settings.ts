import { z } from 'zod';
import { DEFAULT_REACTION_EMOJI } from './values';
import { isValidTimeZone } from './time';
import { DEFAULT_OBSERVANCE_SETTINGS, observanceSettingsSchema } from './observances';

/**
 * Workspace settings: one row per key in `setting`, each validated by its own schema and falling back to its
 * default. Each key has its own version, so two admins editing different settings never collide, and two
 * editing the same one are told (see updateSetting).
 */

export const MAX_MESSAGE_LENGTH = 1000;
export const MAX_RECIPIENTS = 10;

const channelId = z.string().regex(/^[A-Za-z0-9:@._;=\-]{1,200}$/, 'not a channel id');
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'use 24-hour HH:MM');
const timeZone = z.string().refine((tz) => isValidTimeZone(tz), 'not a known IANA time zone');

export const digestSettingsSchema = z.object({
  enabled: z.boolean(),
  /** null → the kudos channel, if any. */
  channel: channelId.nullable(),
  /** ISO weekday: 1 = Monday … 7 = Sunday. */
  weekday: z.number().int().min(1).max(7),
  time: hhmm,
  /** null → the workspace's time zone. */
  timeZone: timeZone.nullable(),
  topCount: z.number().int().min(1).max(10),
  quietWeek: z.enum(['nudge', 'skip']),
});
export type DigestSettings = z.infer<typeof digestSettingsSchema>;

/** How long Kudos keeps what people sent it; the nightly retention run (jobs/retention-job.ts) applies it. */
const wholeNumber = (min: number, max: number, unit: string, orNone = '') => {
  const message = `use a whole number of ${unit} from ${min} to ${max}${orNone}`;
  return z.number({ error: message }).int({ error: message }).min(min, { error: message }).max(max, { error: message });
};

export const retentionSettingsSchema = z.object({
  /** Days a processed platform delivery (its raw body) is kept. */
  eventBodyDays: wholeNumber(1, 365, 'days'),
  /** Months a kudos keeps its message text; null = forever. The kudos, its recipients and values stay. */
  messageMonths: wholeNumber(1, 120, 'months', ', or none to keep messages').nullable(),
  /** Days after someone is deactivated that their personal data is erased; null = never. */
  eraseDeactivatedAfterDays: wholeNumber(1, 3650, 'days', ', or none to keep them').nullable(),
});
export type RetentionSettings = z.infer<typeof retentionSettingsSchema>;

/**
 * The Kudos Wall. frameAncestors: the origins (https://intranet.example.com) allowed to show the wall in a frame;
 * empty (the default) lets no page frame it (CSP frame-ancestors 'none').
 */
const frameOrigin = z
  .string()
  .max(200)
  .refine((o) => /^https?:\/\/(\*\.)?[A-Za-z0-9.-]+(:\d{1,5})?$/.test(o), 'use an origin such as https://intranet.example.com (no path)');
export const wallSettingsSchema = z.object({
  frameAncestors: z.array(frameOrigin).max(20),
});
export type WallSettings = z.infer<typeof wallSettingsSchema>;

export const SETTING_SCHEMAS = {
  /** Recipients per giver per local day; null = unlimited. */
  allowancePerDay: z.number().int().min(1).max(1000).nullable(),
  minMessageLength: z.number().int().min(0).max(MAX_MESSAGE_LENGTH),
  valueRequired: z.boolean(),
  /** Where kudos are posted; null → the channel where they were given. */
  kudosChannel: channelId.nullable(),
  reactionEmoji: z.array(z.string().regex(/^[a-z0-9_+\-']{1,100}$/, 'emoji names only, without colons')).max(50),
  digest: digestSettingsSchema,
  /** Customer Service Week and the other observances: which run, where, when, and their prompts. */
  observances: observanceSettingsSchema,
  /** Platform user ids of admins kept by Kudos (besides the platform's own owners and admins). */
  admins: z.array(z.string().min(1).max(100)).max(200),
  /** What is kept, and for how long. */
  retention: retentionSettingsSchema,
  /** The Kudos Wall (src/core/wall.ts): who may frame it. */
  wall: wallSettingsSchema,
} as const;

export type SettingKey = keyof typeof SETTING_SCHEMAS;
export type Settings = { [K in SettingKey]: z.infer<(typeof SETTING_SCHEMAS)[K]> };

export const DEFAULT_SETTINGS: Readonly<Settings> = Object.freeze<Settings>({
  allowancePerDay: 5,
  minMessageLength: 10,
  valueRequired: false,
  kudosChannel: null,
  reactionEmoji: [...DEFAULT_REACTION_EMOJI],
  digest: {
    enabled: true,
    channel: null,
    weekday: 5,
    time: '16:00',
    timeZone: null,
    topCount: 3,
    quietWeek: 'nudge',
  },
  observances: DEFAULT_OBSERVANCE_SETTINGS,
  admins: [],
  retention: { eventBodyDays: 7, messageMonths: null, eraseDeactivatedAfterDays: null },
  wall: { frameAncestors: [] },
});

export function isSettingKey(key: string): key is SettingKey {
  return Object.prototype.hasOwnProperty.call(SETTING_SCHEMAS, key);
}

/** Validates one setting; returns the parsed value or a readable error per field. */
export function validateSetting<K extends SettingKey>(
  key: K,
  value: unknown,
): { ok: true; value: Settings[K] } | { ok: false; errors: Record<string, string> } {
  const parsed = SETTING_SCHEMAS[key].safeParse(value);
  if (parsed.success) return { ok: true, value: parsed.data as Settings[K] };
  const errors: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    const field = issue.path.length ? issue.path.join('.') : key;
    errors[field] ??= issue.message;
  }
  return { ok: false, errors };
}

export interface SettingsSnapshot {
  settings: Settings;
  /** Per key: 0 when never saved (the default applies). */
  versions: Record<SettingKey, number>;
}

/** Merges stored rows over the defaults; a stored value that no longer validates falls back to its default. */
export function settingsFromRows(rows: ReadonlyArray<{ key: string; value: unknown; version: number }>): SettingsSnapshot {
  // Read on every give: the same rows parse to the same (frozen) snapshot, so parse each distinct set once.
  const cacheKey = JSON.stringify(rows);
  const cached = SNAPSHOTS.get(cacheKey);
  if (cached) return cached;
  const snapshot = deepFreeze(parseRows(rows));
  if (SNAPSHOTS.size >= 500) SNAPSHOTS.clear();
  SNAPSHOTS.set(cacheKey, snapshot);
  return snapshot;
}

const SNAPSHOTS = new Map<string, SettingsSnapshot>();

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}

function parseRows(rows: ReadonlyArray<{ key: string; value: unknown; version: number }>): SettingsSnapshot {
  const settings = structuredClone(DEFAULT_SETTINGS) as Settings;
  const versions = Object.fromEntries(Object.keys(SETTING_SCHEMAS).map((k) => [k, 0])) as Record<SettingKey, number>;
  for (const row of rows) {
    if (!isSettingKey(row.key)) continue;
    versions[row.key] = row.version;
    const parsed = SETTING_SCHEMAS[row.key].safeParse(row.value);
    if (parsed.success) (settings as Record<string, unknown>)[row.key] = parsed.data;
  }
  return { settings, versions };
}
