import type { DigestData, DigestPerson, DigestStory, RankedPerson } from '../../src/core/digest';
import { digestText } from '../../src/core/digest-text';
import { DIGEST_LIMITS, GIVE_BUTTON_ACTION, blockTextLength, digestMessage } from '../../src/slack/blocks/digest';

const person = (i: number | string): DigestPerson => ({ id: typeof i === 'number' ? i : i.length, externalId: `U${i}`, displayName: `Person ${i}` });
const ranked = (i: number, count: number, rank: number): RankedPerson => ({ ...person(i), count, rank });

function digest(over: Partial<DigestData> = {}): DigestData {
  return {
    workspaceId: 1,
    period: {
      key: '2026-W48',
      start: new Date('2026-11-20T15:00:00Z'),
      end: new Date('2026-11-27T15:00:00Z'),
      previousStart: new Date('2026-11-13T15:00:00Z'),
      timeZone: 'Europe/Berlin',
      startDay: '2026-11-20',
      endDay: '2026-11-27',
    },
    totals: { kudos: 42, givers: 17, recipients: 23, participants: 31, knownPeople: 60 },
    previous: { kudos: 34, givers: 15, recipients: 20, participants: 28 },
    topCount: 3,
    topGivers: { entries: [ranked(1, 6, 1), ranked(2, 4, 2), ranked(3, 3, 3)], more: 0 },
    topRecipients: { entries: [ranked(4, 5, 1), ranked(5, 5, 1), ranked(6, 2, 3), ranked(7, 2, 3)], more: 0 },
    values: [
      { slug: 'ownership', label: 'Ownership', emoji: 'muscle', count: 12 },
      { slug: 'empathy', label: 'Empathy', emoji: 'heart', count: 9 },
    ],
    topValues: [{ slug: 'ownership', label: 'Ownership', emoji: 'muscle', count: 12 }],
    stories: [
      story(1, [4, 5], 'for staying late to <@U9> untangle the refund backlog & writing it up', 4),
      story(2, [6], 'for the calm call with the angry customer', 0),
    ],
    firstTimers: { people: [person(8), person(9)], total: 2 },
    quiet: false,
    ...over,
  };
}

function story(giver: number, recipients: number[], message: string, pileOns: number): DigestStory {
  return {
    kudosId: giver * 100,
    giver: person(giver),
    recipients: recipients.map(person),
    message,
    values: [{ slug: 'ownership', label: 'Ownership', emoji: 'muscle' }],
    pileOns,
    permalink: null,
    postChannelId: 'C1',
    postTs: '1.2',
    createdAt: new Date('2026-11-24T10:00:00Z'),
  };
}

const texts = (blocks: any[]): string[] =>
  blocks.flatMap((b) => [b.text?.text, ...(b.fields ?? []).map((f: any) => f.text), ...(b.elements ?? []).map((e: any) => e.text?.text ?? e.text)]).filter(Boolean);
const all = (blocks: any[]) => texts(blocks).join('\n');

