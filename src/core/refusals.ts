import type { AllowanceView } from './types';

/**
 * Every reason Kudos can say no, as values. Adapters render `refusalText` ephemerally (Slack) or as a
 * private reply (Teams); nothing here knows a platform.
 */
export type Refusal =
  | { code: 'no_recipients' }
  | { code: 'self' }
  | { code: 'bot'; userId: string }
  | { code: 'deleted'; userId: string }
  | { code: 'unknown_user'; userId: string }
  | { code: 'user_group'; handles: string[] }
  | { code: 'too_many_recipients'; max: number; given: number }
  | { code: 'message_missing' }
  | { code: 'message_too_short'; min: number }
  | { code: 'message_too_long'; max: number; length: number }
  | { code: 'value_required'; values: string[] }
  | { code: 'unknown_value'; unknown: string[]; values: string[] }
  | { code: 'allowance'; left: number; limit: number; wanted: number }
  | { code: 'not_installed' }
  | { code: 'lookup_failed'; userIds: string[] };

/** A recipient left out of an otherwise valid kudos. */
export type Skip = { userId: string; code: 'self' | 'bot' | 'deleted' | 'unknown_user' };

export function refusalText(r: Refusal, mention: (userId: string) => string): string {
  switch (r.code) {
    case 'no_recipients':
      return 'Who would you like to thank? Mention at least one person, like `/thanks @alex for the quick fix`.';
    case 'self':
      return "You can't give kudos to yourself, but we're sure you deserve it. Thank someone who helped you instead!";
    case 'bot':
      return `${mention(r.userId)} is a bot, and bots don't collect kudos. Thank the humans behind it!`;
    case 'deleted':
      return `${mention(r.userId)} is no longer active in this workspace, so they can't receive kudos.`;
    case 'unknown_user':
      return `I couldn't find ${mention(r.userId)} in this workspace.`;
    case 'user_group':
      return `Kudos go to people, not groups (${r.handles.join(', ')}), for now. Mention the people you want to thank.`;
    case 'too_many_recipients':
      return `That's a lot of gratitude! A kudos can thank up to ${r.max} people at once; you mentioned ${r.given}. Split it into smaller thanks.`;
    case 'message_missing':
      return 'Say what they did: a specific thank-you means more. For example `/thanks @alex for untangling the refund flow`.';
    case 'message_too_short':
      return `Tell them a little more: the message needs at least ${r.min} characters.`;
    case 'message_too_long':
      return `That message is ${r.length} characters; the limit is ${r.max}. Keep the heart of it and trim the rest.`;
    case 'value_required':
      return `This workspace asks for a value with every kudos. Add one of: ${r.values.map((v) => `#${v}`).join(' ')}`;
    case 'unknown_value': {
      const which = r.unknown.map((v) => `#${v}`).join(', ');
      return `${which} ${r.unknown.length === 1 ? "isn't a value" : "aren't values"} here. Try one of: ${r.values.map((v) => `#${v}`).join(' ')}`;
    }
    case 'allowance':
      return r.left === 0
        ? `You've given all ${r.limit} of today's kudos, generous soul! Your allowance resets tomorrow.`
        : `You have ${r.left} kudos left today, not enough for ${r.wanted} people. Thank fewer people, or save some for tomorrow.`;
    case 'not_installed':
      return 'Kudos is not set up for this workspace yet. Ask an admin to install it.';
    case 'lookup_failed':
      return `I couldn't look up ${r.userIds.map(mention).join(', ')} just now, so nothing was recorded. Please try again in a minute.`;
  }
}

export function skipText(s: Skip, mention: (userId: string) => string): string {
  switch (s.code) {
    case 'self':
      return 'you (no self-kudos)';
    case 'bot':
      return `${mention(s.userId)} (a bot)`;
    case 'deleted':
      return `${mention(s.userId)} (no longer active)`;
    case 'unknown_user':
      return `${mention(s.userId)} (not found)`;
  }
}

export function allowanceText(a: AllowanceView): string {
  if (a.left === null) return 'Give as many as you like today: your workspace has no daily limit.';
  if (a.left === 0) return `That was your last kudos for today (${a.limit} a day). More tomorrow!`;
  return `You have ${a.left} of ${a.limit} kudos left today.`;
}

/** The fields of a give form (Slack modal, Teams card): each refusal is shown under the one it concerns. */
export type GiveField = 'recipients' | 'values' | 'message';

export function refusalsByField(refusals: Refusal[], hasValuesField: boolean, mention: (userId: string) => string): Partial<Record<GiveField, string>> {
  const errors: Partial<Record<GiveField, string>> = {};
  const add = (field: GiveField, text: string) => {
    errors[field] = errors[field] ? `${errors[field]} ${text}` : text;
  };
  for (const r of refusals) {
    // The sentences teach the command; in a form, the form is the way.
    const text = refusalText(r, mention).replace(/`\/thanks[^`]*`/g, 'the form');
    switch (r.code) {
      case 'message_missing':
        add('message', 'Say what they did: a specific thank-you means more.');
        break;
      case 'message_too_short':
      case 'message_too_long':
        add('message', text);
        break;
      case 'value_required':
      case 'unknown_value':
        add(hasValuesField ? 'values' : 'message', text);
        break;
      case 'no_recipients':
        add('recipients', 'Pick at least one person to thank.');
        break;
      default:
        add('recipients', text);
    }
  }
  return errors;
}
