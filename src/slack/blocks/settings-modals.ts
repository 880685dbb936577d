import { describeRule } from '../../core/calendar';
import { BUILT_IN_KEYS, BUILT_IN_OBSERVANCES, MAX_CUSTOM_DAYS, MAX_CUSTOM_MESSAGE_LENGTH, MAX_CUSTOM_NAME_LENGTH, type CustomObservance } from '../../core/observances';
import { MAX_MESSAGE_LENGTH, type Settings } from '../../core/settings';
import { isValidTimeZone } from '../../core/time';
import { MAX_VALUE_LABEL, normalizeEmoji } from '../../core/admin';
import type { ValueRow } from '../../db/schema';
import type { KnownBlock, ModalView } from '../types';
import { HOME_SETTINGS, type HomeSettingKey } from './home';
import { emoji, mrkdwnEscape, quote, truncate } from './text';

/**
 * The admin forms opened from the App Home, as pure functions: one modal per setting (each carries the
 * version it was opened with, so a save can tell whether someone else saved first), the values list and the
 * value form, the custom observances list and form, the digest preview, and a plain notice. Readers turn a
 * view_submission's state back into a setting value, or into errors keyed by block for
 * `response_action: errors`. Slack's limits: 100 blocks per modal, titles and buttons ≤ 24 characters,
 * private_metadata ≤ 3,000 characters, 100 options per select.
 */

/** The action_id of every input in these forms; blocks are told apart by block_id. */
export const INPUT = 'value';

export const CALLBACK = Object.freeze({
  /** `settings:<key>` */
  settingPrefix: 'settings:',
  valuesList: 'admin_values_list',
  valueForm: 'admin_value_form',
  customList: 'admin_custom_list',
  customForm: 'admin_custom_form',
  digestPreview: 'admin_digest_preview_modal',
  notice: 'admin_notice',
});

export const MODAL_ACTION = Object.freeze({
  valueAdd: 'admin_value_add',
  valueEdit: 'admin_value_edit',
  valuePick: 'admin_value_pick',
  customAdd: 'admin_custom_add',
  customEdit: 'admin_custom_edit',
});

export const MODAL_LIMITS = Object.freeze({ blocks: 100, valuesShown: 90, options: 100, metadata: 3000 });

/** What a setting form carries: the version of the setting it was opened with. Never trusted for identity. */
export interface SettingMeta {
  v: number;
}

type Element = Record<string, unknown>;
type StateEntry = {
  type?: string;
  value?: string | null;
  selected_option?: { value: string } | null;
  selected_options?: Array<{ value: string }>;
  selected_conversation?: string | null;
  selected_channel?: string | null;
  selected_time?: string | null;
  selected_users?: string[];
};
export type ViewState = Record<string, Record<string, StateEntry>>;

const plain = (text: string) => ({ type: 'plain_text' as const, text, emoji: true });
const context = (text: string): KnownBlock => ({ type: 'context', elements: [{ type: 'mrkdwn', text: truncate(text, 3000) }] });
const section = (text: string, accessory?: Element): KnownBlock =>
  ({ type: 'section', text: { type: 'mrkdwn', text: truncate(text, 3000) }, ...(accessory ? { accessory } : {}) }) as KnownBlock;
const option = (text: string, value: string) => ({ text: plain(text.slice(0, 75)), value });

function input(blockId: string, label: string, element: Element, opts: { optional?: boolean; hint?: string } = {}): KnownBlock {
  return {
    type: 'input',
    block_id: blockId,
    label: plain(label),
    element: { action_id: INPUT, ...element },
    ...(opts.optional ? { optional: true } : {}),
    ...(opts.hint ? { hint: plain(opts.hint.slice(0, 2000)) } : {}),
  } as KnownBlock;
}

function modal(args: { callbackId: string; title: string; blocks: KnownBlock[]; metadata?: unknown; submit?: string | null; close?: string }): ModalView {
  const metadata = args.metadata === undefined ? '' : JSON.stringify(args.metadata);
  if (metadata.length > MODAL_LIMITS.metadata) throw new RangeError(`private_metadata too long (${metadata.length})`);
  return {
    type: 'modal',
    callback_id: args.callbackId,
    title: plain(args.title.slice(0, 24)),
    ...(args.submit === null ? {} : { submit: plain((args.submit ?? 'Save').slice(0, 24)) }),
    close: plain((args.close ?? 'Cancel').slice(0, 24)),
    ...(metadata ? { private_metadata: metadata } : {}),
    blocks: args.blocks.slice(0, MODAL_LIMITS.blocks),
  };
}

