import { replaceMentions } from '../../core/mention';
import type { PublishOutcome } from '../../core/publish';
import { allowanceText, refusalText, skipText, type Refusal, type Skip } from '../../core/refusals';
import type { PersonStats } from '../../core/stats';
import type { AllowanceView, KudosView, ValueView } from '../../core/types';
import { adaptiveCard, emojiFor, listJoin, textBlock, userText, type AdaptiveCard } from './common';

/** Replies to one person: plain markdown text (Teams renders it), or a card where layout helps. */

/** The core's sentences show Slack's command; in Teams the same thing is said to the bot by name. */
export function forTeams(sentence: string, botName: string): string {
  return sentence.replace(/`\/thanks( [^`]*)?`/g, (_m, rest: string | undefined) => `\`@${botName} thanks${rest ?? ''}\``);
}

/** Names in bold, never as mentions: a refusal should not notify anyone. */
export function nameOf(names: Map<string, string>): (userId: string) => string {
  return (id) => `**${names.get(id) || 'that person'}**`;
}

export function refusalMessage(refusals: Refusal[], names: Map<string, string>, botName: string): string {
  return refusals.map((r, i) => `${i === 0 ? '✋ ' : ''}${forTeams(refusalText(r, nameOf(names)), botName)}`).join('\n\n');
}

export function confirmationMessage(k: KudosView, skipped: Skip[], allowance: AllowanceView, names: Map<string, string>): string {
  const lines = [`✅ Kudos sent to ${listJoin(k.recipients.map((r) => `**${r.displayName || 'someone'}**`))}!`];
  if (skipped.length) lines.push(`Left out: ${skipped.map((s) => skipText(s, nameOf(names))).join(', ')}.`);
  lines.push(allowanceText(allowance));
  return lines.join('\n\n');
}

export function skippedMessage(skipped: Skip[], names: Map<string, string>): string {
  return `Your kudos is posted. Left out: ${skipped.map((s) => skipText(s, nameOf(names))).join(', ')}.`;
}

/**
 * What the giver is told when their kudos counts but its card did not (or not yet) go out; null when all is well
 * (posted, or posted by someone else: a re-delivery, the sweep).
 */
export function postNotice(outcome: PublishOutcome): string | null {
  switch (outcome.status) {
    case 'failed':
      return "⚠️ Your kudos is recorded and counts, but I couldn't post its card here. Add me to this team or chat, or ask an admin to set a kudos channel.";
    case 'later':
      return '⏳ Your kudos is recorded and counts. Teams asked me to slow down, so its card will follow in a few minutes.';
    case 'unknown':
      return "⚠️ Your kudos is recorded and counts, but Teams didn't answer when I posted its card, so it may not show.";
    default:
      return null;
  }
}

/** A private note to a reactor whose reactions stopped counting (their daily allowance is used up). */
export function reactionAllowanceMessage(refusal: Extract<Refusal, { code: 'allowance' }>, names: Map<string, string>): string {
  return `✋ ${refusalText(refusal, nameOf(names))} Reactions on kudos cards stop adding thanks until then; your reactions still show.`;
}

/** A recipient told privately about kudos they received: one written kudos as itself, several as a summary. */
export function kudosDmMessage(kudos: KudosView[]): string {
  const from = (k: KudosView) => `**${k.giver.displayName || 'Someone'}**`;
  const [only] = kudos;
  if (kudos.length === 1 && only.message) {
    const values = only.values.length ? `\n\n${only.values.map((v) => `${emojiFor(v.emoji)} ${v.label}`).join('   ')}` : '';
    const people = new Map([only.giver, ...only.recipients].map((p) => [p.externalId, p.displayName]));
    const message = replaceMentions(userText(only.message), (id) => `**${people.get(id) || 'someone'}**`);
    return `🎉 ${from(only)} gave you kudos: ${message}${values}`;
  }
  const givers = [...new Set(kudos.map(from))];
  return `🎉 You received ${kudos.length === 1 ? 'a kudos' : `${kudos.length} kudos`} from ${listJoin(givers)}.`;
}

export function duplicateMessage(k: KudosView): string {
  return `✅ Your kudos to ${listJoin(k.recipients.map((r) => `**${r.displayName || 'someone'}**`))} is already recorded.`;
}

