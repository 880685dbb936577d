import { quietRecapText, recapIntroText, threeNotesRecapText } from '../../core/campaign-copy';
import type { CampaignPost, CampaignRecap } from '../../core/campaigns';
import type { DigestPerson, DigestStory } from '../../core/digest';
import { plural } from '../../core/digest-text';
import type { KnownBlock } from '../types';
import { GIVE_BUTTON_ACTION, type SlackMessage } from './digest';
import { emoji, listJoin, mention, messageMrkdwn, mrkdwnEscape, quote, truncate } from './text';

/**
 * Customer Service Week and observance posts as Slack messages. The copy comes from core/campaign-copy.ts
 * (`*bold*` is mrkdwn as it is); everything is escaped, since admins' own prompts are part of it, so an `<!here>`
 * typed into a prompt reads as text and pings nobody. Lists are cut and texts truncated to stay well within
 * Slack's limits (50 blocks, 3,000 characters a section).
 */

export const CAMPAIGN_LIMITS = Object.freeze({ paragraphs: 8, sectionText: 3000, values: 8, completerNames: 25, storyMessage: 500, valueLabel: 60 });

const section = (text: string): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text: truncate(text, CAMPAIGN_LIMITS.sectionText) } });
const context = (text: string): KnownBlock => ({ type: 'context', elements: [{ type: 'mrkdwn', text: truncate(text, CAMPAIGN_LIMITS.sectionText) }] });
const who = (p: DigestPerson) => mention(p.externalId);

/** The "Give kudos" button; listeners/give-button.ts opens the give-kudos form from it. */
export function giveKudosActions(value: string): KnownBlock {
  return {
    type: 'actions',
    elements: [{ type: 'button', action_id: GIVE_BUTTON_ACTION, text: { type: 'plain_text', text: 'Give kudos', emoji: true }, style: 'primary', value }],
  };
}

/** Copy (paragraphs separated by blank lines) as sections, escaped. */
export function copySections(text: string): KnownBlock[] {
  const paragraphs = text
    .split(/\n{2,}/)
    .map((p) => p.trim())
    .filter(Boolean);
  const shown = paragraphs.slice(0, CAMPAIGN_LIMITS.paragraphs - 1);
  // Anything past the cap joins the last section rather than being dropped.
  if (paragraphs.length > shown.length) shown.push(paragraphs.slice(shown.length).join('\n\n'));
  return shown.map((p) => section(mrkdwnEscape(p)));
}

export function campaignMessage(post: CampaignPost): SlackMessage {
  if (post.type === 'recap') return recapMessage(post.recap, post.giveButton);
  const blocks = copySections(post.text);
  if (post.giveButton) blocks.push(giveKudosActions(post.subject));
  return { text: truncate(post.summary, 3000), blocks };
}

function recapMessage(r: CampaignRecap, giveButton: boolean): SlackMessage {
  const summary = recapIntroText(r.campaign.year).replace(/\*/g, '');
  if (r.quiet) {
    const blocks = copySections(quietRecapText(r.campaign.year));
    if (giveButton) blocks.push(giveKudosActions(r.campaign.key));
    return { text: summary, blocks };
  }
  const t = r.totals;
  const p = r.participation;
  const blocks: KnownBlock[] = [
    section(mrkdwnEscape(recapIntroText(r.campaign.year))),
    section(
      `:tada: *${plural(t.kudos, 'kudos', 'kudos')}* from *${plural(t.givers, 'person', 'people')}* to *${plural(t.recipients, 'person', 'people')}*.\n` +
        `*${p.participants} of ${p.known}* people took part (${p.percent}%).`,
    ),
  ];
  if (r.values.length) {
    const shown = r.values.slice(0, CAMPAIGN_LIMITS.values);
    const lines = shown.map((v) => `${emoji(v.emoji.slice(0, 100))} ${mrkdwnEscape(truncate(v.label, CAMPAIGN_LIMITS.valueLabel))}  *${v.count}*`);
    if (r.values.length > shown.length) lines.push(`and ${plural(r.values.length - shown.length, 'more value')}`);
    blocks.push(section(`:star2: *Values of the week*\n${lines.join('\n')}`));
  }
  blocks.push(section(threeNotesLine(r, r.challenge.named.slice(0, CAMPAIGN_LIMITS.completerNames).map(who))));
  if (r.stories.length) {
    blocks.push({ type: 'divider' }, section(':speech_balloon: *Stories from the week*'));
    for (const s of r.stories) blocks.push(...storyBlocks(s));
  }
  if (giveButton) blocks.push(giveKudosActions(r.campaign.key));
  return { text: `${summary} ${plural(t.kudos, 'kudos', 'kudos')} from ${plural(t.givers, 'person', 'people')}.`, blocks };
}

/** The challenge line with the names of those who finished (mentions are not escaped; the copy around them is). */
function threeNotesLine(r: CampaignRecap, names: string[]): string {
  const MARK = '\u0000';
  const placeholders = names.map((_, i) => `${MARK}${i}${MARK}`);
  const text = mrkdwnEscape(threeNotesRecapText(r.challenge.completed, placeholders));
  return `:memo: ${text.replace(new RegExp(`${MARK}(\\d+)${MARK}`, 'g'), (_m, i: string) => names[Number(i)])}`;
}

function storyBlocks(s: DigestStory): KnownBlock[] {
  const body = truncate(messageMrkdwn(s.message.trim()), CAMPAIGN_LIMITS.storyMessage);
  const out: KnownBlock[] = [section(`${who(s.giver)} thanked ${listJoin(s.recipients.map(who))}\n${quote(body)}`)];
  const notes = [
    ...s.values.slice(0, 5).map((v) => `${emoji(v.emoji.slice(0, 100))} ${mrkdwnEscape(truncate(v.label, CAMPAIGN_LIMITS.valueLabel))}`),
    ...(s.pileOns ? [`:heavy_plus_sign: ${plural(s.pileOns, 'more thank-you', 'more thank-yous')}`] : []),
  ];
  if (notes.length) out.push(context(notes.join('   ')));
  return out;
}
