import { planPost, reportPost, whereFor, type GivenAt, type PublishOutcome } from '../../src/core/publish';

/** Where a kudos goes and how the giver is told it: one decision (planPost) for the form, the post and the confirmation. */
describe('planPost: the place of a kudos and its description', () => {
  const fromMessage: GivenAt = { channelId: 'CGEN', threadTs: '1.1', forMessage: true };

  it.each([
    ['a message, no kudos channel', null, fromMessage, { channelId: 'CGEN', threadTs: '1.1' }, { kind: 'thread', channelId: 'CGEN' }],
    ['a message, a kudos channel', 'CKUDOS', fromMessage, { channelId: 'CKUDOS', threadTs: null }, { kind: 'kudos_channel', channelId: 'CKUDOS', linksToMessage: true }],
    ['a message in the kudos channel itself', 'CGEN', fromMessage, { channelId: 'CGEN', threadTs: '1.1' }, { kind: 'thread', channelId: 'CGEN' }],
    ['the form, no kudos channel', null, { channelId: 'CGEN' }, { channelId: 'CGEN', threadTs: null }, { kind: 'here', channelId: 'CGEN' }],
    ['the form, a kudos channel', 'CKUDOS', { channelId: 'CGEN' }, { channelId: 'CKUDOS', threadTs: null }, { kind: 'kudos_channel', channelId: 'CKUDOS', linksToMessage: false }],
    ['the form opened in the kudos channel', 'CKUDOS', { channelId: 'CKUDOS' }, { channelId: 'CKUDOS', threadTs: null }, { kind: 'kudos_channel', channelId: 'CKUDOS', linksToMessage: false }],
    ['nowhere (the App Home), no kudos channel', null, { channelId: null }, { channelId: null, threadTs: null }, { kind: 'here', channelId: null }],
  ] as const)('%s', (_label, kudosChannel, given, place, where) => {
    expect(planPost({ kudosChannel }, given)).toEqual({ place, where });
  });

  it('a Teams thread (its id carries the thread) reads as the thread', () => {
    const id = '19:abc@thread.tacv2;messageid=42';
    expect(whereFor({ kudosChannel: null }, { channelId: id, threadTs: null }, { channelId: id, threadTs: '42', forMessage: true })).toEqual({ kind: 'thread', channelId: id });
  });
});

describe('reportPost: where it went, against where the giver was told', () => {
  const given: GivenAt = { channelId: 'CGEN', threadTs: '1.1', forMessage: true };
  const settings = { kudosChannel: 'CKUDOS' };
  const told = { kind: 'thread', channelId: 'CGEN' } as const;
  const report = (outcome: PublishOutcome) => reportPost(settings, given, told, outcome);

  it('posted where told', () => {
    expect(report({ status: 'posted', channelId: 'CGEN', ts: '2.2' })).toEqual({ where: told, told, moved: false, ts: '2.2' });
  });

  it('posted elsewhere: moved, and described by the same rule', () => {
    expect(report({ status: 'posted', channelId: 'CKUDOS', ts: '3.3' })).toEqual({
      where: { kind: 'kudos_channel', channelId: 'CKUDOS', linksToMessage: true },
      told,
      moved: true,
      ts: '3.3',
    });
  });

  it('posted another way where told (a response_url): there, without an id', () => {
    expect(report({ status: 'fallback', channelId: 'CGEN', reason: 'not_in_channel' })).toEqual({ where: told, told, moved: false, ts: null });
  });

  it.each<PublishOutcome>([
    { status: 'failed', channelId: 'CGEN', reason: 'is_archived' },
    { status: 'later', channelId: 'CGEN', afterMs: 1000, reason: 'ratelimited' },
    { status: 'unknown', channelId: 'CGEN', reason: 'timeout' },
    { status: 'claimed_elsewhere' },
  ])('not posted ($status): nowhere yet', (outcome) => {
    expect(report(outcome).where).toBeNull();
  });
});
