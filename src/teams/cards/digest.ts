import { crossTeamSentence } from '../../core/cross-team';
import type { DigestData, DigestPerson, DigestStory, Ranking } from '../../core/digest';
import { QUIET_WEEK_NUDGE, QUIET_WEEK_TITLE, changeText, participation, periodLabel, plural, rankingLines } from '../../core/digest-text';
import { replaceMentions } from '../../core/mention';
import { adaptiveCard, emojiFor, listJoin, textBlock, userText, type AdaptiveCard, type CardElement } from './common';
import { GIVE_KUDOS_TASK } from './messages';

/**
 * The weekly digest as an Adaptive Card, from the same DigestData as Slack's. People are named in bold rather
 * than mentioned: a digest that notified everyone it names would be noise. Every list is cut with "and N
 * more" and every free text is shortened, so the card stays far below Teams' message size limit.
 */
export const DIGEST_CARD_LIMITS = Object.freeze({ rankingNames: 10, firstTimerNames: 25, values: 12, storyMessage: 600, valueLabel: 60, name: 80 });

const cut = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);
const name = (p: DigestPerson) => `**${cut(p.displayName || 'someone', DIGEST_CARD_LIMITS.name)}**`;

export function digestCard(d: DigestData): AdaptiveCard {
  return d.quiet ? quietWeek(d) : fullDigest(d);
}

export function digestSummary(d: DigestData): string {
  const label = periodLabel(d.period.startDay, d.period.endDay);
  if (d.quiet) return `${QUIET_WEEK_TITLE}. Who will you thank?`;
  const t = d.totals;
  return `Your week in kudos (${label}): ${plural(t.kudos, 'kudos', 'kudos')} from ${plural(t.givers, 'person', 'people')} to ${plural(t.recipients, 'person', 'people')}.`;
}

const giveButton = { type: 'Action.Submit', title: 'Give kudos', data: { msteams: { type: 'task/fetch' }, kudosTask: GIVE_KUDOS_TASK } };

function quietWeek(d: DigestData): AdaptiveCard {
  const label = periodLabel(d.period.startDay, d.period.endDay);
  return adaptiveCard(
    [
      textBlock(`🌱 ${QUIET_WEEK_TITLE}`, { size: 'Large', weight: 'Bolder' }),
      textBlock(QUIET_WEEK_NUDGE),
      textBlock(`${label}${d.previous.kudos ? ` · last week: ${plural(d.previous.kudos, 'kudos', 'kudos')}` : ''}`, { isSubtle: true, size: 'Small' }),
    ],
    { actions: [giveButton] },
  );
}

function fullDigest(d: DigestData): AdaptiveCard {
  const t = d.totals;
  const p = participation(d);
  const body: CardElement[] = [
    textBlock('✨ Your week in kudos', { size: 'Large', weight: 'Bolder' }),
    textBlock(periodLabel(d.period.startDay, d.period.endDay), { isSubtle: true, spacing: 'None' }),
    textBlock(
      `**${plural(t.kudos, 'kudos', 'kudos')}** from **${plural(t.givers, 'person', 'people')}** to **${plural(t.recipients, 'person', 'people')}**, ${changeText(t.kudos, d.previous.kudos)}.\n\n` +
        `**${p.participants} of ${p.known}** people took part (${p.percent}%).`,
    ),
  ];
  // Kudos between teams: only in workspaces that have teams.
  const teams = d.crossTeam && crossTeamSentence(d.crossTeam, { strong: (x) => `**${x}**`, team: (n) => `**${cut(userText(n), DIGEST_CARD_LIMITS.valueLabel)}**` });
  if (teams) body.push(textBlock(teams));
  const columns = [ranking('🙌 **Most thanked**', d.topRecipients), ranking('🎁 **Most generous**', d.topGivers)].filter((c): c is CardElement => c !== null);
  if (columns.length) body.push({ type: 'ColumnSet', spacing: 'Medium', columns });

  if (d.values.length) {
    const shown = d.values.slice(0, DIGEST_CARD_LIMITS.values);
    const facts = shown.map((v) => ({ title: `${emojiFor(v.emoji)} ${cut(v.label, DIGEST_CARD_LIMITS.valueLabel)}`, value: String(v.count) }));
    body.push(textBlock('⭐ **Values in action**', { spacing: 'Medium' }), { type: 'FactSet', facts });
    const extra = d.values.length > shown.length ? ` (and ${plural(d.values.length - shown.length, 'more value')})` : '';
    body.push(textBlock(`${listJoin(d.topValues.map((v) => `**${cut(v.label, DIGEST_CARD_LIMITS.valueLabel)}**`))} showed up most${extra}.`, { spacing: 'Small' }));
  }

  if (d.stories.length) {
    body.push(textBlock('💬 **Stories of the week**', { spacing: 'Large', separator: true }));
    for (const s of d.stories) body.push(...story(s));
  }

  if (d.firstTimers.total) {
    const names = d.firstTimers.people.slice(0, DIGEST_CARD_LIMITS.firstTimerNames).map(name);
    const more = d.firstTimers.total - names.length;
    body.push(textBlock(`🌱 **First kudos ever** for ${more ? `${names.join(', ')} and ${more} more` : listJoin(names)}. Welcome!`, { spacing: 'Medium' }));
  }
  body.push(textBlock('Thank someone by mentioning me with their name and what they did, or react to a kudos card to add your own thanks.', { isSubtle: true, size: 'Small', spacing: 'Medium' }));
  return adaptiveCard(body, { actions: [giveButton] });
}

function ranking(title: string, r: Ranking): CardElement | null {
  const { lines, more } = rankingLines(r, DIGEST_CARD_LIMITS.rankingNames, name);
  if (!lines.length) return null;
  const rows = lines.map((l) => `${l.rank}. ${l.names.join(', ')} (${l.count})`);
  if (more) rows.push(`and ${more} more`);
  return { type: 'Column', width: 'stretch', items: [textBlock(title), textBlock(rows.join('\n\n'), { spacing: 'Small' })] };
}

function story(s: DigestStory): CardElement[] {
  const people = new Map([s.giver, ...s.recipients].map((p) => [p.externalId, p]));
  const message = cut(
    replaceMentions(userText(s.message.trim()), (id) => (people.get(id) ? name(people.get(id) as DigestPerson) : 'someone')),
    DIGEST_CARD_LIMITS.storyMessage,
  );
  const notes = [
    ...s.values.slice(0, 5).map((v) => `${emojiFor(v.emoji)} ${cut(v.label, DIGEST_CARD_LIMITS.valueLabel)}`),
    ...(s.pileOns ? [`➕ ${plural(s.pileOns, 'more thank-you', 'more thank-yous')}`] : []),
    ...(s.permalink && s.permalink.length < 500 && /^https:\/\//.test(s.permalink) ? [`[Where it happened](${s.permalink})`] : []),
  ];
  const items: CardElement[] = [textBlock(`${name(s.giver)} thanked ${listJoin(s.recipients.map(name))}`, { spacing: 'Medium' }), textBlock(`_${message}_`, { spacing: 'Small' })];
  if (notes.length) items.push(textBlock(notes.join('   '), { isSubtle: true, size: 'Small', spacing: 'Small' }));
  return [{ type: 'Container', items }];
}
