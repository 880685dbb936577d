import { DateTime } from 'luxon';
import { BUILT_IN_OBSERVANCES, type BuiltInKey, type ReminderTiming } from './observances';

/**
 * Everything Kudos says during campaigns and observances, as plain strings. `*bold*` is the only markup:
 * the Slack blocks use it as is and the Teams cards translate it. Copy says what to do and for whom;
 * it never says how (a command, a button), because that differs per platform and the renderers add it.
 */

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

function day(isoDay: string): DateTime {
  return DateTime.fromISO(isoDay, { zone: 'utc', locale: 'en-GB' });
}

/** "Monday 5 October". */
export function formatDay(isoDay: string): string {
  return day(isoDay).toFormat('cccc d LLLL');
}

/** "5–9 October", or "29 September – 3 October" when the span crosses a month; one day is just that day. */
export function formatSpan(start: string, end: string): string {
  const a = day(start);
  const b = day(end);
  if (start === end) return a.toFormat('d LLLL');
  if (a.month === b.month && a.year === b.year) return `${a.day}–${b.toFormat('d LLLL')}`;
  return `${a.toFormat('d LLLL')} – ${b.toFormat('d LLLL')}`;
}

/** "from 5 to 9 October", "from 28 December to 3 January", or "on Friday 6 March" for a single day. */
export function formatWhen(start: string, end: string): string {
  if (start === end) return `on ${formatDay(start)}`;
  const a = day(start);
  const b = day(end);
  return a.month === b.month && a.year === b.year ? `from ${a.day} to ${b.toFormat('d LLLL')}` : `from ${a.toFormat('d LLLL')} to ${b.toFormat('d LLLL')}`;
}

// ---------------------------------------------------------------------------------------------------
// Customer Service Week

/** The three-notes challenge in one line; used in the announcement and the kickoff. */
export function threeNotesChallengeText(): string {
  return (
    '*The three-notes challenge:* write three thank-yous this week. One to the person beside you, one to the ' +
    'person on your other side, and one to someone anywhere else in the company you rarely get to thank. ' +
    'Working remotely? "Beside you" is whoever you talk to most.'
  );
}

export function announcementText(year: number, start: string, end: string): string {
  return [
    `*Customer Service Week ${year} starts ${formatDay(start)}.*`,
    `${capitalise(formatWhen(start, end))} we're celebrating the people who look after our customers, and the people who look after them.`,
    "Each day brings a small theme that takes two minutes. Start a list now of who you'd like to thank and what they did.",
    threeNotesChallengeText(),
  ].join('\n\n');
}

export function kickoffText(): string {
  return [
    '*Happy Customer Service Week!*',
    'Great service is rarely one person\'s work. This week, let\'s say out loud who made it possible: name the person, say what they did, and why it mattered.',
    threeNotesChallengeText(),
    "A new theme arrives each morning. Here's today's.",
  ].join('\n\n');
}

export type DailyThemeKey = 'own-team' | 'other-team' | 'milestone' | 'customer' | 'service-story';

export interface DailyTheme {
  /** ISO weekday of the week: 1 = Monday … 5 = Friday. */
  day: 1 | 2 | 3 | 4 | 5;
  key: DailyThemeKey;
  title: string;
  prompt: string;
}

/** Thursday's prompt; names the workspace's own customer value when it has one, an example otherwise. */
function customerPrompt(customerValue: string | null): string {
  const tag = customerValue
    ? `tagged \`#${customerValue}\``
    : 'tagged with a customer value such as `#customer-love` if your workspace has one';
  return (
    'Today the thanks goes outward. Think of a customer who was patient, gave honest feedback or made your day, and send them a short note of thanks. ' +
    `Then tell the team about it in a kudos to whoever helped that customer, ${tag}.`
  );
}

export const DAILY_THEMES: readonly DailyTheme[] = Object.freeze([
  {
    day: 1,
    key: 'own-team',
    title: 'Thank someone on your team',
    prompt:
      'Start close to home. Who on your own team made last week easier? The one who picked up your ticket, ' +
      'answered the question you were shy to ask, or stayed calm on a hard call. Thank them for that one thing.',
  },
  {
    day: 2,
    key: 'other-team',
    title: 'Thank someone in another team',
    prompt:
      "Look past your own team today. Somebody in another team fixed a bug, explained an invoice or answered a message at 6 pm so you could help a customer. They rarely hear how it landed: tell them.",
  },
  {
    day: 3,
    key: 'milestone',
    title: 'Celebrate a milestone',
    prompt:
      'Celebrate a milestone. A work anniversary, a first solo shift, a backlog cleared, a record satisfaction score, a certification passed: big or small, mark it with a kudos to the people who got there.',
  },
  {
    day: 4,
    key: 'customer',
    title: 'Thank a customer',
    prompt: customerPrompt(null),
  },
  {
    day: 5,
    key: 'service-story',
    title: 'Tell a story of great service',
    prompt:
      'End the week with a story. Share a moment when a colleague turned a bad day around for a customer: what happened, what they did, and how it ended. Stories like these teach the rest of us more than any manual.',
  },
]);

