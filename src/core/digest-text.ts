import { DateTime } from 'luxon';
import type { DigestData, DigestPerson, Ranking } from './digest';
import { crossTeamSentence } from './cross-team';

/**
 * Wording shared by every digest renderer, and the digest as plain text (the command-line preview).
 * Platform renderers use the helpers and name people their own way (Slack mentions, Teams names).
 */

/** '20–27 November 2026', '28 November – 4 December 2026', '29 December 2026 – 4 January 2027'. */
export function periodLabel(startDay: string, endDay: string): string {
  const a = DateTime.fromISO(startDay);
  const b = DateTime.fromISO(endDay);
  if (a.year !== b.year) return `${a.toFormat('d MMMM yyyy')} – ${b.toFormat('d MMMM yyyy')}`;
  if (a.month !== b.month) return `${a.toFormat('d MMMM')} – ${b.toFormat('d MMMM yyyy')}`;
  return `${a.day}–${b.toFormat('d MMMM yyyy')}`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** 'up 8 from last week', 'down 3 from last week', 'the same as last week', 'none last week'. */
export function changeText(now: number, before: number): string {
  if (before === 0) return now === 0 ? 'none last week either' : 'none last week';
  if (now === before) return 'the same as last week';
  return `${now > before ? 'up' : 'down'} ${Math.abs(now - before)} from last week`;
}

/** Participants of the people the workspace knows, as 'N of M people (P%)'. */
export function participation(d: DigestData): { participants: number; known: number; percent: number } {
  const known = Math.max(d.totals.knownPeople, d.totals.participants);
  const percent = known ? Math.round((100 * d.totals.participants) / known) : 0;
  return { participants: d.totals.participants, known, percent };
}

/**
 * A ranking as lines, people tied on one line, at most `maxNames` names: [rank, names, count][] plus how
 * many people were left out (those past `maxNames` and those past the data's own cap).
 */
export function rankingLines<N>(r: Ranking, maxNames: number, name: (p: DigestPerson) => N): { lines: Array<{ rank: number; names: N[]; count: number }>; more: number } {
  const lines: Array<{ rank: number; names: N[]; count: number }> = [];
  const shown = r.entries.slice(0, maxNames);
  for (const e of shown) {
    const last = lines[lines.length - 1];
    if (last && last.rank === e.rank) last.names.push(name(e));
    else lines.push({ rank: e.rank, names: [name(e)], count: e.count });
  }
  return { lines, more: r.entries.length - shown.length + r.more };
}

export const QUIET_WEEK_TITLE = 'A quiet week for kudos';
export const QUIET_WEEK_NUDGE =
  'Nobody has been thanked this week yet. Who made your week a little easier? A few specific words about what they did go a long way.';

const displayName = (p: DigestPerson) => (p.displayName ? `@${p.displayName}` : `@${p.externalId}`);

/** The digest as plain text with display names (the command-line preview). */
export function digestText(d: DigestData): string {
  const out: string[] = [];
  const label = periodLabel(d.period.startDay, d.period.endDay);
  if (d.quiet) {
    out.push(`${QUIET_WEEK_TITLE} (${label})`, '', QUIET_WEEK_NUDGE);
    if (d.previous.kudos) out.push(`Last week: ${plural(d.previous.kudos, 'kudos', 'kudos')}.`);
    return out.join('\n');
  }
  const t = d.totals;
  const p = participation(d);
  out.push(`Your week in kudos (${label})`, '');
  out.push(
    `${plural(t.kudos, 'kudos', 'kudos')} from ${plural(t.givers, 'person', 'people')} to ${plural(t.recipients, 'person', 'people')} (${changeText(t.kudos, d.previous.kudos)}).`,
    `${p.participants} of ${p.known} people took part (${p.percent}%, ${changeText(p.participants, d.previous.participants)}).`,
  );
  for (const [title, ranking] of [
    ['Most thanked', d.topRecipients],
    ['Most generous', d.topGivers],
  ] as const) {
    const { lines, more } = rankingLines(ranking, 10, displayName);
    if (!lines.length) continue;
    out.push('', `${title}:`);
    for (const l of lines) out.push(`  ${l.rank}. ${l.names.join(', ')} (${l.count})`);
    if (more) out.push(`  and ${more} more`);
  }
  const teams = d.crossTeam && crossTeamSentence(d.crossTeam, { strong: (x) => x, team: (n) => n });
  if (teams) out.push(teams);
  if (d.values.length) {
    out.push('', 'Values in action:');
    for (const v of d.values) out.push(`  :${v.emoji}: ${v.label} (${v.count})`);
    out.push(`  Showed up most: ${d.topValues.map((v) => v.label).join(', ')}`);
  }
  if (d.stories.length) {
    out.push('', 'Stories:');
    for (const s of d.stories) {
      out.push(`  ${displayName(s.giver)} thanked ${s.recipients.map(displayName).join(', ')}:`);
      out.push(`    "${s.message.replace(/\s+/g, ' ').trim()}"`);
      const notes = [...s.values.map((v) => v.label), ...(s.pileOns ? [`${plural(s.pileOns, 'more thank-you', 'more thank-yous')}`] : [])];
      if (notes.length) out.push(`    ${notes.join(' · ')}`);
    }
  }
  if (d.firstTimers.total) {
    const names = d.firstTimers.people.slice(0, 20).map(displayName);
    const more = d.firstTimers.total - names.length;
    out.push('', `First kudos ever: ${names.join(', ')}${more ? ` and ${more} more` : ''}. Welcome!`);
  }
  return out.join('\n');
}
