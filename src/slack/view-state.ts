import { FORM_FIELDS, type FormValue, type SettingForm } from '../core/settings-form';
import type { SettingKey } from '../core/settings';
import { INPUT } from './blocks/admin-modal-kit';

/**
 * What a submitted admin modal holds, read from its `view.state.values` (block_id → action_id → element state,
 * as Slack reports it). Only translation: a setting's form becomes the core's SettingForm, which the core reads
 * and checks (core/settings-form.ts); the value and custom observance forms become their drafts.
 */

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

const entry = (state: ViewState, block: string): StateEntry | undefined => state[block]?.[INPUT];
const textOf = (state: ViewState, block: string): string => (entry(state, block)?.value ?? '').trim();
const optionOf = (state: ViewState, block: string): string | null => entry(state, block)?.selected_option?.value ?? null;
const optionsOf = (state: ViewState, block: string): string[] => (entry(state, block)?.selected_options ?? []).map((o) => o.value);

/** One input's state as a form value; an input Slack reports without a choice is null (empty). */
function valueOf(e: StateEntry | undefined): FormValue {
  if (!e) return null;
  switch (e.type) {
    case 'multi_users_select':
      return e.selected_users ?? [];
    case 'checkboxes':
    case 'multi_static_select':
      return (e.selected_options ?? []).map((o) => o.value);
    case 'static_select':
    case 'radio_buttons':
    case 'external_select':
      return e.selected_option?.value ?? null;
    case 'conversations_select':
    case 'channels_select':
      return e.selected_conversation ?? e.selected_channel ?? null;
    case 'timepicker':
      return e.selected_time ?? null;
    default:
      return e.value ?? null;
  }
}

/** A setting modal's state as the core's form: every field of the setting, each block_id being its field name. */
export function settingFormOf(key: SettingKey, state: ViewState): SettingForm {
  return Object.fromEntries(FORM_FIELDS[key].map((field) => [field, valueOf(entry(state, field))]));
}

export function valueFormOf(state: ViewState): { label: string; emoji: string; slug: string; active: boolean } {
  return {
    label: textOf(state, 'label'),
    emoji: textOf(state, 'emoji'),
    slug: textOf(state, 'slug'),
    active: optionOf(state, 'active') !== 'inactive',
  };
}

export function customFormOf(state: ViewState): { name: string; date: string; days: string; message: string; remove: boolean } {
  return {
    name: textOf(state, 'name'),
    date: textOf(state, 'date'),
    days: textOf(state, 'days'),
    message: textOf(state, 'message'),
    remove: optionsOf(state, 'remove').includes('remove'),
  };
}
