import { MAX_VALUE_LABEL } from '../../core/admin-values';
import type { ValueRow } from '../../db/schema';
import type { KnownBlock, ModalView } from '../types';
import { CALLBACK, context, input, modal, MODAL_ACTION, MODAL_LIMITS, plain, radio, section, textInput } from './admin-modal-kit';
import { emoji, mrkdwnEscape, truncate } from './text';

/** The values list and the value form (add or edit), opened from the App Home. */

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

