import { batchedDmBlocks, kudosPostBlocks, kudosPostText, recipientDmBlocks } from '../../src/slack/blocks/kudos-post';
import { giveModalView, modalErrors } from '../../src/slack/blocks/give-modal';
import { confirmationReply, helpReply, refusalReply, statsReply } from '../../src/slack/blocks/messages';
import { listJoin, messageMrkdwn, truncate } from '../../src/slack/blocks/text';
import type { KudosView, ValueView } from '../../src/core/types';
import { kudosView } from '../helpers/kudos-view';

const kudos = (over: Partial<KudosView> = {}): KudosView =>
  kudosView({
    id: 7,
    message: 'for the <fix> & the docs, with <@UC>',
    createdAt: new Date('2026-03-10T10:00:00Z'),
    channelId: 'C1',
    postChannelId: 'C1',
    postTs: '1.2',
    ...over,
  });

const text = (blocks: unknown) => JSON.stringify(blocks);

describe('Slack text helpers', () => {
  it.each([
    ['plain', 'thanks', 'thanks'],
    ['escapes &, < and > but keeps mentions', 'a < b & c > d <@U1>', 'a &lt; b &amp; c &gt; d <@U1>'],
    ['a literal entity stays literal', '&amp;', '&amp;amp;'],
  ])('messageMrkdwn: %s', (_n, input, out) => {
    expect(messageMrkdwn(input)).toBe(out);
  });

  it('joins names the way people write them', () => {
    expect(listJoin([])).toBe('');
    expect(listJoin(['a'])).toBe('a');
    expect(listJoin(['a', 'b'])).toBe('a and b');
    expect(listJoin(['a', 'b', 'c'])).toBe('a, b and c');
  });

  it('truncates without cutting a mention or an entity in half', () => {
    expect(truncate('hello <@U12345> world', 12)).toBe('hello …');
    expect(truncate('fish &amp; chips', 9)).toBe('fish …');
    expect(truncate('short', 10)).toBe('short');
  });
});

describe('the kudos post', () => {
  it('names giver and recipients, quotes the escaped message and shows value badges', () => {
    const blocks = kudosPostBlocks(kudos());
    expect(blocks[0]).toMatchObject({ type: 'section', block_id: 'kudos:7' });
    expect(text(blocks)).toContain('<@UG> gave kudos to <@UA> and <@UB>');
    expect(text(blocks)).toContain('>for the &lt;fix&gt; &amp; the docs, with <@UC>');
    expect(text(blocks)).toContain(':muscle: *Ownership*');
    expect(blocks.length).toBeLessThanOrEqual(50);
    expect(kudosPostText(kudos())).toContain('<@UG> gave kudos to <@UA> and <@UB>');
  });

  it('shows a withdrawn kudos struck through, with who withdrew it', () => {
    const blocks = kudosPostBlocks(kudos({ revokedAt: new Date(), revokedReason: 'undo' }));
    expect(text(blocks)).toContain('~<@UG> gave kudos to <@UA> and <@UB>~');
    expect(text(blocks)).toContain('Withdrawn by <@UG>');
    expect(text(blocks)).not.toContain('React to this post');
    expect(kudosPostText(kudos({ revokedAt: new Date() }))).toMatch(/^Withdrawn/);
  });

  it('keeps every section under 3,000 characters for the longest message', () => {
    const blocks = kudosPostBlocks(kudos({ message: '<&>'.repeat(340) }));
    for (const b of blocks) if (b.type === 'section' && b.text) expect(b.text.text.length).toBeLessThanOrEqual(3000);
  });

  it('links the original message when there is one, in the recipient DM too', () => {
    const k = kudos({ permalink: 'https://acme.slack.com/archives/C1/p1' });
    expect(text(kudosPostBlocks(k))).toContain('For <https://acme.slack.com/archives/C1/p1|this message>');
    expect(text(recipientDmBlocks(k, '<#C1>'))).toContain('<@UG> just thanked you in <#C1>');
  });

  it('batches many kudos into one DM that ends with "and N more"', () => {
    const many = Array.from({ length: 25 }, (_, i) => kudos({ id: i, source: 'reaction', emoji: 'clap', message: '' }));
    const blocks = batchedDmBlocks(many);
    expect(text(blocks)).toContain('You received 25 kudos!');
    expect(text(blocks)).toContain('…and 5 more.');
    expect(text(blocks)).toContain('appreciated your message with :clap:');
  });
});

