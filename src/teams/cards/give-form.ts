import type { PostReport, PostWhere } from '../../core/publish';
import { MAX_MESSAGE_LENGTH, MAX_RECIPIENTS } from '../../core/settings';
import type { ValueView } from '../../core/types';
import { adaptiveCard, emojiFor, textBlock, userText, type AdaptiveCard, type CardElement } from './common';

export const FIELD = { recipients: 'recipients', values: 'values', message: 'message' } as const;
export type FormField = (typeof FIELD)[keyof typeof FIELD];
export const GIVE_FORM = 'give';

/** What travels with the form and comes back on submit; only ever used for where to post, never for who. */
export interface GiveFormContext {
  /** Fresh per opened form: the submit's idempotency key (Teams retries a slow submit). */
  formId: string;
  /** Set when opened from a message: its id, for the record. */
  messageId?: string | null;
  permalink?: string | null;
}

/** A place as the form and its confirmation name it: the facts (core whereFor) and what Teams cannot look up itself. */
export interface WhereView {
  where: PostWhere;
  /** The kudos channel's name, when there is one and it is known. */
  channelName?: string | null;
  /** The kind of conversation the form was used in, for "this chat" or "this channel". */
  here: 'personal' | 'groupChat' | 'channel';
  /** The form thanks a message (the message action), rather than being opened from a button or the compose box. */
  forMessage: boolean;
}

/** Where a place is, in words: "in this message's thread", "in the kudos channel (Support › Wins)", "in this chat". */
function placeWords(v: WhereView, where: PostWhere): string {
  switch (where.kind) {
    case 'thread':
      return v.forMessage ? "in this message's thread" : 'in this thread';
    case 'kudos_channel':
      return v.channelName ? `in the kudos channel (${v.channelName})` : 'in the kudos channel';
    case 'here':
      return v.here === 'channel' ? 'in this channel' : 'in this chat';
  }
}

const linkNote = (where: PostWhere) => (where.kind === 'kudos_channel' && where.linksToMessage ? ', with a link to this message' : '');

/** The form's sentence about where the kudos will be posted. */
export function whereWillBeText(v: WhereView): string {
  return `Kudos will be posted ${placeWords(v, v.where)}${linkNote(v.where)}.`;
}

/**
 * The confirmation's sentence about where the kudos went, including a move when the planned place could not
 * be used; null when it is not posted (the outcome's notice says why).
 */
export function whereIsText(v: WhereView, report: PostReport): string | null {
  if (!report.where) return null;
  if (!report.moved) return `It's posted ${placeWords(v, report.where)}${linkNote(report.where)}.`;
  return `I couldn't post it ${placeWords(v, report.told)}, so it's posted ${placeWords(v, report.where)} instead${linkNote(report.where)}.`;
}

export interface GiveFormInput {
  /** Where the kudos will be posted, said at the top of the form. */
  where?: WhereView;
  values: ValueView[];
  valueRequired: boolean;
  minMessageLength: number;
  context: GiveFormContext;
  /** People to start with (the author of the message acted on), as `{ id, name }`. */
  people?: Array<{ id: string; name: string }>;
  /** The message acted on, shown as a reminder. */
  quote?: { author: string; text: string } | null;
  /** What the person entered, when the form comes back with errors. */
  entered?: { recipients?: string; values?: string; message?: string };
  errors?: Partial<Record<FormField, string>>;
}

/** The "Give kudos" dialog: people (the organisation's people picker), values, and the message. */
export function giveFormCard(input: GiveFormInput): AdaptiveCard {
  const body: CardElement[] = [];
  const error = (field: FormField) => {
    const e = input.errors?.[field];
    if (e) body.push(textBlock(e, { id: `${field}-error`, color: 'Attention', size: 'Small', spacing: 'None' }));
  };
  if (input.quote) {
    const excerpt = input.quote.text.length > 200 ? `${input.quote.text.slice(0, 199)}…` : input.quote.text;
    body.push(textBlock(`For ${input.quote.author || 'this'}'s message: _${userText(excerpt)}_`, { isSubtle: true, size: 'Small' }));
  }
  if (input.where) body.push(textBlock(whereWillBeText(input.where), { isSubtle: true, size: 'Small', spacing: input.quote ? 'None' : 'Default' }));
  const people = input.people ?? [];
  body.push({
    type: 'Input.ChoiceSet',
    id: FIELD.recipients,
    label: 'Who do you want to thank?',
    isMultiSelect: true,
    isRequired: true,
    errorMessage: `Pick between 1 and ${MAX_RECIPIENTS} people.`,
    placeholder: 'Search for people',
    choices: people.map((p) => ({ title: p.name || p.id, value: p.id })),
    'choices.data': { type: 'Data.Query', dataset: 'graph.microsoft.com/users' },
    value: input.entered?.recipients ?? people.map((p) => p.id).join(','),
  });
  error(FIELD.recipients);
  if (input.values.length) {
    body.push({
      type: 'Input.ChoiceSet',
      id: FIELD.values,
      label: input.valueRequired ? 'Which value did they show?' : 'Which value did they show? (optional)',
      isMultiSelect: true,
      isRequired: input.valueRequired,
      errorMessage: 'Pick a value.',
      choices: input.values.slice(0, 100).map((v) => ({ title: `${emojiFor(v.emoji)} ${v.label}`, value: v.slug })),
      value: input.entered?.values ?? '',
    });
    error(FIELD.values);
  }
  body.push({
    type: 'Input.Text',
    id: FIELD.message,
    label: 'What did they do?',
    placeholder: 'Be specific: what they did, and why it mattered.',
    isMultiline: true,
    isRequired: true,
    maxLength: MAX_MESSAGE_LENGTH,
    errorMessage: 'Say what they did.',
    value: input.entered?.message ?? '',
  });
  error(FIELD.message);
  if (input.minMessageLength > 0) body.push(textBlock(`At least ${input.minMessageLength} characters.`, { isSubtle: true, size: 'Small', spacing: 'None' }));
  return adaptiveCard(body, {
    actions: [{ type: 'Action.Submit', title: 'Send kudos', data: { kudosForm: GIVE_FORM, ...input.context } }],
  });
}


/** Splits a multi-select's submitted value ("a,b,c"). */
export function splitChoices(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string' && v !== '');
  if (typeof value !== 'string') return [];
  return [...new Set(value.split(',').map((s) => s.trim()).filter(Boolean))];
}
