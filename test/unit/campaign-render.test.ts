import { customerServiceWeekCampaign, customerValueSlug, type CampaignRecap, type CampaignTextPost } from '../../src/core/campaigns';
import { threeNotesProgressText, threeNotesRecapText } from '../../src/core/campaign-copy';
import type { DigestStory } from '../../src/core/digest';
import { blockTextLength } from '../../src/slack/blocks/digest';
import { campaignMessage, copySections } from '../../src/slack/blocks/campaign';
import { campaignCard, campaignSummary } from '../../src/teams/cards/campaign';
import { GIVE_KUDOS_TASK } from '../../src/teams/cards/messages';
import { cardText } from '../helpers/fake-connector';

const person = (n: number, name = `Person ${n}`) => ({ id: n, externalId: `U${n}`, displayName: name });

function prompt(over: Partial<CampaignTextPost> = {}): CampaignTextPost {
  return {
    type: 'daily',
    subject: 'csw-2026',
    summary: 'Customer Service Week, day 1: Thank someone on your team',
    text: '*Customer Service Week, day 1: Thank someone on your team*\nStart close to home.',
    giveButton: true,
    ...over,
  };
}

function story(n: number, message: string): DigestStory {
  return {
    kudosId: n,
    giver: person(n),
    recipients: [person(100 + n)],
    message,
    values: [{ slug: 'empathy', label: 'Empathy', emoji: 'heart' }],
    pileOns: n % 2,
    permalink: null,
    postChannelId: null,
    postTs: null,
    createdAt: new Date('2026-10-06T12:00:00Z'),
  };
}

function recap(over: Partial<CampaignRecap> = {}): CampaignRecap {
  return {
    campaign: customerServiceWeekCampaign(2026, 'UTC'),
    totals: { kudos: 40, givers: 12, recipients: 20, participants: 25, knownPeople: 50 },
    participation: { participants: 25, known: 50, percent: 50 },
    values: [
      { slug: 'empathy', label: 'Empathy', emoji: 'heart', count: 12 },
      { slug: 'customer-love', label: 'Customer love', emoji: 'star-struck', count: 5 },
    ],
    stories: [story(1, 'for talking <@U101> through the outage'), story(2, 'for the handover notes')],
    challenge: { completed: 3, named: [person(1, 'Gina'), person(2, 'Alice')] },
    quiet: false,
    ...over,
  };
}

const actionsOf = (blocks: any[]) => blocks.filter((b) => b.type === 'actions').flatMap((b) => b.elements.map((e: any) => e.action_id));

describe('campaign posts in Slack', () => {
  it('renders the copy as sections with a Give kudos button that opens the kudos form', () => {
    const m = campaignMessage(prompt());
    expect(m.text).toBe('Customer Service Week, day 1: Thank someone on your team');
    expect(m.blocks[0]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: '*Customer Service Week, day 1: Thank someone on your team*\nStart close to home.' } });
    expect(actionsOf(m.blocks)).toEqual(['open_give_modal']);
  });

  it('leaves the button out when the post has none (the announcement)', () => {
    expect(actionsOf(campaignMessage({ ...prompt(), giveButton: false }).blocks)).toEqual([]);
  });

  it("escapes an admin's prompt, so a typed <!channel> or link markup is only text", () => {
    const m = campaignMessage(prompt({ type: 'reminder', text: '*Founders\' Day*\nThank <!channel> & <https://evil.example|this>' }));
    expect(m.blocks[0]).toMatchObject({ text: { text: "*Founders' Day*\nThank &lt;!channel&gt; &amp; &lt;https://evil.example|this&gt;" } });
  });

  it('keeps even a long prompt within Slack limits', () => {
    const long = Array.from({ length: 40 }, (_, i) => `Paragraph ${i} ${'x'.repeat(900)}`).join('\n\n');
    const blocks = copySections(long);
    expect(blocks.length).toBeLessThanOrEqual(8);
    for (const b of blocks as any[]) expect(b.text.text.length).toBeLessThanOrEqual(3000);
  });

  it('renders the recap: totals, participation, values, challenge (named people mentioned), stories, and the button', () => {
    const m = campaignMessage({ type: 'recap', subject: 'csw-2026', summary: 'x', recap: recap(), giveButton: true });
    const all = JSON.stringify(m.blocks);
    expect(m.text).toContain("That's a wrap on Customer Service Week 2026!");
    expect(all).toContain('*40 kudos* from *12 people* to *20 people*');
    expect(all).toContain('*25 of 50* people took part (50%)');
    expect(all).toContain(':heart: Empathy  *12*');
    // Three finished; the one who opted out is counted but not named.
    expect(all).toContain('3 people thanked three different people: <@U1>, <@U2> and 1 more. Thank you!');
    expect(all).toContain('>for talking <@U101> through the outage');
    expect(actionsOf(m.blocks)).toEqual(['open_give_modal']);
    expect(blockTextLength(m.blocks)).toBeLessThan(9000);
  });

  it('keeps a recap with long lists within limits', () => {
    const many = recap({
      values: Array.from({ length: 40 }, (_, i) => ({ slug: `v${i}`, label: 'L'.repeat(200), emoji: 'star', count: 40 - i })),
      challenge: { completed: 500, named: Array.from({ length: 400 }, (_, i) => person(i, 'N'.repeat(80))) },
      stories: [1, 2, 3].map((n) => story(n, 'S'.repeat(5000))),
    });
    const m = campaignMessage({ type: 'recap', subject: 'csw-2026', summary: 'x', recap: many, giveButton: true });
    expect(m.blocks.length).toBeLessThanOrEqual(50);
    for (const b of m.blocks as any[]) if (b.text) expect(b.text.text.length).toBeLessThanOrEqual(3000);
    expect(JSON.stringify(m.blocks)).toContain('and 475 more');
    expect(blockTextLength(m.blocks)).toBeLessThan(12000);
  });

  it('a quiet week gets a short recap that invites thanks', () => {
    const m = campaignMessage({ type: 'recap', subject: 'csw-2026', summary: 'x', recap: recap({ quiet: true }), giveButton: true });
    expect(JSON.stringify(m.blocks)).toContain('quiet week for kudos');
    expect(actionsOf(m.blocks)).toEqual(['open_give_modal']);
  });
});

