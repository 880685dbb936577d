import { WEEKDAY_NAMES } from '../../core/calendar';
import type { SettingKey, Settings } from '../../core/settings';
import { adaptiveCard, textBlock, type AdaptiveCard, type CardElement } from './common';

export const SAVE_SETTINGS_VERB = 'saveSettings';
/** A choice set cannot submit an empty choice; this one stands for "none" (null). */
export const NONE = '-';

/** The settings this card edits; the rest (observances, reaction emoji) keep their values. */
export const CARD_KEYS = ['allowancePerDay', 'minMessageLength', 'valueRequired', 'kudosChannel', 'digest', 'admins'] as const satisfies readonly SettingKey[];
export type CardKey = (typeof CARD_KEYS)[number];

export interface SettingsCardInput {
  settings: Settings;
  versions: Record<SettingKey, number>;
  channels: Array<{ id: string; name: string }>;
  people: Array<{ id: string; name: string }>;
  workspaceTimeZone: string;
  notice?: { kind: 'saved' | 'error' | 'info'; text: string } | null;
}

/**
 * The admin settings card. It carries the version of each setting it shows, so a save made from an old card
 * is caught (someone else saved meanwhile) instead of silently overwriting. The server checks everything again.
 */
export function settingsCard(input: SettingsCardInput): AdaptiveCard {
  const s = input.settings;
  const body: CardElement[] = [textBlock('**Kudos settings**', { size: 'Medium' })];
  if (input.notice) {
    const color = input.notice.kind === 'error' ? 'Attention' : input.notice.kind === 'saved' ? 'Good' : 'Default';
    body.push(textBlock(input.notice.text, { id: 'notice', color, spacing: 'Small' }));
  }
  const channelChoices = input.channels.map((c) => ({ title: c.name || c.id, value: c.id }));
  const withCurrent = (id: string | null) =>
    id && !channelChoices.some((c) => c.value === id) ? [...channelChoices, { title: id, value: id }] : channelChoices;
  body.push(
    textBlock('**Giving**', { spacing: 'Medium' }),
    {
      type: 'Input.Number',
      id: 'allowancePerDay',
      label: 'Kudos each person can give per day (empty: no limit)',
      min: 1,
      max: 1000,
      placeholder: 'No limit',
      value: s.allowancePerDay ?? undefined,
    },
    { type: 'Input.Number', id: 'minMessageLength', label: 'Shortest message (characters)', min: 0, max: 1000, value: s.minMessageLength },
    { type: 'Input.Toggle', id: 'valueRequired', title: 'Every kudos needs a value', value: String(s.valueRequired), valueOn: 'true', valueOff: 'false' },
    {
      type: 'Input.ChoiceSet',
      id: 'kudosChannel',
      label: 'Post kudos given in personal chats in',
      style: 'compact',
      choices: [{ title: 'The chat where they were given', value: NONE }, ...withCurrent(s.kudosChannel)],
      value: s.kudosChannel ?? NONE,
    },
    textBlock('**Weekly digest**', { spacing: 'Medium' }),
    { type: 'Input.Toggle', id: 'digestEnabled', title: 'Post a weekly digest', value: String(s.digest.enabled), valueOn: 'true', valueOff: 'false' },
    {
      type: 'Input.ChoiceSet',
      id: 'digestChannel',
      label: 'Digest channel',
      style: 'compact',
      choices: [{ title: 'The kudos channel', value: NONE }, ...withCurrent(s.digest.channel)],
      value: s.digest.channel ?? NONE,
    },
    {
      type: 'Input.ChoiceSet',
      id: 'digestWeekday',
      label: 'Day',
      style: 'compact',
      choices: WEEKDAY_NAMES.map((d, i) => ({ title: d, value: String(i + 1) })),
      value: String(s.digest.weekday),
    },
    { type: 'Input.Time', id: 'digestTime', label: 'Time', value: s.digest.time },
    {
      type: 'Input.Text',
      id: 'digestTimeZone',
      label: 'Time zone (IANA, e.g. Europe/Paris; empty: the workspace time zone)',
      placeholder: input.workspaceTimeZone,
      value: s.digest.timeZone ?? '',
    },
    textBlock('**Admins**', { spacing: 'Medium' }),
    {
      type: 'Input.ChoiceSet',
      id: 'admins',
      label: 'People who can change these settings',
      isMultiSelect: true,
      choices: peopleChoices(input.people, s.admins),
      value: s.admins.join(','),
    },
  );
  const data = { kudosAction: SAVE_SETTINGS_VERB, versions: Object.fromEntries(CARD_KEYS.map((k) => [k, input.versions[k]])) };
  return adaptiveCard(body, {
    actions: [
      {
        type: 'Action.Execute',
        title: 'Save',
        verb: SAVE_SETTINGS_VERB,
        data,
        // Clients without Universal Actions send the same data as a message.
        fallback: { type: 'Action.Submit', title: 'Save', data },
      },
    ],
  });
}

