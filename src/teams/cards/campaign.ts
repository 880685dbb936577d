import { quietRecapText, recapIntroText, threeNotesRecapText } from '../../core/campaign-copy';
import type { CampaignPost, CampaignRecap } from '../../core/campaigns';
import type { DigestPerson, DigestStory } from '../../core/digest';
import { plural } from '../../core/digest-text';
import { replaceMentions } from '../../core/mention';
import { adaptiveCard, boldToMarkdown, emojiFor, listJoin, textBlock, userText, type AdaptiveCard, type CardElement } from './common';
import { GIVE_KUDOS_TASK } from './messages';

/**
 * Customer Service Week and observance posts as Adaptive Cards (1.5), from the same CampaignPost as Slack's.
 * The copy's `*bold*` becomes card markdown; an admin's own prompt is shown as typed, except that a typed `<at>`
 * cannot become a mention. The "Give kudos" button opens the same form as the kudos cards (a `task/fetch`).
 * People in the recap are named in bold, not mentioned, like the digest.
 */

export const CAMPAIGN_CARD_LIMITS = Object.freeze({ paragraphs: 12, paragraph: 2000, values: 8, completerNames: 25, storyMessage: 500, valueLabel: 60, name: 80 });

const cut = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);
const name = (p: DigestPerson) => `**${cut(userText(p.displayName || 'someone'), CAMPAIGN_CARD_LIMITS.name)}**`;

export const GIVE_KUDOS_ACTION: CardElement = { type: 'Action.Submit', title: 'Give kudos', data: { msteams: { type: 'task/fetch' }, kudosTask: GIVE_KUDOS_TASK } };

/** Copy as TextBlocks, one per line (Teams joins single line breaks inside a TextBlock). */
function copyBlocks(text: string): CardElement[] {
  const lines = text
    .split(/\n+/)
    .map((l) => l.trim())
    .filter(Boolean);
  const shown = lines.slice(0, CAMPAIGN_CARD_LIMITS.paragraphs - 1);
  if (lines.length > shown.length) shown.push(lines.slice(shown.length).join(' '));
  return shown.map((l, i) => textBlock(cut(boldToMarkdown(userText(l)), CAMPAIGN_CARD_LIMITS.paragraph), i === 0 ? {} : { spacing: 'Small' }));
}

export function campaignCard(post: CampaignPost): AdaptiveCard {
  if (post.type === 'recap') return recapCard(post.recap, post.giveButton);
  return adaptiveCard(copyBlocks(post.text), { actions: post.giveButton ? [GIVE_KUDOS_ACTION] : [] });
}

/** The notification line of the post (the activity's summary). */
export function campaignSummary(post: CampaignPost): string {
  return cut(post.summary, 200);
}

function recapCard(r: CampaignRecap, giveButton: boolean): AdaptiveCard {
  const actions = giveButton ? [GIVE_KUDOS_ACTION] : [];
  if (r.quiet) return adaptiveCard(copyBlocks(quietRecapText(r.campaign.year)), { actions });
  const t = r.totals;
  const p = r.participation;
  const body: CardElement[] = [
    ...copyBlocks(recapIntroText(r.campaign.year)),
    textBlock(
      `🎉 **${plural(t.kudos, 'kudos', 'kudos')}** from **${plural(t.givers, 'person', 'people')}** to **${plural(t.recipients, 'person', 'people')}**.\n\n` +
        `**${p.participants} of ${p.known}** people took part (${p.percent}%).`,
      { spacing: 'Medium' },
    ),
  ];
  if (r.values.length) {
    const shown = r.values.slice(0, CAMPAIGN_CARD_LIMITS.values);
    body.push(textBlock('⭐ **Values of the week**', { spacing: 'Medium' }), {
      type: 'FactSet',
      facts: shown.map((v) => ({ title: `${emojiFor(v.emoji)} ${cut(v.label, CAMPAIGN_CARD_LIMITS.valueLabel)}`, value: String(v.count) })),
    });
  }
  const names = r.challenge.named.slice(0, CAMPAIGN_CARD_LIMITS.completerNames).map(name);
  body.push(textBlock(`📝 ${boldToMarkdown(threeNotesRecapText(r.challenge.completed, names))}`, { spacing: 'Medium' }));
  if (r.stories.length) {
    body.push(textBlock('💬 **Stories from the week**', { spacing: 'Large', separator: true }));
    for (const s of r.stories) body.push(story(s));
  }
  return adaptiveCard(body, { actions });
}

function story(s: DigestStory): CardElement {
  const people = new Map([s.giver, ...s.recipients].map((p) => [p.externalId, p]));
  const message = cut(
    replaceMentions(userText(s.message.trim()), (id) => (people.get(id) ? name(people.get(id) as DigestPerson) : 'someone')),
    CAMPAIGN_CARD_LIMITS.storyMessage,
  );
  const items: CardElement[] = [textBlock(`${name(s.giver)} thanked ${listJoin(s.recipients.map(name))}`, { spacing: 'Medium' }), textBlock(`_${message}_`, { spacing: 'Small' })];
  const notes = s.values.slice(0, 5).map((v) => `${emojiFor(v.emoji)} ${cut(v.label, CAMPAIGN_CARD_LIMITS.valueLabel)}`);
  if (s.pileOns) notes.push(`➕ ${plural(s.pileOns, 'more thank-you', 'more thank-yous')}`);
  if (notes.length) items.push(textBlock(notes.join('   '), { isSubtle: true, size: 'Small', spacing: 'Small' }));
  return { type: 'Container', items };
}