/** The theme for an ISO weekday of Customer Service Week (1 = Monday … 5 = Friday); null at the weekend. */
export function dailyTheme(dayIndex: number): DailyTheme | null {
  return DAILY_THEMES.find((t) => t.day === dayIndex) ?? null;
}

/**
 * The post for one day of the week. `customerValue` is the workspace's customer-story value slug, when it
 * has one, so Thursday's prompt can name the real tag instead of an example.
 */
export function dailyThemeText(theme: DailyTheme, customerValue: string | null = null): string {
  const prompt = theme.key === 'customer' ? customerPrompt(customerValue) : theme.prompt;
  return `*Customer Service Week, day ${theme.day}: ${theme.title}*\n${prompt}`;
}

export function recapIntroText(year: number): string {
  return `*That's a wrap on Customer Service Week ${year}!* Here's the week in thank-yous: who gave them, who received them, and a few of the stories behind them.`;
}

/** Sent privately to someone who has written their three notes during the campaign. */
export function threeNotesCompletedText(): string {
  return (
    "*Three notes, three people who know they matter.* You've completed the three-notes challenge: thank you for taking the time. " +
    'There is no limit to keep to, so if someone else comes to mind, go on and thank them too.'
  );
}

/** Someone's own progress in the three-notes challenge (their stats while the week runs). */
export function threeNotesProgressText(distinct: number, target = 3): string {
  if (distinct >= target) return `*Three-notes challenge:* done! You've thanked ${target} different people this week. Thank you.`;
  const left = target - distinct;
  const togo = left === 1 ? 'One more to go.' : `${left} more to go.`;
  return `*Three-notes challenge:* ${distinct} of ${target} people thanked this week. ${togo}`;
}

/**
 * The recap's line about the challenge. `names` are those who finished and may be named, already formatted by
 * the renderer (mentions, bold names); `completed` counts everyone who finished, named or not.
 */
export function threeNotesRecapText(completed: number, names: string[]): string {
  if (completed === 0) return '*The three-notes challenge:* nobody wrote all three notes this time, and every note that was written still counted.';
  const who = completed === 1 ? '1 person' : `${completed} people`;
  const listed = names.length ? `: ${joinNames(names, completed - names.length)}` : '';
  return `*The three-notes challenge:* ${who} thanked three different people${listed}. Thank you!`;
}

function joinNames(names: string[], others: number): string {
  const items = others > 0 ? [...names, others === 1 ? '1 more' : `${others} more`] : names;
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** The recap when nobody gave kudos during the week. */
export function quietRecapText(year: number): string {
  return `*Customer Service Week ${year} is over.* It was a quiet week for kudos. The people who look after our customers are still here, and a thank-you is welcome any week of the year.`;
}

// ---------------------------------------------------------------------------------------------------
// Other observances

// Worded to read right whether they go out on the day or the day before (see ReminderTiming).
export const DEFAULT_PROMPTS: Readonly<Record<BuiltInKey, string>> = Object.freeze({
  'customer-service-week':
    "During Customer Service Week, thank someone whose care for customers you've seen up close, and say what they did.",
  'employee-appreciation-day':
    "Employee Appreciation Day is the perfect excuse: pick a colleague whose work you rely on and thank them for something specific they did lately. Then think of a customer who made your job better this year and thank them too, because appreciation doesn't stop at the company's edge.",
  'independence-day':
    'To everyone celebrating the Fourth of July: enjoy the day! Before you sign off, thank a teammate who kept things running this week, or who is covering while others are away.',
  thanksgiving:
    "To all who celebrate Thanksgiving: who are you grateful for this year? Thank a colleague by name for something they did, and write a line to a customer whose trust or patience you're thankful for.",
});

function reminderHeading(name: string, timing: ReminderTiming): string {
  return timing === 'day-before' ? `*Tomorrow: ${name.trim()}*` : `*${name.trim()}*`;
}

/** Announces any observance ahead of its day. */
export function upcomingText(name: string, start: string, end: string): string {
  return `*${name} is coming up ${formatWhen(start, end)}.* Keep an eye out for who you'd like to thank.`;
}

/** The reminder for a built-in observance; the admin's own prompt wins when there is one. */
export function reminderText(
  observanceKey: BuiltInKey,
  overridePrompt: string | null = null,
  timing: ReminderTiming = 'same-day',
): string {
  const prompt = overridePrompt?.trim() ? overridePrompt.trim() : DEFAULT_PROMPTS[observanceKey];
  return `${reminderHeading(BUILT_IN_OBSERVANCES[observanceKey].name, timing)}\n${prompt}`;
}

/** The reminder for an observance an admin defined: their message, under its name. */
export function customReminderText(name: string, message: string, timing: ReminderTiming = 'same-day'): string {
  return `${reminderHeading(name, timing)}\n${message.trim()}`;
}