function peopleChoices(people: Array<{ id: string; name: string }>, admins: string[]): Array<{ title: string; value: string }> {
  const choices = people.map((p) => ({ title: p.name || p.id, value: p.id }));
  for (const id of admins) if (!choices.some((c) => c.value === id)) choices.push({ title: id, value: id });
  return choices;
}

export type SettingsSubmission = {
  /** The new value per changed key (not yet validated: the core's schemas do that). */
  changes: Array<{ key: CardKey; value: unknown; expectedVersion: number }>;
  errors: Record<string, string>;
};

const LABELS: Record<string, string> = {
  allowancePerDay: 'Daily allowance',
  minMessageLength: 'Shortest message',
  valueRequired: 'Value required',
  kudosChannel: 'Kudos channel',
  digest: 'Weekly digest',
  'digest.channel': 'Digest channel',
  'digest.weekday': 'Digest day',
  'digest.time': 'Digest time',
  'digest.timeZone': 'Digest time zone',
  admins: 'Admins',
};

export function settingLabel(field: string): string {
  return LABELS[field] ?? field;
}

/** Reads a submitted card into per-setting changes against the current settings. Never trusts the card's shape. */
export function readSettingsSubmission(data: Record<string, unknown>, current: Settings): SettingsSubmission {
  const errors: Record<string, string> = {};
  const str = (k: string): string | undefined => (typeof data[k] === 'string' ? (data[k] as string).trim() : typeof data[k] === 'number' ? String(data[k]) : undefined);
  const int = (k: string, field: string, emptyAs: number | null | undefined): number | null | undefined => {
    const v = str(k);
    if (v === undefined) return undefined;
    if (v === '') return emptyAs;
    if (!/^\d+$/.test(v)) {
      errors[field] = 'Enter a whole number.';
      return undefined;
    }
    return Number(v);
  };
  const bool = (k: string): boolean | undefined => (str(k) === 'true' ? true : str(k) === 'false' ? false : undefined);
  const channel = (k: string): string | null | undefined => {
    const v = str(k);
    return v === undefined ? undefined : v === NONE || v === '' ? null : v;
  };

  const next: Partial<Record<CardKey, unknown>> = {};
  const allowance = int('allowancePerDay', 'allowancePerDay', null);
  if (allowance !== undefined) next.allowancePerDay = allowance;
  const minLength = int('minMessageLength', 'minMessageLength', 0);
  if (minLength !== undefined) next.minMessageLength = minLength;
  const valueRequired = bool('valueRequired');
  if (valueRequired !== undefined) next.valueRequired = valueRequired;
  const kudosChannel = channel('kudosChannel');
  if (kudosChannel !== undefined) next.kudosChannel = kudosChannel;

  const digest = { ...current.digest };
  const enabled = bool('digestEnabled');
  if (enabled !== undefined) digest.enabled = enabled;
  const digestChannel = channel('digestChannel');
  if (digestChannel !== undefined) digest.channel = digestChannel;
  const weekday = int('digestWeekday', 'digest.weekday', undefined);
  if (weekday !== undefined && weekday !== null) digest.weekday = weekday;
  const time = str('digestTime');
  if (time) digest.time = time.slice(0, 5);
  const tz = str('digestTimeZone');
  if (tz !== undefined) digest.timeZone = tz === '' ? null : tz;
  next.digest = digest;

  const admins = str('admins');
  if (admins !== undefined) next.admins = [...new Set(admins.split(',').map((s) => s.trim()).filter(Boolean))];

  const versions = (data.versions ?? {}) as Record<string, unknown>;
  const changes: SettingsSubmission['changes'] = [];
  for (const key of CARD_KEYS) {
    if (!(key in next)) continue;
    if (JSON.stringify(next[key]) === JSON.stringify(current[key])) continue;
    const v = versions[key];
    changes.push({ key, value: next[key], expectedVersion: typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : -1 });
  }
  return { changes, errors };
}
