import { crossTeamSentence } from '../../core/cross-team';
import type { DigestData, DigestPerson, DigestStory } from '../../core/digest';
import { QUIET_WEEK_NUDGE, QUIET_WEEK_TITLE, changeText, participation, periodLabel, plural, rankingLines } from '../../core/digest-text';
import type { KnownBlock } from '../types';
import { emoji, listJoin, messageMrkdwn, mrkdwnEscape, personRef, quote, truncate } from './text';

/**
 * The weekly digest as a Slack message. Slack's limits: at most 50 blocks, section text up to 3,000
 * characters, header 150, and an unpublished cap on the total block text around 11–13k characters
 * (msg_blocks_too_long). Every list here is cut with "and N more" and every free text is truncated, so the
 * whole message stays under TEXT_BUDGET whatever the week held.
 */

/** The quiet-week button; a listener opens the give-kudos form (listeners/give-button.ts). */
export const GIVE_BUTTON_ACTION = 'open_give_modal';

export const DIGEST_LIMITS = Object.freeze({
  blocks: 50,
  sectionText: 3000,
  /** Well under Slack's undocumented cumulative cap. */
  textBudget: 9000,
  rankingNames: 10,
  firstTimerNames: 25,
  values: 12,
  storyMessage: 600,
  valueLabel: 60,
});

export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

const section = (text: string): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text: truncate(text, DIGEST_LIMITS.sectionText) } });
const context = (text: string): KnownBlock => ({ type: 'context', elements: [{ type: 'mrkdwn', text: truncate(text, DIGEST_LIMITS.sectionText) }] });
const who = (p: DigestPerson) => personRef(p);
const valueName = (label: string) => mrkdwnEscape(truncate(label, DIGEST_LIMITS.valueLabel));
const emojiName = (name: string) => emoji(name.slice(0, 100));

export function digestMessage(d: DigestData): SlackMessage {
  return d.quiet ? quietWeek(d) : fullDigest(d);
}

function quietWeek(d: DigestData): SlackMessage {
  const label = periodLabel(d.period.startDay, d.period.endDay);
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: `:seedling: ${QUIET_WEEK_TITLE}`, emoji: true } },
    section(`${QUIET_WEEK_NUDGE}\n_${label}_${d.previous.kudos ? ` · last week: ${plural(d.previous.kudos, 'kudos', 'kudos')}` : ''}`),
    {
      type: 'actions',
      elements: [
        {
          type: 'button',
          action_id: GIVE_BUTTON_ACTION,
          text: { type: 'plain_text', text: 'Give kudos', emoji: true },
          style: 'primary',
          value: 'digest',
        },
      ],
    },
  ];
  return { text: `${QUIET_WEEK_TITLE}. Who will you thank?`, blocks };
}