const conversationSelect = (initial: string | null): Element => ({
  type: 'conversations_select',
  placeholder: plain('Choose a channel'),
  filter: { include: ['public', 'private'], exclude_bot_users: true },
  ...(initial ? { initial_conversation: initial } : {}),
});

const radio = (options: Array<[string, string]>, initial: string): Element => ({
  type: 'radio_buttons',
  options: options.map(([value, text]) => option(text, value)),
  initial_option: option(options.find(([v]) => v === initial)?.[1] ?? options[0][1], initial),
});

const textInput = (initial: string | null, extra: Element = {}): Element => ({
  type: 'plain_text_input',
  ...(initial !== null && initial !== '' ? { initial_value: initial } : {}),
  ...extra,
});

export const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;

export const SETTING_TITLES: Readonly<Record<HomeSettingKey, string>> = Object.freeze({
  kudosChannel: 'Kudos channel',
  digest: 'Weekly digest',
  allowancePerDay: 'Daily allowance',
  minMessageLength: 'Message length',
  valueRequired: 'Value required',
  reactionEmoji: 'Reaction emoji',
  observances: 'Observances',
  admins: 'Admins',
});

export interface SettingModalContext {
  workspaceTimeZone: string;
  operatorAdmins: readonly string[];
}

/** The form for one setting, opened with the value and version it has now. */
export function settingModal(key: HomeSettingKey, settings: Settings, version: number, ctx: SettingModalContext): ModalView {
  return modal({
    callbackId: `${CALLBACK.settingPrefix}${key}`,
    title: SETTING_TITLES[key],
    metadata: { v: version } satisfies SettingMeta,
    blocks: settingBlocks(key, settings, ctx),
  });
}