export const GIVE_KUDOS_TASK = 'giveKudos';

export function helpCard(values: ValueView[], allowancePerDay: number | null, minLength: number, botName: string, isAdmin: boolean): AdaptiveCard {
  const valueList = values.length ? values.map((v) => `${emojiFor(v.emoji)} #${v.slug}`).join('   ') : '_No values set up yet._';
  const more = [
    `- \`stats\`: your kudos this week and all time, and what you have left today`,
    `- \`undo\`: take back your last kudos (within 15 minutes)`,
    `- \`export\`: download the kudos you gave and received (CSV or JSON)`,
    `- \`erase my data\`: have Kudos forget you (in our personal chat, after you confirm)`,
    `- \`help\`: this message`,
  ];
  if (isAdmin) more.push('- `settings`: the workspace settings (admins only)');
  return adaptiveCard(
    [
      textBlock('**Kudos** helps you thank people where you already work. Be specific: say what they did and why it mattered.'),
      textBlock('**Give kudos**', { spacing: 'Medium' }),
      textBlock(
        [
          `In a channel or group chat: \`@${botName} thanks @Alex for untangling the refund flow #ownership\``,
          `Several people at once: \`@${botName} thanks @Alex @Sam for covering my shift #collaboration\``,
          'Or use **Give kudos** from a message\'s **…** menu, or the button below.',
          'React to one of my kudos cards to add your own thanks.',
        ].join('\n\n'),
      ),
      textBlock('**In this chat**', { spacing: 'Medium' }),
      textBlock(more.join('\n')),
      textBlock('**Values**', { spacing: 'Medium' }),
      textBlock(valueList),
      textBlock(
        `${allowancePerDay === null ? 'No daily limit.' : `Up to ${allowancePerDay} kudos a day.`} Messages need at least ${minLength} characters. Up to 10 people per kudos.`,
        { isSubtle: true, size: 'Small', spacing: 'Medium' },
      ),
    ],
    { actions: [{ type: 'Action.Submit', title: 'Give kudos', data: { msteams: { type: 'task/fetch' }, kudosTask: GIVE_KUDOS_TASK } }] },
  );
}

export function statsCard(s: PersonStats, extra: string[] = []): AdaptiveCard {
  return adaptiveCard([
    textBlock('**Your kudos**', { size: 'Medium' }),
    {
      type: 'ColumnSet',
      columns: [
        { type: 'Column', width: 'stretch', items: [textBlock('**This week**'), textBlock(`Given: ${s.week.given}\n\nReceived: ${s.week.received}`)] },
        { type: 'Column', width: 'stretch', items: [textBlock('**All time**'), textBlock(`Given: ${s.allTime.given}\n\nReceived: ${s.allTime.received}`)] },
      ],
    },
    ...extra.map((line) => textBlock(line)),
    textBlock(allowanceText(s.allowance), { isSubtle: true, spacing: 'Medium' }),
  ]);
}

export function statsSummary(s: PersonStats): string {
  return `This week you gave ${s.week.given} and received ${s.week.received} kudos. ${allowanceText(s.allowance)}`;
}

export function undoneMessage(k: KudosView, allowance: AllowanceView, cardUpdated: boolean): string {
  const lines = [`↩️ Withdrawn: your kudos to ${listJoin(k.recipients.map((r) => `**${r.displayName || 'someone'}**`))}.`];
  if (!cardUpdated) lines.push("I couldn't update the original card, but the kudos no longer counts.");
  lines.push(allowanceText(allowance));
  return lines.join('\n\n');
}

export function nothingToUndoMessage(windowMinutes: number): string {
  return `There's nothing to undo: \`undo\` takes back a kudos you gave in the last ${windowMinutes} minutes. Kudos added by a reaction are undone by removing the reaction.`;
}

export function welcomeMessage(botName: string): string {
  return [
    `👋 Hi, I'm **${botName}**. I help this team thank each other, specifically and often.`,
    `Mention me with the people and what they did: \`@${botName} thanks @Alex for untangling the refund flow #ownership\`. React to my kudos cards to add your own thanks.`,
    'Every week I post a digest of the thanks given. Chat with me directly and say `help` for more.',
  ].join('\n\n');
}

export const SORRY = "Sorry, something went wrong on our side and nothing was recorded. Please try again in a moment.";