function fullDigest(d: DigestData): SlackMessage {
  const t = d.totals;
  const label = periodLabel(d.period.startDay, d.period.endDay);
  const p = participation(d);
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: ':sparkles: Your week in kudos', emoji: true } },
    context(label),
    section(
      `*${plural(t.kudos, 'kudos', 'kudos')}* from *${plural(t.givers, 'person', 'people')}* to *${plural(t.recipients, 'person', 'people')}*, ${changeText(t.kudos, d.previous.kudos)}.\n` +
        `*${p.participants} of ${p.known}* people took part (${p.percent}%), ${changeText(p.participants, d.previous.participants)}.`,
    ),
  ];
  // Kudos between teams: only in workspaces that have teams.
  const teams = d.crossTeam && crossTeamSentence(d.crossTeam, { strong: (x) => `*${x}*`, team: (n) => `*${mrkdwnEscape(truncate(n, DIGEST_LIMITS.valueLabel))}*` });
  if (teams) blocks.push(section(teams));

  const fields = [
    rankingField(':raised_hands: *Most thanked*', d.topRecipients),
    rankingField(':gift: *Most generous*', d.topGivers),
  ].filter((f): f is string => f !== null);
  if (fields.length) blocks.push({ type: 'section', fields: fields.map((text) => ({ type: 'mrkdwn', text })) });

  if (d.values.length) {
    const shown = d.values.slice(0, DIGEST_LIMITS.values);
    const lines = shown.map((v) => `${emojiName(v.emoji)} ${valueName(v.label)}  *${v.count}*`);
    if (d.values.length > shown.length) lines.push(`and ${plural(d.values.length - shown.length, 'more value')}`);
    const top = listJoin(d.topValues.map((v) => `*${valueName(v.label)}*`));
    blocks.push(section(`:star2: *Values in action*\n${lines.join('\n')}\n${top} showed up most.`));
  }

  if (d.stories.length) {
    blocks.push({ type: 'divider' }, section(':speech_balloon: *Stories of the week*'));
    for (const s of d.stories) blocks.push(...storyBlocks(s));
  }

  if (d.firstTimers.total) {
    const names = d.firstTimers.people.slice(0, DIGEST_LIMITS.firstTimerNames).map(who);
    const more = d.firstTimers.total - names.length;
    const list = more ? `${names.join(', ')} and ${more} more` : listJoin(names);
    blocks.push(section(`:seedling: *First kudos ever* for ${list}. Welcome!`));
  }

  blocks.push(context('Thank someone with `/thanks @name for what they did #value`, or react to a kudos post to add your own thanks.'));
  return {
    text: `Your week in kudos (${label}): ${plural(t.kudos, 'kudos', 'kudos')} from ${plural(t.givers, 'person', 'people')} to ${plural(t.recipients, 'person', 'people')}.`,
    blocks: fitToBudget(blocks),
  };
}

function rankingField(title: string, ranking: DigestData['topGivers']): string | null {
  const { lines, more } = rankingLines(ranking, DIGEST_LIMITS.rankingNames, who);
  if (!lines.length) return null;
  const rows = lines.map((l) => `${l.rank}. ${l.names.join(', ')}  *${l.count}*`);
  if (more) rows.push(`and ${more} more`);
  // A section field holds at most 2,000 characters.
  return truncate(`${title}\n${rows.join('\n')}`, 2000);
}

function storyBlocks(s: DigestStory): KnownBlock[] {
  const body = truncate(messageMrkdwn(s.message.trim()), DIGEST_LIMITS.storyMessage);
  const out: KnownBlock[] = [section(`${who(s.giver)} thanked ${listJoin(s.recipients.map(who))}\n${quote(body)}`)];
  const notes = [
    ...s.values.slice(0, 5).map((v) => `${emojiName(v.emoji)} ${valueName(v.label)}`),
    ...(s.pileOns ? [`:heavy_plus_sign: ${plural(s.pileOns, 'more thank-you', 'more thank-yous')}`] : []),
    ...(s.permalink && s.permalink.length < 500 ? [`<${s.permalink}|Where it happened>`] : []),
  ];
  if (notes.length) out.push(context(notes.join('   ')));
  return out;
}

/** Total characters of text in the blocks, as Slack's cumulative cap counts them. */
export function blockTextLength(blocks: unknown): number {
  if (Array.isArray(blocks)) return blocks.reduce((n: number, b) => n + blockTextLength(b), 0);
  if (blocks && typeof blocks === 'object') {
    let n = 0;
    for (const [k, v] of Object.entries(blocks)) n += k === 'text' && typeof v === 'string' ? v.length : blockTextLength(v);
    return n;
  }
  return 0;
}

/**
 * The lists above are bounded, so this only acts on pathological input (very long names or labels): the
 * blocks before the closing line are dropped, last first (first-timers, then stories), until it fits.
 */
function fitToBudget(blocks: KnownBlock[]): KnownBlock[] {
  const out = blocks.slice(0, DIGEST_LIMITS.blocks);
  while (blockTextLength(out) > DIGEST_LIMITS.textBudget && out.length > 4) {
    // Remove the block before the closing context: stories and first-timers go before the totals do.
    out.splice(out.length - 2, 1);
  }
  return out;
}