function settingBlocks(key: HomeSettingKey, s: Settings, ctx: SettingModalContext): KnownBlock[] {
  switch (key) {
    case 'kudosChannel':
      return [
        input('channel', 'Post every kudos in', conversationSelect(s.kudosChannel), {
          optional: true,
          hint: 'Leave empty to post each kudos where it was given. Invite me to a private channel first.',
        }),
      ];
    case 'digest': {
      const d = s.digest;
      return [
        input('enabled', 'Weekly digest', radio([['on', 'On: post it every week'], ['off', 'Off']], d.enabled ? 'on' : 'off')),
        input('channel', 'Post it in', conversationSelect(d.channel), { optional: true, hint: 'Leave empty to use the kudos channel.' }),
        input('weekday', 'Day', {
          type: 'static_select',
          options: WEEKDAYS.map((w, i) => option(w, String(i + 1))),
          initial_option: option(WEEKDAYS[d.weekday - 1], String(d.weekday)),
        }),
        input('time', 'Time', { type: 'timepicker', initial_time: d.time }),
        input('timeZone', 'Time zone', textInput(d.timeZone, { placeholder: plain(ctx.workspaceTimeZone), max_length: 64 }), {
          optional: true,
          hint: `An IANA time zone such as Europe/Paris or America/New_York. Leave empty for the workspace's (${ctx.workspaceTimeZone}).`,
        }),
        input('topCount', 'People named in each ranking', {
          type: 'static_select',
          options: Array.from({ length: 10 }, (_, i) => option(String(i + 1), String(i + 1))),
          initial_option: option(String(d.topCount), String(d.topCount)),
        }),
        input('quietWeek', 'When nobody gave kudos', radio([['nudge', 'Post a short nudge'], ['skip', 'Post nothing']], d.quietWeek)),
      ];
    }
    case 'allowancePerDay':
      return [
        input('limit', 'Kudos each person may give a day', textInput(s.allowancePerDay === null ? '' : String(s.allowancePerDay), { placeholder: plain('Unlimited'), max_length: 4 }), {
          optional: true,
          hint: 'Counted per person thanked, in each giver\'s own time zone. A number from 1 to 1000, or empty for no limit.',
        }),
      ];
    case 'minMessageLength':
      return [
        input('min', 'Shortest message allowed (characters)', textInput(String(s.minMessageLength), { max_length: 4 }), {
          hint: `From 0 (any message) to ${MAX_MESSAGE_LENGTH}. Reactions need no message.`,
        }),
      ];
    case 'valueRequired':
      return [
        input('required', 'Must every kudos name a value?', radio([['yes', 'Yes: a value is required'], ['no', 'No: values are optional']], s.valueRequired ? 'yes' : 'no'), {
          hint: 'Reactions and pile-ons are never refused for lacking a value.',
        }),
      ];
    case 'reactionEmoji':
      return [
        input('emoji', 'Emoji that give a kudos as a reaction', textInput(s.reactionEmoji.map((e) => `:${e}:`).join(' '), { multiline: true, max_length: 2000 }), {
          optional: true,
          hint: "Emoji names separated by spaces, like :clap: :trophy:. Each value's own emoji always counts too.",
        }),
      ];
    case 'observances': {
      const o = s.observances;
      const enabled = BUILT_IN_KEYS.filter((k) => o.builtIn[k]?.enabled);
      const builtInOption = (k: (typeof BUILT_IN_KEYS)[number]) =>
        option(`${BUILT_IN_OBSERVANCES[k].name}${BUILT_IN_OBSERVANCES[k].region ? ` (${BUILT_IN_OBSERVANCES[k].region})` : ''}`, k);
      return [
        input(
          'builtIn',
          'Observances and campaigns that run',
          { type: 'checkboxes', options: BUILT_IN_KEYS.map(builtInOption), ...(enabled.length ? { initial_options: enabled.map(builtInOption) } : {}) },
          { optional: true, hint: 'Customer Service Week runs the three-notes challenge and a daily theme.' },
        ),
        ...BUILT_IN_KEYS.map((k) =>
          input(`prompt:${k}`, `Your prompt for ${BUILT_IN_OBSERVANCES[k].name}`, textInput(o.builtIn[k]?.prompt ?? null, { multiline: true, max_length: MAX_CUSTOM_MESSAGE_LENGTH }), {
            optional: true,
            hint: "Leave empty for Kudos's own wording.",
          }),
        ),
        input('channel', 'Post reminders in', conversationSelect(o.channel), { optional: true, hint: 'Leave empty to use the kudos channel.' }),
        input('announceDaysBefore', 'Announce how many days ahead', textInput(String(o.announceDaysBefore), { max_length: 2 }), { hint: 'From 0 (no announcement) to 30.' }),
        input('reminderTiming', 'Remind people', radio([['same-day', 'On the day'], ['day-before', 'The day before']], o.reminderTiming)),
        input('postTime', 'Post at', { type: 'timepicker', initial_time: o.postTime }, { hint: 'In the digest time zone.' }),
        context('Your own days (a founders\' day, a team anniversary) are under *Custom observances* on the Home tab.'),
      ];
    }
    case 'admins': {
      const operator = ctx.operatorAdmins.length ? ` The operator also named ${ctx.operatorAdmins.slice(0, 10).map((id) => `<@${id}>`).join(', ')} in KUDOS_ADMINS.` : '';
      return [
        input('admins', 'Kudos admins', { type: 'multi_users_select', placeholder: plain('Add people'), ...(s.admins.length ? { initial_users: s.admins.slice(0, 100) } : {}) }, {
          optional: true,
          hint: "Admins change these settings. Slack's workspace owners and admins are always Kudos admins too.",
        }),
        context(`Slack workspace owners and admins can always manage Kudos.${operator}`),
      ];
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Reading a submission

export type ReadResult = { ok: true; value: unknown } | { ok: false; errors: Record<string, string> };

const entry = (state: ViewState, block: string): StateEntry | undefined => state[block]?.[INPUT];
const textOf = (state: ViewState, block: string): string => (entry(state, block)?.value ?? '').trim();
const optionOf = (state: ViewState, block: string): string | null => entry(state, block)?.selected_option?.value ?? null;
const optionsOf = (state: ViewState, block: string): string[] => (entry(state, block)?.selected_options ?? []).map((o) => o.value);
const conversationOf = (state: ViewState, block: string): string | null => {
  const e = entry(state, block);
  return e?.selected_conversation ?? e?.selected_channel ?? null;
};
const timeOf = (state: ViewState, block: string): string | null => entry(state, block)?.selected_time ?? null;

const WHOLE = /^\d{1,4}$/;

/**
 * A setting's new value from its form. Values that cannot even be read (letters in a number) are reported
 * here, by block; everything else is left to the setting's schema (saveSetting), whose errors
 * settingErrorBlocks maps onto the same blocks.
 */
export function readSettingForm(key: HomeSettingKey, state: ViewState, current: Settings): ReadResult {
  const errors: Record<string, string> = {};
  const value = ((): unknown => {
    switch (key) {
      case 'kudosChannel':
        return conversationOf(state, 'channel');
      case 'digest': {
        const enabled = optionOf(state, 'enabled');
        const weekday = Number(optionOf(state, 'weekday'));
        const time = timeOf(state, 'time');
        const zone = textOf(state, 'timeZone');
        const topCount = Number(optionOf(state, 'topCount'));
        if (enabled !== 'on' && enabled !== 'off') errors.enabled = 'Choose on or off.';
        if (!Number.isInteger(weekday) || weekday < 1 || weekday > 7) errors.weekday = 'Choose a day of the week.';
        if (!time) errors.time = 'Choose a time.';
        if (zone && !isValidTimeZone(zone)) errors.timeZone = `“${truncate(zone, 64)}” is not a time zone I know. Use an IANA name such as Europe/Paris or America/New_York.`;
        return {
          enabled: enabled === 'on',
          channel: conversationOf(state, 'channel'),
          weekday,
          time,
          timeZone: zone || null,
          topCount: Number.isInteger(topCount) && topCount > 0 ? topCount : current.digest.topCount,
          quietWeek: optionOf(state, 'quietWeek') ?? current.digest.quietWeek,
        };
      }
      case 'allowancePerDay': {
        const raw = textOf(state, 'limit');
        if (!raw) return null;
        if (!WHOLE.test(raw) || Number(raw) < 1 || Number(raw) > 1000) errors.limit = 'Use a whole number from 1 to 1000, or leave it empty for no daily limit.';
        return Number(raw);
      }
      case 'minMessageLength': {
        const raw = textOf(state, 'min');
        if (!WHOLE.test(raw) || Number(raw) > MAX_MESSAGE_LENGTH) errors.min = `Use a whole number from 0 to ${MAX_MESSAGE_LENGTH}.`;
        return Number(raw);
      }
      case 'valueRequired': {
        const v = optionOf(state, 'required');
        if (v !== 'yes' && v !== 'no') errors.required = 'Choose yes or no.';
        return v === 'yes';
      }
      case 'reactionEmoji': {
        const names = [...new Set(textOf(state, 'emoji').split(/[\s,]+/).map(normalizeEmoji).filter(Boolean))];
        const bad = names.filter((n) => !/^[a-z0-9_+\-']{1,100}$/.test(n));
        if (bad.length) errors.emoji = `These are not emoji names: ${bad.slice(0, 5).map((b) => `“${truncate(b, 30)}”`).join(', ')}. Use names like :clap: or :trophy:, without skin tones.`;
        else if (names.length > 50) errors.emoji = `Use at most 50 emoji; there are ${names.length}.`;
        return names;
      }
      case 'observances': {
        const on = new Set(optionsOf(state, 'builtIn'));
        const days = textOf(state, 'announceDaysBefore');
        if (!WHOLE.test(days) || Number(days) > 30) errors.announceDaysBefore = 'Use a whole number of days from 0 to 30.';
        const timing = optionOf(state, 'reminderTiming');
        const postTime = timeOf(state, 'postTime');
        if (!postTime) errors.postTime = 'Choose a time.';
        return {
          builtIn: Object.fromEntries(BUILT_IN_KEYS.map((k) => [k, { enabled: on.has(k), prompt: textOf(state, `prompt:${k}`) || null }])),
          channel: conversationOf(state, 'channel'),
          announceDaysBefore: Number(days),
          reminderTiming: timing ?? current.observances.reminderTiming,
          postTime,
          // Custom observances have their own forms; this one keeps them as they are.
          custom: current.observances.custom,
        };
      }
      case 'admins':
        return [...new Set(entry(state, 'admins')?.selected_users ?? [])];
    }
  })();
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, value };
}

const SINGLE_BLOCK: Partial<Record<HomeSettingKey, string>> = {
  kudosChannel: 'channel',
  allowancePerDay: 'limit',
  minMessageLength: 'min',
  valueRequired: 'required',
  reactionEmoji: 'emoji',
  admins: 'admins',
};

/** The block a schema error (by field path, as validateSetting reports them) belongs to. */
export function blockForField(key: HomeSettingKey, field: string): string {
  const single = SINGLE_BLOCK[key];
  if (single) return single;
  const path = field.split('.');
  if (key === 'digest') return ['enabled', 'channel', 'weekday', 'time', 'timeZone', 'topCount', 'quietWeek'].includes(path[0]) ? path[0] : 'enabled';
  // observances
  if (path[0] === 'builtIn') return path[2] === 'prompt' && path[1] ? `prompt:${path[1]}` : 'builtIn';
  return ['channel', 'announceDaysBefore', 'reminderTiming', 'postTime'].includes(path[0]) ? path[0] : 'builtIn';
}

/** Schema errors as `response_action: errors`, in words an admin can act on. */
export function settingErrorBlocks(key: HomeSettingKey, errors: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, message] of Object.entries(errors)) {
    const block = blockForField(key, field);
    out[block] ??= friendly(message).slice(0, 2000);
  }
  return out;
}

function friendly(message: string): string {
  if (/too big|too small|expected number|invalid input/i.test(message)) return `That value is out of range (${message}).`;
  return message.charAt(0).toUpperCase() + message.slice(1) + (/[.!?]$/.test(message) ? '' : '.');
}

/** The first input block of a setting's form, for errors that concern the whole form (a conflict). */
export function firstBlock(key: HomeSettingKey): string {
  return SINGLE_BLOCK[key] ?? (key === 'digest' ? 'enabled' : 'builtIn');
}

export const CONFLICT_TEXT = 'Someone else changed this while you had it open, so nothing was saved. Close this form and open it again to see their change, then make yours.';

// ---------------------------------------------------------------------------------------------------
// Values

/** What a value form carries: the value as it was when opened (its version), and which one. */
export interface ValueMeta {
  id: number | null;
  label: string;
  emoji: string;
  active: boolean;
}

const valueLine = (v: Pick<ValueRow, 'emoji' | 'label' | 'slug' | 'active'>) =>
  `${emoji(v.emoji)} *${mrkdwnEscape(truncate(v.label, MAX_VALUE_LABEL))}*  \`#${v.slug}\`${v.active ? '' : '  _deactivated_'}`;

export function valuesListModal(values: ValueRow[]): ModalView {
  const shown = values.slice(0, MODAL_LIMITS.valuesShown);
  const more = values.length - shown.length;
  const blocks: KnownBlock[] = [
    context("People tag their kudos with these values (`#tag`), and a value's emoji as a reaction gives a kudos. A deactivated value stays on past kudos but can't be used for new ones."),
    {
      type: 'actions',
      block_id: 'values_tools',
      elements: [
        { type: 'button', action_id: MODAL_ACTION.valueAdd, text: plain('Add a value'), style: 'primary', value: 'add' },
        { type: 'external_select', action_id: MODAL_ACTION.valuePick, placeholder: plain('Find a value to edit'), min_query_length: 0 },
      ],
    } as KnownBlock,
    ...shown.map((v) => section(valueLine(v), { type: 'button', action_id: MODAL_ACTION.valueEdit, text: plain('Edit'), value: String(v.id) })),
  ];
  if (!values.length) blocks.push(context('No values yet.'));
  if (more > 0) blocks.push(context(`and ${more} more: find them with *Find a value to edit* above.`));
  return modal({ callbackId: CALLBACK.valuesList, title: 'Values', blocks, submit: null, close: 'Done' });
}

export function valueFormModal(value: ValueRow | null): ModalView {
  const meta: ValueMeta = value ? { id: value.id, label: value.label, emoji: value.emoji, active: value.active } : { id: null, label: '', emoji: '', active: true };
  const blocks: KnownBlock[] = [
    input('label', 'Name', textInput(value?.label ?? null, { max_length: MAX_VALUE_LABEL, placeholder: plain('Customer love') })),
    input('emoji', 'Emoji', textInput(value ? `:${value.emoji}:` : null, { max_length: 102, placeholder: plain(':heart:') }), {
      hint: "An emoji's name, like :heart: or rocket. Reacting with it gives a kudos tagged with this value.",
    }),
  ];
  if (value) {
    blocks.push(
      context(`Tag: \`#${value.slug}\`. It stays the same, so past kudos and people's habits keep working.`),
      input('active', 'Status', radio([['active', 'Active'], ['inactive', 'Deactivated: kept on past kudos only']], value.active ? 'active' : 'inactive')),
    );
  } else {
    blocks.push(
      input('slug', 'Tag', textInput(null, { max_length: 64, placeholder: plain('customer-love') }), {
        optional: true,
        hint: 'What people type after #. Made from the name when left empty; it cannot be changed later.',
      }),
    );
  }
  return modal({ callbackId: CALLBACK.valueForm, title: value ? 'Edit value' : 'Add a value', metadata: meta, blocks });
}

export function readValueForm(state: ViewState): { label: string; emoji: string; slug: string; active: boolean } {
  return {
    label: textOf(state, 'label'),
    emoji: textOf(state, 'emoji'),
    slug: textOf(state, 'slug'),
    active: optionOf(state, 'active') !== 'inactive',
  };
}

// ---------------------------------------------------------------------------------------------------
// Custom observances (part of the `observances` setting, so they carry its version)

export interface CustomMeta {
  v: number;
  id: string | null;
}

export function customListModal(custom: CustomObservance[], version: number): ModalView {
  const blocks: KnownBlock[] = [
    context("Your own days, each with a message Kudos posts on the day (and announces ahead, like the built-in ones). Dates are a day like \"4 July\" or a rule like \"first Monday of May\"."),
    {
      type: 'actions',
      block_id: 'custom_tools',
      elements: [{ type: 'button', action_id: MODAL_ACTION.customAdd, text: plain('Add an observance'), style: 'primary', value: 'add' }],
    } as KnownBlock,
    ...custom.slice(0, 90).map((c) =>
      section(
        `*${mrkdwnEscape(truncate(c.name, MAX_CUSTOM_NAME_LENGTH))}* · ${describeRule(c.rule)}${c.days > 1 ? `, ${c.days} days` : ''}\n${quote(mrkdwnEscape(truncate(c.message, 200)))}`,
        { type: 'button', action_id: MODAL_ACTION.customEdit, text: plain('Edit'), value: c.id },
      ),
    ),
  ];
  if (!custom.length) blocks.push(context('None yet.'));
  return modal({ callbackId: CALLBACK.customList, title: 'Custom observances', blocks, metadata: { v: version, id: null } satisfies CustomMeta, submit: null, close: 'Done' });
}

export function customFormModal(custom: CustomObservance | null, version: number): ModalView {
  const blocks: KnownBlock[] = [
    input('name', 'Name', textInput(custom?.name ?? null, { max_length: MAX_CUSTOM_NAME_LENGTH, placeholder: plain("Founders' Day") })),
    input('date', 'When', textInput(custom ? describeRule(custom.rule) : null, { max_length: 60, placeholder: plain('first Monday of May') }), {
      hint: 'A date like "4 July" or a rule like "first Monday of May" or "last Friday of June". It comes back every year.',
    }),
    input('days', 'How many days', textInput(String(custom?.days ?? 1), { max_length: 2 }), { hint: `From 1 to ${MAX_CUSTOM_DAYS}.` }),
    input('message', 'Message posted on the day', textInput(custom?.message ?? null, { multiline: true, max_length: MAX_CUSTOM_MESSAGE_LENGTH })),
  ];
  if (custom) {
    blocks.push(
      input('remove', 'Remove', { type: 'checkboxes', options: [option('Delete this observance', 'remove')] }, { optional: true }),
    );
  }
  return modal({ callbackId: CALLBACK.customForm, title: 'Custom observance', metadata: { v: version, id: custom?.id ?? null } satisfies CustomMeta, blocks });
}

export function readCustomForm(state: ViewState): { name: string; date: string; days: string; message: string; remove: boolean } {
  return {
    name: textOf(state, 'name'),
    date: textOf(state, 'date'),
    days: textOf(state, 'days'),
    message: textOf(state, 'message'),
    remove: optionsOf(state, 'remove').includes('remove'),
  };
}

// ---------------------------------------------------------------------------------------------------
// Digest preview and notices

export function digestPreviewModal(args: { intro: string; blocks: KnownBlock[] }): ModalView {
  // Buttons in the preview would act on a message that does not exist yet: shown, not offered.
  const body = args.blocks.map((b): KnownBlock => (b.type === 'actions' ? context('_The message has a *Give kudos* button here._') : b));
  const divider: KnownBlock = { type: 'divider' };
  return modal({
    callbackId: CALLBACK.digestPreview,
    title: 'Digest preview',
    submit: null,
    close: 'Close',
    blocks: [context(args.intro), divider, ...body].slice(0, MODAL_LIMITS.blocks),
  });
}

export function noticeModal(title: string, text: string): ModalView {
  return modal({ callbackId: CALLBACK.notice, title, submit: null, close: 'Close', blocks: [section(text)] });
}

export const NOT_ADMIN_TEXT = "Only Kudos admins can change this. Slack's workspace owners and admins are Kudos admins, and they can add others.";

/** The keys of settings that have a form here. */
export function isHomeSettingKey(key: string): key is HomeSettingKey {
  return (HOME_SETTINGS as readonly string[]).includes(key);
}
