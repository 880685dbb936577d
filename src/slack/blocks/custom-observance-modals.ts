import { describeRule } from '../../core/calendar';
import { MAX_CUSTOM_DAYS, MAX_CUSTOM_MESSAGE_LENGTH, MAX_CUSTOM_NAME_LENGTH, type CustomObservance } from '../../core/observances';
import type { KnownBlock, ModalView } from '../types';
import { CALLBACK, context, input, modal, MODAL_ACTION, option, plain, section, textInput } from './admin-modal-kit';
import { mrkdwnEscape, quote, truncate } from './text';

/** Custom observances (part of the `observances` setting, so their forms carry its version): the list and the form. */

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

