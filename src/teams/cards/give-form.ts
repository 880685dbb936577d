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

export interface GiveFormInput {
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
