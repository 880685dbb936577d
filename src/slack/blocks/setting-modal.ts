import { WEEKDAY_NAMES } from '../../core/calendar';
import { BUILT_IN_KEYS, BUILT_IN_OBSERVANCES, MAX_CUSTOM_MESSAGE_LENGTH } from '../../core/observances';
import { SETTING_LABELS } from '../../core/setting-labels';
import { FORM_FIELDS } from '../../core/settings-form';
import { MAX_MESSAGE_LENGTH, type Settings } from '../../core/settings';
import type { KnownBlock, ModalView } from '../types';
import { CALLBACK, context, conversationSelect, input, modal, option, plain, radio, textInput } from './admin-modal-kit';
import type { HomeSettingKey } from './home-admin';

/**
 * The form for one setting, opened from the App Home with the value and version it has now (a save can then
 * tell whether someone else saved first). Each input's block_id is the core form's field name
 * (core/settings-form.ts), so the core's errors go back beside the right input as they are.
 */

/** What a setting form carries: the version of the setting it was opened with. Never trusted for identity. */
export interface SettingMeta {
  v: number;
}

export interface SettingModalContext {
  workspaceTimeZone: string;
  operatorAdmins: readonly string[];
}

export function settingModal(key: HomeSettingKey, settings: Settings, version: number, ctx: SettingModalContext): ModalView {
  return modal({
    callbackId: `${CALLBACK.settingPrefix}${key}`,
    title: SETTING_LABELS[key],
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
        input('enabled', SETTING_LABELS.digest, radio([['on', 'On: post it every week'], ['off', 'Off']], d.enabled ? 'on' : 'off')),
        input('channel', 'Post it in', conversationSelect(d.channel), { optional: true, hint: 'Leave empty to use the kudos channel.' }),
        input('weekday', 'Day', {
          type: 'static_select',
          options: WEEKDAY_NAMES.map((w, i) => option(w, String(i + 1))),
          initial_option: option(WEEKDAY_NAMES[d.weekday - 1], String(d.weekday)),
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
    case 'retention': {
      const r = s.retention;
      const shown = (n: number | null) => (n === null ? '' : String(n));
      return [
        input('eventBodyDays', 'Keep the events Slack sent for (days)', textInput(String(r.eventBodyDays), { max_length: 3 }), {
          hint: 'Each message, reaction and click Kudos receives is kept while it is handled; after this many days it is deleted. From 1 to 365.',
        }),
        input('messageMonths', 'Keep kudos messages for (months)', textInput(shown(r.messageMonths), { placeholder: plain('Forever'), max_length: 3 }), {
          optional: true,
          hint: 'After this, the text of a kudos is cleared; the kudos still counts, with its recipients and values. From 1 to 120, or empty to keep messages.',
        }),
        input('eraseDeactivatedAfterDays', 'Erase people who left after (days)', textInput(shown(r.eraseDeactivatedAfterDays), { placeholder: plain('Never'), max_length: 4 }), {
          optional: true,
          hint: 'Days after someone is deactivated in Slack that their personal data is erased. From 1 to 3650, or empty to keep it.',
        }),
        context('Kudos checks these every night at 03:00 in the workspace time zone.'),
      ];
    }
  }
}

/** The core's errors by field, as `response_action: errors` (a field without an input of its own goes to the first). */
export function settingErrorBlocks(key: HomeSettingKey, errors: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, message] of Object.entries(errors)) {
    const block = FORM_FIELDS[key].includes(field) ? field : firstBlock(key);
    out[block] ??= message.slice(0, 2000);
  }
  return out;
}

/** The first input block of a setting's form, for errors that concern the whole form (a conflict). */
export function firstBlock(key: HomeSettingKey): string {
  return FORM_FIELDS[key][0];
}