describe('campaign posts in Teams', () => {
  it('renders an Adaptive Card 1.5 whose Give kudos button opens the kudos form', () => {
    const card = campaignCard(prompt());
    expect(card).toMatchObject({ type: 'AdaptiveCard', version: '1.5' });
    expect(card.actions).toEqual([{ type: 'Action.Submit', title: 'Give kudos', data: { msteams: { type: 'task/fetch' }, kudosTask: GIVE_KUDOS_TASK } }]);
    // Slack-style *bold* becomes card markdown; each line is its own TextBlock.
    expect(card.body.map((b) => b.text)).toEqual(['**Customer Service Week, day 1: Thank someone on your team**', 'Start close to home.']);
    expect(campaignSummary(prompt())).toBe('Customer Service Week, day 1: Thank someone on your team');
  });

  it("has no button on the announcement, and a typed <at> in an admin's prompt cannot mention anyone", () => {
    expect(campaignCard({ ...prompt(), giveButton: false }).actions).toBeUndefined();
    const card = campaignCard(prompt({ type: 'reminder', text: "*Founders' Day*\nThank <at>Everyone</at>" }));
    expect(cardText(card)).not.toContain('<at>');
    expect(card.msteams?.entities).toBeUndefined();
  });

  it('renders the recap with names in bold (not mentions), values as facts, stories and the button', () => {
    const card = campaignCard({ type: 'recap', subject: 'csw-2026', summary: 'x', recap: recap(), giveButton: true });
    const t = cardText(card);
    expect(t).toContain("**That's a wrap on Customer Service Week 2026!**");
    expect(t).toContain('**40 kudos** from **12 people** to **20 people**');
    expect(t).toContain('**The three-notes challenge:** 3 people thanked three different people: **Gina**, **Alice** and 1 more. Thank you!');
    expect(t).toContain('❤️ Empathy');
    expect(t).toContain('_for talking **Person 101** through the outage_');
    expect(card.actions?.[0]).toMatchObject({ type: 'Action.Submit', data: { kudosTask: GIVE_KUDOS_TASK } });
    expect(JSON.stringify(card).length).toBeLessThan(28_000);
  });
});

describe('challenge and recap wording', () => {
  it.each([
    [0, '*Three-notes challenge:* 0 of 3 people thanked this week. 3 more to go.'],
    [2, '*Three-notes challenge:* 2 of 3 people thanked this week. One more to go.'],
    [3, "*Three-notes challenge:* done! You've thanked 3 different people this week. Thank you."],
  ])('progress %i', (n, text) => {
    expect(threeNotesProgressText(n)).toBe(text);
  });

  it('names who finished, counts who may not be named, and says nothing unkind when nobody finished', () => {
    expect(threeNotesRecapText(1, ['Gina'])).toBe('*The three-notes challenge:* 1 person thanked three different people: Gina. Thank you!');
    expect(threeNotesRecapText(2, [])).toBe('*The three-notes challenge:* 2 people thanked three different people. Thank you!');
    expect(threeNotesRecapText(4, ['A', 'B', 'C'])).toBe('*The three-notes challenge:* 4 people thanked three different people: A, B, C and 1 more. Thank you!');
    expect(threeNotesRecapText(0, [])).toMatch(/nobody wrote all three notes this time, and every note that was written still counted/);
  });

  it("finds the workspace's customer value for Thursday's prompt", () => {
    expect(customerValueSlug([{ slug: 'empathy', active: true }, { slug: 'customer-love', active: true }])).toBe('customer-love');
    expect(customerValueSlug([{ slug: 'customer-love', active: false }])).toBeNull();
    expect(customerValueSlug([{ slug: 'empathy', active: true }])).toBeNull();
  });
});
