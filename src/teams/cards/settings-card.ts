import { WEEKDAY_NAMES } from '../../core/calendar';
import { DELETE_ALL_PHRASE } from '../../core/workspaces';
import { SETTING_LABELS } from '../../core/setting-labels';
import type { SettingKey, Settings } from '../../core/settings';
import { adaptiveCard, textBlock, type AdaptiveCard, type CardElement } from './common';
import { wallCardSection, type WallCardInput } from './wall';

export const SAVE_SETTINGS_VERB = 'saveSettings';
/** The Data section's buttons (Action.Submit): the workspace's kudos by a link, and erasing a person. */
export const EXPORT_KUDOS_VERB = 'exportKudos';
export const ERASE_PERSON_VERB = 'erasePerson';
export const DELETE_ALL_VERB = 'deleteAllData';
/** The Data section's inputs: not settings, so not in CARD_INPUTS. */
export const DATA_INPUTS = Object.freeze({
  exportFrom: 'exportFrom',
  exportTo: 'exportTo',
  exportFormat: 'exportFormat',
  erasePerson: 'erasePerson',
  eraseConfirm: 'eraseConfirm',
  deleteAllPhrase: 'deleteAllPhrase',
} as const);
/** A choice set cannot submit an empty choice; this one stands for "none" (null). */
export const NONE = '-';

/** The settings this card edits; the rest (observances, reaction emoji) keep their values. */
export const CARD_KEYS = ['allowancePerDay', 'minMessageLength', 'valueRequired', 'kudosChannel', 'digest', 'admins', 'retention'] as const satisfies readonly SettingKey[];
export type CardKey = (typeof CARD_KEYS)[number];

/**
 * Each input of the card, by id, and the field of the core's setting form it fills (core/settings-form.ts):
 * the handler reads a submission through this, and the core's errors come back beside the same inputs.
 */
export const CARD_INPUTS = Object.freeze({
  allowancePerDay: { key: 'allowancePerDay', field: 'limit' },
  minMessageLength: { key: 'minMessageLength', field: 'min' },
  valueRequired: { key: 'valueRequired', field: 'required' },
  kudosChannel: { key: 'kudosChannel', field: 'channel' },
  digestEnabled: { key: 'digest', field: 'enabled' },
  digestChannel: { key: 'digest', field: 'channel' },
  digestWeekday: { key: 'digest', field: 'weekday' },
  digestTime: { key: 'digest', field: 'time' },
  digestTimeZone: { key: 'digest', field: 'timeZone' },
  admins: { key: 'admins', field: 'admins' },
  retentionEventBodyDays: { key: 'retention', field: 'eventBodyDays' },
  retentionMessageMonths: { key: 'retention', field: 'messageMonths' },
  retentionEraseDeactivatedAfterDays: { key: 'retention', field: 'eraseDeactivatedAfterDays' },
} as const satisfies Record<string, { key: CardKey; field: string }>);
export type CardInputId = keyof typeof CARD_INPUTS;

/** The id of the text that shows an input's error, right below it. */
export const errorId = (input: CardInputId): string => `${input}Error`;

