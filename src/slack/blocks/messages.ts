import { allowanceText, refusalText, skipText, type Refusal, type Skip } from '../../core/refusals';
import type { PersonStats } from '../../core/stats';
import type { AllowanceView, KudosView, ValueView } from '../../core/types';
import type { PublishOutcome } from '../../core/publish';
import { AUTH_FAILURES, NOT_A_MEMBER } from '../api';
import type { KnownBlock } from '../types';
import { emoji, listJoin, mention } from './text';

/** An ephemeral reply: blocks plus the plain-text fallback Slack wants alongside them. */
export interface Reply {
  text: string;
  blocks: KnownBlock[];
}

const section = (text: string): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text } });
const context = (text: string): KnownBlock => ({ type: 'context', elements: [{ type: 'mrkdwn', text }] });

export function refusalReply(refusals: Refusal[]): Reply {
  const lines = refusals.map((r) => refusalText(r, mention));
  return { text: lines.join(' '), blocks: lines.map((l, i) => section(i === 0 ? `:raised_hand: ${l}` : l)) };
}

export function confirmationReply(k: KudosView, skipped: Skip[], allowance: AllowanceView): Reply {
  const to = listJoin(k.recipients.map((r) => mention(r.externalId)));
  const lines = [`:white_check_mark: Kudos sent to ${to}!`];
  if (skipped.length) lines.push(`Left out: ${skipped.map((s) => skipText(s, mention)).join(', ')}.`);
  const blocks = [section(lines.join('\n')), context(`${allowanceText(allowance)}  Changed your mind? \`/thanks undo\` within 15 minutes.`)];
  return { text: lines.join(' '), blocks };
}

export function duplicateReply(k: KudosView): Reply {
  const text = `:white_check_mark: Your kudos to ${listJoin(k.recipients.map((r) => mention(r.externalId)))} is already recorded.`;
  return { text, blocks: [section(text)] };
}

export function helpReply(values: ValueView[], allowancePerDay: number | null, minLength: number): Reply {
  const valueList = values.length ? values.map((v) => `${emoji(v.emoji)} \`#${v.slug}\``).join('  ') : '_No values set up yet._';
  const blocks: KnownBlock[] = [
    section('*Kudos* helps you thank people where you already work. Be specific: say what they did and why it mattered.'),
    section(
      [
        '*Give kudos*',
        '`/thanks @alex for untangling the refund flow #ownership`',
        '`/thanks @alex @sam for covering my shift on Friday #collaboration #empathy`',
        '`/thanks` on its own opens a form.',
      ].join('\n'),
    ),
    section(
      [
        '*More*',
        '`/thanks stats` your kudos this week and all time, and what you have left today',
        '`/thanks undo` take back your last kudos (within 15 minutes)',
        '`/thanks help` this message',
        'You can also react to someone\'s message with a kudos emoji, or use *Give kudos* from a message\'s menu.',
      ].join('\n'),
    ),
    section(`*Values*\n${valueList}`),
    context(
      `${allowancePerDay === null ? 'No daily limit.' : `Up to ${allowancePerDay} kudos a day.`} Messages need at least ${minLength} characters. Up to 10 people per kudos.`,
    ),
  ];
  return { text: 'How to use Kudos: /thanks @someone for what they did #value', blocks };
}

export function statsReply(s: PersonStats, extra: string[] = []): Reply {
  const allowance = allowanceText(s.allowance);
  const blocks: KnownBlock[] = [
    section('*Your kudos*'),
    {
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: `*This week*\nGiven: ${s.week.given}\nReceived: ${s.week.received}` },
        { type: 'mrkdwn', text: `*All time*\nGiven: ${s.allTime.given}\nReceived: ${s.allTime.received}` },
      ],
    },
    ...extra.map(section),
    context(allowance),
  ];
  return {
    text: `This week you gave ${s.week.given} and received ${s.week.received} kudos. ${allowance}`,
    blocks,
  };
}

export function undoneReply(k: KudosView, allowance: AllowanceView, postUpdated: boolean): Reply {
  const text = `:leftwards_arrow_with_hook: Withdrawn: your kudos to ${listJoin(k.recipients.map((r) => mention(r.externalId)))}.`;
  const notes = [allowanceText(allowance)];
  if (!postUpdated) notes.unshift("I couldn't update the original post, but the kudos no longer counts.");
  return { text, blocks: [section(text), context(notes.join(' '))] };
}

export function nothingToUndoReply(windowMinutes: number): Reply {
  const text = `There's nothing to undo: \`/thanks undo\` takes back a kudos you gave in the last ${windowMinutes} minutes. Reaction kudos are undone by removing the reaction.`;
  return { text, blocks: [section(text)] };
}

export function simpleReply(text: string): Reply {
  return { text, blocks: [section(text)] };
}

/** What the giver is told when their kudos was not posted normally; null when all is well (or not known yet). */
export function deliveryNotice(outcome: PublishOutcome): string | null {
  if (outcome.status === 'posted' || outcome.status === 'claimed_elsewhere') return null;
  const where = outcome.channelId ? `<#${outcome.channelId}>` : 'this conversation';
  if (outcome.status === 'unknown') return `:hourglass_flowing_sand: Your kudos is recorded and counts. Slack didn't confirm the post in ${where}, so I'll check in a couple of minutes and post it if it isn't there.`;
  if (outcome.status === 'later' && AUTH_FAILURES.has(outcome.reason)) {
    return `:warning: Your kudos is recorded and counts, but Slack is refusing Kudos's access to this workspace just now (\`${outcome.reason}\`), so I can't post it in ${where}. An admin needs to reinstall Kudos or update its token; it will be posted once that's done.`;
  }
  if (outcome.status === 'later') return `:hourglass_flowing_sand: Your kudos is recorded and counts. Slack asked me to slow down, so it will appear in ${where} in a minute or two.`;
  if (outcome.status === 'fallback') {
    return `:information_source: Your kudos is posted, but I'm not a member of ${where}, so people can't add their thanks with a reaction. Invite me with \`/invite @Kudos\` to fix that.`;
  }
  const why =
    outcome.reason === 'is_archived'
      ? 'that channel is archived'
      : NOT_A_MEMBER.has(outcome.reason) || outcome.reason === 'no_channel'
        ? "I'm not a member there"
        : 'Slack could not be reached';
  return `:warning: Your kudos is recorded and counts, but I couldn't post it in ${where} (${why}). Invite me with \`/invite @Kudos\`, or ask an admin to check the kudos channel.`;
}
