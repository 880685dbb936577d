import type { KnownBlock, ModalView } from '../types';
import { truncate } from './text';

/**
 * What the admin modals opened from the App Home share: their ids, Slack's limits for a modal (100 blocks,
 * titles and buttons ≤ 24 characters, private_metadata ≤ 3,000 characters, 100 options per select), and small
 * builders. Pure: nothing here reads a submission (see ../view-state.ts).
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

export const NOT_ADMIN_TEXT = "Only Kudos admins can change this. Slack's workspace owners and admins are Kudos admins, and they can add others.";
export const CONFLICT_TEXT = 'Someone else changed this while you had it open, so nothing was saved. Close this form and open it again to see their change, then make yours.';

export type Element = Record<string, unknown>;

export const plain = (text: string) => ({ type: 'plain_text' as const, text, emoji: true });
export const context = (text: string): KnownBlock => ({ type: 'context', elements: [{ type: 'mrkdwn', text: truncate(text, 3000) }] });
export const section = (text: string, accessory?: Element): KnownBlock =>
  ({ type: 'section', text: { type: 'mrkdwn', text: truncate(text, 3000) }, ...(accessory ? { accessory } : {}) }) as KnownBlock;
export const option = (text: string, value: string) => ({ text: plain(text.slice(0, 75)), value });

export function input(blockId: string, label: string, element: Element, opts: { optional?: boolean; hint?: string } = {}): KnownBlock {
  return {
    type: 'input',
    block_id: blockId,
    label: plain(label),
    element: { action_id: INPUT, ...element },
    ...(opts.optional ? { optional: true } : {}),
    ...(opts.hint ? { hint: plain(opts.hint.slice(0, 2000)) } : {}),
  } as KnownBlock;
}

export function modal(args: { callbackId: string; title: string; blocks: KnownBlock[]; metadata?: unknown; submit?: string | null; close?: string }): ModalView {
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

export const conversationSelect = (initial: string | null): Element => ({
  type: 'conversations_select',
  placeholder: plain('Choose a channel'),
  filter: { include: ['public', 'private'], exclude_bot_users: true },
  ...(initial ? { initial_conversation: initial } : {}),
});

export const radio = (options: Array<[string, string]>, initial: string): Element => ({
  type: 'radio_buttons',
  options: options.map(([value, text]) => option(text, value)),
  initial_option: option(options.find(([v]) => v === initial)?.[1] ?? options[0][1], initial),
});

export const textInput = (initial: string | null, extra: Element = {}): Element => ({
  type: 'plain_text_input',
  ...(initial !== null && initial !== '' ? { initial_value: initial } : {}),
  ...extra,
});