export interface SettingsCardInput {
  settings: Settings;
  versions: Record<SettingKey, number>;
  channels: Array<{ id: string; name: string }>;
  people: Array<{ id: string; name: string }>;
  workspaceTimeZone: string;
  notice?: { kind: 'saved' | 'error' | 'info'; text: string } | null;
  /** Errors by input id, each shown below its input. */
  errors?: Partial<Record<CardInputId, string>>;
  /** Today (YYYY-MM-DD, UTC): the Data section's export ends here and starts a year before. No Data section without it. */
  today?: string;
  /** The Kudos Wall's links and framing (cards/wall.ts); no section without it. */
  wall?: WallCardInput;
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
    textBlock(`**${SETTING_LABELS.digest}**`, { spacing: 'Medium' }),
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
    textBlock(`**${SETTING_LABELS.admins}**`, { spacing: 'Medium' }),
    {
      type: 'Input.ChoiceSet',
      id: 'admins',
      label: 'People who can change these settings',
      isMultiSelect: true,
      choices: peopleChoices(input.people, s.admins),
      value: s.admins.join(','),
    },
    textBlock(`**${SETTING_LABELS.retention}**`, { spacing: 'Medium' }),
    {
      type: 'Input.Number',
      id: 'retentionEventBodyDays',
      label: 'Days the messages and clicks Teams sent are kept (1 to 365)',
      min: 1,
      max: 365,
      value: s.retention.eventBodyDays,
    },
    {
      type: 'Input.Number',
      id: 'retentionMessageMonths',
      label: 'Months kudos messages are kept (empty: forever; the kudos still count)',
      min: 1,
      max: 120,
      placeholder: 'Forever',
      value: s.retention.messageMonths ?? undefined,
    },
    {
      type: 'Input.Number',
      id: 'retentionEraseDeactivatedAfterDays',
      label: 'Days after people leave that their data is erased (empty: never)',
      min: 1,
      max: 3650,
      placeholder: 'Never',
      value: s.retention.eraseDeactivatedAfterDays ?? undefined,
    },
  );
  if (input.today) body.push(...dataSection(input.today, input.people));
  if (input.wall) body.push(...wallCardSection(input.wall));
  const withErrors = body.flatMap((el): CardElement[] => {
    const message = typeof el.id === 'string' ? input.errors?.[el.id as CardInputId] : undefined;
    return message ? [el, textBlock(message, { id: errorId(el.id as CardInputId), color: 'Attention', spacing: 'None', size: 'Small' })] : [el];
  });
  const data = { kudosAction: SAVE_SETTINGS_VERB, versions: Object.fromEntries(CARD_KEYS.map((k) => [k, input.versions[k]])) };
  return adaptiveCard(withErrors, {
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

/** A year before `today` (YYYY-MM-DD); 29 February falls back to 28 February. */
export function yearBefore(today: string): string {
  const d = new Date(`${today}T00:00:00Z`);
  const y = new Date(Date.UTC(d.getUTCFullYear() - 1, d.getUTCMonth(), d.getUTCDate()));
  if (y.getUTCMonth() !== d.getUTCMonth()) y.setUTCDate(0);
  return y.toISOString().slice(0, 10);
}

/**
 * The Data section: the workspace's kudos for a range of days, by a short-lived link sent in the admin's personal
 * chat, and erasing a person (with a confirmation toggle). Each button is an Action.Submit the server checks again.
 */
function dataSection(today: string, people: Array<{ id: string; name: string }>): CardElement[] {
  return [
    textBlock('**Data**', { spacing: 'Medium' }),
    { type: 'Input.Date', id: DATA_INPUTS.exportFrom, label: 'Export kudos from (included)', value: yearBefore(today) },
    { type: 'Input.Date', id: DATA_INPUTS.exportTo, label: 'To (included)', value: today },
    {
      type: 'Input.ChoiceSet',
      id: DATA_INPUTS.exportFormat,
      label: 'Format',
      style: 'compact',
      choices: [
        { title: 'CSV (a spreadsheet)', value: 'csv' },
        { title: 'JSON (a program)', value: 'json' },
      ],
      value: 'csv',
    },
    { type: 'ActionSet', actions: [{ type: 'Action.Submit', title: 'Export kudos', data: { kudosAction: EXPORT_KUDOS_VERB } }] },
    {
      type: 'Input.ChoiceSet',
      id: DATA_INPUTS.erasePerson,
      label: 'Erase a person: their name, messages and reactions are forgotten; their kudos still count',
      style: 'compact',
      placeholder: 'Choose a person',
      choices: people.map((p) => ({ title: p.name || p.id, value: p.id })),
    },
    { type: 'Input.Toggle', id: DATA_INPUTS.eraseConfirm, title: 'Yes, erase this person. This cannot be undone.', value: 'false', valueOn: 'true', valueOff: 'false' },
    { type: 'ActionSet', actions: [{ type: 'Action.Submit', title: 'Erase person', data: { kudosAction: ERASE_PERSON_VERB } }] },
    textBlock(
      "**Delete all data**: every kudos and message, everyone's name and preferences, the values, the settings, the admins and the audit log. Kudos stays installed and starts over with the default values; posts already in channels stay. Export first to keep a copy.",
      { spacing: 'Medium' },
    ),
    { type: 'Input.Text', id: DATA_INPUTS.deleteAllPhrase, label: `Type "${DELETE_ALL_PHRASE}" to confirm`, placeholder: DELETE_ALL_PHRASE, maxLength: 50 },
    { type: 'ActionSet', actions: [{ type: 'Action.Submit', title: 'Delete all data', style: 'destructive', data: { kudosAction: DELETE_ALL_VERB } }] },
  ];
}

function peopleChoices(people: Array<{ id: string; name: string }>, admins: string[]): Array<{ title: string; value: string }> {
  const choices = people.map((p) => ({ title: p.name || p.id, value: p.id }));
  for (const id of admins) if (!choices.some((c) => c.value === id)) choices.push({ title: id, value: id });
  return choices;
}