describe('digest blocks', () => {
  it('names an erased person by the placeholder in plain text, never by a mention Slack would fill with their name', () => {
    const erased: DigestPerson = { id: 77, externalId: 'UERASED', displayName: 'Former teammate', erased: true };
    const d = digest({
      stories: [{ ...story(1, [4], 'for the calm call with the angry customer', 0), recipients: [erased] }],
      firstTimers: { people: [erased], total: 1 },
    });
    const text = all(digestMessage(d).blocks as any[]);
    expect(text).not.toContain('<@UERASED>');
    expect(text).toContain('_Former teammate_');
  });

  it('shows the period, totals with the change and participation, both rankings with ties, values, stories and first-timers', () => {
    const { text, blocks } = digestMessage(digest());
    const b = blocks as any[];
    expect(b[0]).toMatchObject({ type: 'header', text: { type: 'plain_text', text: ':sparkles: Your week in kudos' } });
    expect(all(b)).toContain('20–27 November 2026');
    expect(all(b)).toContain('*42 kudos* from *17 people* to *23 people*, up 8 from last week.');
    expect(all(b)).toContain('*31 of 60* people took part (52%), up 3 from last week.');
    const fields = b.find((x) => x.fields)!.fields.map((f: any) => f.text);
    expect(fields[0]).toBe(':raised_hands: *Most thanked*\n1. <@U4>, <@U5>  *5*\n3. <@U6>, <@U7>  *2*');
    expect(fields[1]).toBe(':gift: *Most generous*\n1. <@U1>  *6*\n2. <@U2>  *4*\n3. <@U3>  *3*');
    expect(all(b)).toContain(':muscle: Ownership  *12*\n:heart: Empathy  *9*\n*Ownership* showed up most.');
    expect(all(b)).toContain('<@U1> thanked <@U4> and <@U5>\n>for staying late to <@U9> untangle the refund backlog &amp; writing it up');
    expect(all(b)).toContain(':heavy_plus_sign: 4 more thank-yous');
    expect(all(b)).toContain(':seedling: *First kudos ever* for <@U8> and <@U9>. Welcome!');
    expect(b.some((x) => x.type === 'actions')).toBe(false);
    expect(text).toBe('Your week in kudos (20–27 November 2026): 42 kudos from 17 people to 23 people.');
  });

  it('leaves out what a week did not have, and says "down" and "the same"', () => {
    const { blocks } = digestMessage(
      digest({
        previous: { kudos: 50, givers: 1, recipients: 1, participants: 1 },
        topGivers: { entries: [], more: 0 },
        values: [],
        topValues: [],
        stories: [],
        firstTimers: { people: [], total: 0 },
      }),
    );
    const text = all(blocks as any[]);
    expect(text).toContain('down 8 from last week');
    expect(text).not.toContain('Most generous');
    expect(text).not.toContain('Values in action');
    expect(text).not.toContain('Stories');
    expect(text).not.toContain('First kudos');
    expect(all(digestMessage(digest({ previous: { kudos: 42, givers: 1, recipients: 1, participants: 1 } })).blocks as any[])).toContain('the same as last week');
  });

  it('a quiet week is a short nudge with a Give kudos button', () => {
    const { text, blocks } = digestMessage(digest({ quiet: true, totals: { kudos: 0, givers: 0, recipients: 0, participants: 0, knownPeople: 60 } }));
    const b = blocks as any[];
    expect(b).toHaveLength(3);
    expect(b[0].text.text).toContain('A quiet week for kudos');
    expect(b[1].text.text).toContain('last week: 34 kudos');
    expect(b[2]).toMatchObject({ type: 'actions', elements: [{ type: 'button', action_id: GIVE_BUTTON_ACTION, text: { text: 'Give kudos' } }] });
    expect(GIVE_BUTTON_ACTION).toBe('open_give_modal');
    expect(text).toContain('quiet week');
  });

  it('stays within Slack limits for a huge week: 500 first-timers, long ties, many values, long texts', () => {
    const longLabel = 'An extraordinarily long value label <with> & markup '.repeat(6);
    const big = digest({
      totals: { kudos: 5000, givers: 400, recipients: 500, participants: 700, knownPeople: 800 },
      topGivers: { entries: Array.from({ length: 25 }, (_, i) => ranked(i + 1, 3, 1)), more: 375 },
      topRecipients: { entries: Array.from({ length: 25 }, (_, i) => ranked(1000 + i, 10, 1)), more: 475 },
      values: Array.from({ length: 30 }, (_, i) => ({ slug: `v${i}`, label: `${longLabel}${i}`, emoji: 'x'.repeat(100), count: 30 - i })),
      topValues: [{ slug: 'v0', label: longLabel, emoji: 'x', count: 30 }],
      stories: [0, 1, 2].map((s) =>
        story(
          s + 1,
          Array.from({ length: 10 }, (_, i) => 100 + s * 10 + i),
          'A very long and specific thank-you <@U1> & more. '.repeat(80),
          s,
        ),
      ),
      firstTimers: { people: Array.from({ length: 50 }, (_, i) => person(2000 + i)), total: 500 },
    });
    big.stories[0].permalink = 'https://acme.slack.com/archives/C1/p1700000000000100';
    const { blocks } = digestMessage(big);
    const b = blocks as any[];
    expect(b.length).toBeLessThanOrEqual(DIGEST_LIMITS.blocks);
    for (const block of b) {
      if (block.type === 'header') expect(block.text.text.length).toBeLessThanOrEqual(150);
      if (block.text) expect(block.text.text.length).toBeLessThanOrEqual(3000);
      for (const f of block.fields ?? []) expect(f.text.length).toBeLessThanOrEqual(2000);
      expect((block.fields ?? []).length).toBeLessThanOrEqual(10);
      expect((block.elements ?? []).length).toBeLessThanOrEqual(10);
    }
    expect(blockTextLength(b)).toBeLessThanOrEqual(DIGEST_LIMITS.textBudget);
    expect(JSON.stringify(b).length).toBeLessThan(16_000);
    const text = all(b);
    expect(text).toContain('and 490 more'); // 25 + 475 tied recipients, 10 named
    expect(text).toContain('and 390 more'); // givers
    expect(text).toContain('and 475 more. Welcome!'); // 500 first-timers, 25 named
    expect(text).toContain('and 18 more values');
    expect(text).toContain('An extraordinarily long value label &lt;with&gt; …');
    expect(text).not.toContain('<with>');
    // Every story is there, each cut short.
    expect(b.filter((x) => x.text?.text?.includes(' thanked '))).toHaveLength(3);
    expect(text).toContain('…');
  });

  it('the plain-text preview names people by display name', () => {
    const text = digestText(digest());
    expect(text).toContain('Your week in kudos (20–27 November 2026)');
    expect(text).toContain('42 kudos from 17 people to 23 people (up 8 from last week).');
    expect(text).toContain('Most thanked:\n  1. @Person 4, @Person 5 (5)\n  3. @Person 6, @Person 7 (2)');
    expect(text).toContain('First kudos ever: @Person 8, @Person 9. Welcome!');
    expect(digestText(digest({ quiet: true }))).toContain('A quiet week for kudos');
    expect(text).not.toContain('team lines');
    const crossTeam = { teams: 3, pairs: 50, crossing: 17, share: 0.34, previousShare: 0.21, topPair: { a: 'Billing', b: 'Support', count: 12 } };
    expect(digestText(digest({ crossTeam }))).toContain('🤝 34% of kudos crossed team lines this week (last week 21%). Billing and Support thanked each other most (12).');
  });
});
