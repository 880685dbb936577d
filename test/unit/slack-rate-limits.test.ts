import { createLogger } from '../../src/logger';
import { rateLimitTier, SlackApi, SlackCallError } from '../../src/slack/api';
import { SlackJobPoster } from '../../src/slack/job-poster';
import { JobPostError } from '../../src/jobs/ports';
import type { WorkspaceRow } from '../../src/db/schema';
import { FakeSlack } from '../helpers/fake-slack';

/**
 * Slack's rate limits are per token and per method tier: a Retry-After given back to a caller pauses that tier
 * for that workspace's client only, and a scheduled post hands a long Retry-After back instead of waiting.
 */
describe('rate limits per workspace and tier', () => {
  let fake: FakeSlack;
  let now = 1_800_000_000_000;
  const sleeps: number[] = [];
  const client = (token: string) =>
    new SlackApi({ token, apiUrl: fake.apiUrl, logger: createLogger('silent'), now: () => now, sleep: async (ms) => void sleeps.push(ms) });

  beforeAll(async () => {
    fake = await new FakeSlack().start();
  });
  afterAll(() => fake.stop());
  beforeEach(() => {
    fake.reset();
    sleeps.length = 0;
  });

  it('knows the tiers of the methods Kudos calls', () => {
    expect(rateLimitTier('users.info')).toBe('tier4');
    expect(rateLimitTier('conversations.history')).toBe('tier3');
    expect(rateLimitTier('chat.postMessage')).toBe('special:chat.postMessage');
  });

  it('pauses the tier for that workspace only, until Retry-After has passed on the clock', async () => {
    const a = client('xoxb-a');
    const b = client('xoxb-b');
    fake.fail('chat.update', { status: 429, retryAfter: 30 });
    await expect(a.call('chat.update', { channel: 'C1', ts: '1.2' }, { waitOnRateLimit: false })).rejects.toMatchObject({ code: 'ratelimited', retryAfterSec: 30 });
    expect(fake.callsTo('chat.update')).toHaveLength(1);

    // The same tier of the same workspace is answered at once, without asking Slack again.
    const paused = a.call('conversations.join', { channel: 'C1' }, { waitOnRateLimit: false });
    await expect(paused).rejects.toBeInstanceOf(SlackCallError);
    await expect(paused).rejects.toMatchObject({ code: 'ratelimited' });
    expect(fake.callsTo('conversations.join')).toHaveLength(0);
    // Another tier of that workspace, and the same tier of another workspace, go on.
    await a.call('users.info', { user: 'U1' }).catch(() => undefined);
    await b.call('chat.update', { channel: 'C1', ts: '1.2' }, { waitOnRateLimit: false });
    expect(fake.callsTo('users.info')).toHaveLength(1);
    expect(fake.callsTo('chat.update')).toHaveLength(2);

    now += 31_000;
    await a.call('conversations.join', { channel: 'C1' }, { waitOnRateLimit: false });
    expect(fake.callsTo('conversations.join')).toHaveLength(1);
    expect(sleeps).toEqual([]);
    await Promise.all([a.close(), b.close()]);
  });

  it('a scheduled post waits out a short Retry-After and hands a long one back to the scheduler', async () => {
    const api = client('xoxb-a');
    const ws = { id: 1 } as WorkspaceRow;
    const poster = SlackJobPoster.forOne(api, ws, createLogger('silent'));
    const digest = { kind: 'campaign' as const, post: { type: 'reminder' as const, subject: 'csw-2026', summary: 'A reminder', text: 'Thank someone today.', giveButton: false } };

    fake.fail('chat.postMessage', { status: 429, retryAfter: 3 });
    expect(await poster.post(ws, 'C1', digest, 1)).toMatch(/^\d+\.\d+$/);
    expect(sleeps).toEqual([3000]);
    expect(fake.callsTo('chat.postMessage')).toHaveLength(2);

    fake.fail('chat.postMessage', { status: 429, retryAfter: 30 });
    const handedBack = await poster.post(ws, 'C1', digest, 2).catch((e: unknown) => e);
    expect(handedBack).toBeInstanceOf(JobPostError);
    expect(handedBack).toMatchObject({ code: 'ratelimited', opts: { retryAfterSec: 30, permanent: false } });
    expect(sleeps).toEqual([3000]);
    await api.close();
  });
});
