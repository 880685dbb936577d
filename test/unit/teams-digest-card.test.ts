import type { DigestData, DigestPerson, RankedPerson } from '../../src/core/digest';
import { DIGEST_CARD_LIMITS, digestCard, digestSummary } from '../../src/teams/cards/digest';

const person = (i: number): DigestPerson => ({ id: i, externalId: `29:1p${i}`, displayName: `Person ${i}` });
const ranked = (i: number, count: number, rank: number): RankedPerson => ({ ...person(i), count, rank });

function digest(over: Partial<DigestData> = {}): DigestData {
  return {
    workspaceId: 1,
    period: {
      key: '2026-W48',
      start: new Date('2026-11-20T15:00:00Z'),
      end: new Date('2026-11-27T15:00:00Z'),
      previousStart: new Date('2026-11-13T15:00:00Z'),
      timeZone: 'UTC',
      startDay: '2026-11-20',
      endDay: '2026-11-27',
    },
    totals: { kudos: 42, givers: 17, recipients: 23, participants: 31, knownPeople: 60 },
    previous: { kudos: 34, givers: 15, recipients: 20, participants: 28 },
    topCount: 3,
    topGivers: { entries: [ranked(1, 6, 1), ranked(2, 4, 2)], more: 0 },
    topRecipients: { entries: [ranked(4, 5, 1), ranked(5, 5, 1), ranked(6, 2, 3)], more: 0 },
    values: [{ slug: 'ownership', label: 'Ownership', emoji: 'muscle', count: 12 }],
    topValues: [{ slug: 'ownership', label: 'Ownership', emoji: 'muscle', count: 12 }],
    stories: [
      {
        kudosId: 1,
        giver: person(1),
        recipients: [person(4), person(5)],
        message: 'for helping <@29:1p5> untangle the refund backlog <at>Boss</at>',
        values: [{ slug: 'ownership', label: 'Ownership', emoji: 'muscle' }],
        pileOns: 3,
        permalink: null,
        postChannelId: '19:c@thread.tacv2',
        postTs: '1700000000001',
        createdAt: new Date('2026-11-24T10:00:00Z'),
      },
    ],
    firstTimers: { people: [person(8)], total: 1 },
    quiet: false,
    ...over,
  };
}

const text = (card: unknown) => JSON.stringify(card);

describe('Teams digest card', () => {
  it('has the totals, ties on one line, values, stories with names (not mentions) and first-timers', () => {
    const card = digestCard(digest());
    expect(card.version).toBe('1.5');
    const t = text(card);
    expect(t).toContain('**42 kudos** from **17 people** to **23 people**, up 8 from last week');
    expect(t).toContain('1. **Person 4**, **Person 5** (5)');
    expect(t).toContain('💪 Ownership');
    expect(t).toContain('for helping **Person 5** untangle the refund backlog ‹at>Boss');
    expect(t).toContain('3 more thank-yous');
    expect(t).toContain('First kudos ever** for **Person 8**');
    expect(card.msteams?.entities).toBeUndefined();
    expect(digestSummary(digest())).toContain('42 kudos from 17 people to 23 people');
  });

  it('a quiet week is a short nudge with the Give kudos button', () => {
    const card = digestCard(digest({ quiet: true }));
    expect(text(card)).toContain('A quiet week for kudos');
    expect(card.actions).toEqual([expect.objectContaining({ type: 'Action.Submit', data: expect.objectContaining({ msteams: { type: 'task/fetch' } }) })]);
  });

  it('stays small whatever the week held: long lists are cut with "and N more"', () => {
    const many = Array.from({ length: 25 }, (_, i) => ranked(i, 1, 1));
    const long = 'x'.repeat(5000);
    const card = digestCard(
      digest({
        topGivers: { entries: many, more: 40 },
        firstTimers: { people: Array.from({ length: 50 }, (_, i) => person(i)), total: 200 },
        stories: digest().stories.map((s) => ({ ...s, message: long })),
      }),
    );
    const t = text(card);
    expect(t).toContain(`and ${25 - DIGEST_CARD_LIMITS.rankingNames + 40} more`);
    expect(t).toContain(`and ${200 - DIGEST_CARD_LIMITS.firstTimerNames} more`);
    expect(t).not.toContain('x'.repeat(DIGEST_CARD_LIMITS.storyMessage));
    expect(Buffer.byteLength(t)).toBeLessThan(20_000);
  });
});