describe('the give-kudos modal', () => {
  const values: ValueView[] = Array.from({ length: 120 }, (_, i) => ({ slug: `v${i}`, label: `Value number ${i}`, emoji: 'star' }));

  it('has the fields people fill, within Slack limits, even with 120 values', () => {
    const view = giveModalView({ values, valueRequired: true, minMessageLength: 10, metadata: { channelId: 'C1', source: 'modal' }, where: { kind: 'here', channelId: 'C1' } });
    expect(view.blocks.map((b) => (b as { block_id?: string }).block_id)).toEqual(['recipients', 'values', 'message', 'channel']);
    const valuesBlock = view.blocks[1] as { optional?: boolean; element: { options: unknown[] } };
    expect(valuesBlock.element.options).toHaveLength(100);
    expect(valuesBlock.optional).toBe(false);
    expect((view.title as { text: string }).text.length).toBeLessThanOrEqual(24);
    expect(JSON.parse(view.private_metadata!)).toEqual({ channelId: 'C1', source: 'modal' });
  });

  it('from a message: prefilled author, a link, and no channel choice', () => {
    const view = giveModalView({
      values: [],
      valueRequired: false,
      minMessageLength: 10,
      metadata: { channelId: 'C1', source: 'shortcut', permalink: 'https://x/p1', threadTs: '1.1' },
      where: { kind: 'thread', channelId: 'C1' },
      initialRecipients: ['UA'],
      lockChannel: true,
    });
    expect(view.blocks.map((b) => (b as { block_id?: string }).block_id).filter(Boolean)).toEqual(['recipients', 'message']);
    expect(text(view.blocks)).toContain('For <https://x/p1|this message>. Kudos will be posted in this message\'s thread.');
    expect((view.blocks[1] as { element: { initial_users: string[] } }).element.initial_users).toEqual(['UA']);
  });

  it('with a kudos channel: names it, and offers no channel to choose', () => {
    const view = giveModalView({ values: [], valueRequired: false, minMessageLength: 10, metadata: { channelId: 'C1', source: 'modal' }, where: { kind: 'kudos_channel', channelId: 'CK', linksToMessage: false } });
    expect(view.blocks.map((b) => (b as { block_id?: string }).block_id).filter(Boolean)).toEqual(['recipients', 'message']);
    expect(text(view.blocks)).toContain('Kudos will be posted in <#CK>, where every kudos goes.');
  });

  it('puts each refusal on the field it concerns', () => {
    const errors = modalErrors(
      [{ code: 'self' }, { code: 'message_too_short', min: 10 }, { code: 'unknown_value', unknown: ['x'], values: ['a'] }, { code: 'allowance', left: 0, limit: 5, wanted: 1 }],
      true,
      () => '@someone',
    );
    expect(Object.keys(errors).sort()).toEqual(['message', 'recipients', 'values']);
    expect(errors.recipients).toContain("can't give kudos to yourself");
    expect(errors.recipients).toContain("today's kudos");
  });
});

describe('ephemeral replies', () => {
  it('carry fallback text with their blocks', () => {
    for (const r of [
      refusalReply([{ code: 'self' }]),
      confirmationReply(kudos(), [{ userId: 'UR', code: 'bot' }], { limit: 5, used: 2, left: 3 }),
      helpReply([], null, 0),
      statsReply({ week: { given: 1, received: 2 }, allTime: { given: 3, received: 4 }, allowance: { limit: null, used: 0, left: null } }),
    ]) {
      expect(r.text.length).toBeGreaterThan(0);
      expect(r.blocks.length).toBeGreaterThan(0);
    }
    expect(confirmationReply(kudos(), [{ userId: 'UR', code: 'bot' }], { limit: 5, used: 2, left: 3 }).text).toContain('<@UR> (a bot)');
  });
});
