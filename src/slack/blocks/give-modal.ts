import { MAX_MESSAGE_LENGTH, MAX_RECIPIENTS } from '../../core/settings';
import type { PostReport, PostWhere } from '../../core/publish';
import { refusalsByField, type GiveField, type Refusal } from '../../core/refusals';
import type { ValueView } from '../../core/types';
import type { KnownBlock, ModalView } from '../types';
import { emoji } from './text';

export const GIVE_MODAL_CALLBACK = 'give_kudos_modal';
export const BLOCK = { recipients: 'recipients', values: 'values', message: 'message', channel: 'channel' } as const;
export const ACTION = 'input';

/** Context carried through the modal; never trusted for identity, only for where to post. */
export interface GiveModalMetadata {
  channelId: string | null;
  /** Set when opened from a message: its thread, where the kudos goes unless there is a kudos channel (planPost). */
  threadTs?: string | null;
  permalink?: string | null;
  messageTs?: string | null;
  source: 'modal' | 'shortcut';
}

export interface GiveModalInput {
  values: ValueView[];
  valueRequired: boolean;
  minMessageLength: number;
  metadata: GiveModalMetadata;
  /** Where the kudos will be posted (core planPost): said in the form, and no channel to choose when it is fixed. */
  where: PostWhere;
  initialRecipients?: string[];
  /** When opened from a message, the channel is that message's, and not a choice. */
  lockChannel?: boolean;
}

/** The form's sentence about where the kudos goes; null when the form's own "Post it in" choice decides. */
export function whereWillBeText(where: PostWhere): string | null {
  switch (where.kind) {
    case 'thread':
      return "Kudos will be posted in this message's thread.";
    case 'kudos_channel':
      return where.linksToMessage
        ? `Kudos will be posted in <#${where.channelId}>, with a link to this message.`
        : `Kudos will be posted in <#${where.channelId}>, where every kudos goes.`;
    case 'here':
      return where.channelId ? `Kudos will be posted in <#${where.channelId}>.` : null;
  }
}

/**
 * The confirmation's sentence about where the kudos went (a link to the post when there is one); null when it
 * is not posted (yet), which the delivery notice explains.
 */
export function whereIsText(report: PostReport, postLink: string | null): string | null {
  const { where } = report;
  if (!where) return null;
  const it = postLink ? `<${postLink}|Your kudos>` : 'Your kudos';
  const posted = `${it} is posted ${placeWords(where)}${where.kind === 'kudos_channel' && where.linksToMessage ? ', with a link to the message' : ''}.`;
  return report.moved ? `I couldn't post it ${placeWords(report.told)}. ${posted}` : posted;
}

function placeWords(where: PostWhere): string {
  if (where.kind === 'thread') return "in the message's thread";
  return where.channelId ? `in <#${where.channelId}>` : 'here';
}

export function giveModalView(input: GiveModalInput): ModalView {
  const blocks: KnownBlock[] = [];
  const where = whereWillBeText(input.where);
  const chooses = !input.lockChannel && input.where.kind === 'here';
  const lines = [input.metadata.permalink ? `For <${input.metadata.permalink}|this message>.` : null, chooses ? null : where].filter(Boolean);
  if (lines.length) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: lines.join(' ') }] });
  blocks.push({
    type: 'input',
    block_id: BLOCK.recipients,
    label: { type: 'plain_text', text: 'Who do you want to thank?' },
    element: {
      type: 'multi_users_select',
      action_id: ACTION,
      placeholder: { type: 'plain_text', text: `Up to ${MAX_RECIPIENTS} people` },
      max_selected_items: MAX_RECIPIENTS,
      ...(input.initialRecipients?.length ? { initial_users: input.initialRecipients } : {}),
    },
  });
  if (input.values.length) {
    blocks.push({
      type: 'input',
      block_id: BLOCK.values,
      optional: !input.valueRequired,
      label: { type: 'plain_text', text: input.valueRequired ? 'Which value did they show?' : 'Which value did they show? (optional)' },
      element: {
        type: 'multi_static_select',
        action_id: ACTION,
        placeholder: { type: 'plain_text', text: 'Pick values' },
        // Slack allows 100 options in a select.
        options: input.values.slice(0, 100).map((v) => ({
          text: { type: 'plain_text', text: `${emoji(v.emoji)} ${v.label}`.slice(0, 75), emoji: true },
          value: v.slug,
        })),
      },
    });
  }
  blocks.push({
    type: 'input',
    block_id: BLOCK.message,
    label: { type: 'plain_text', text: 'What did they do?' },
    hint: { type: 'plain_text', text: 'Be specific: what they did, and why it mattered.' },
    element: {
      type: 'plain_text_input',
      action_id: ACTION,
      multiline: true,
      max_length: MAX_MESSAGE_LENGTH,
      placeholder: { type: 'plain_text', text: 'Thanks for…' },
    },
  });
  if (chooses) {
    blocks.push({
      type: 'input',
      block_id: BLOCK.channel,
      label: { type: 'plain_text', text: 'Post it in' },
      element: {
        type: 'conversations_select',
        action_id: ACTION,
        default_to_current_conversation: true,
        ...(input.metadata.channelId ? { initial_conversation: input.metadata.channelId } : {}),
        // Gives the submission a response_url, so a kudos can still be posted where the bot is not a member.
        response_url_enabled: true,
        filter: { include: ['public', 'private', 'mpim', 'im'], exclude_bot_users: true },
      },
    });
  }
  return {
    type: 'modal',
    callback_id: GIVE_MODAL_CALLBACK,
    private_metadata: JSON.stringify(input.metadata).slice(0, 3000),
    title: { type: 'plain_text', text: 'Give kudos' },
    submit: { type: 'plain_text', text: 'Send kudos' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks,
  };
}

/** Maps refusals to the modal fields they concern, for `response_action: errors` (block ids are the field names). */
export function modalErrors(refusals: Refusal[], hasValuesBlock: boolean, mention: (id: string) => string): Record<string, string> {
  const errors: Record<string, string> = {};
  // Slack shows at most 2,000 characters per field error.
  for (const [field, text] of Object.entries(refusalsByField(refusals, hasValuesBlock, mention))) errors[BLOCK[field as GiveField]] = text.slice(0, 2000);
  return errors;
}
