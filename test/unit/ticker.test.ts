import { startTicker, type TickOutcome } from '../../src/jobs/schedule';
import { createLogger } from '../../src/logger';

/**
 * The minute ticker wakes early for a run left for later inside the coming minute (Slack's Retry-After), on
 * jest's fake clock: ten seconds past a whole minute, so the cron minute is 50 s away throughout.
 */
describe('the job ticker', () => {
  const ticks: number[] = [];
  let retryIn: number[] = [];
  const start = () =>
    startTicker(
      async (now): Promise<TickOutcome> => {
        ticks.push(now.getTime());
        const ms = retryIn.shift();
        return ms === undefined ? {} : { nextAttemptAt: new Date(now.getTime() + ms) };
      },
      { clock: () => new Date(), logger: createLogger('silent') },
    );

  beforeEach(() => {
    jest.useFakeTimers({ now: new Date('2026-12-07T10:00:10Z') });
    ticks.length = 0;
    retryIn = [];
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('ticks again when a run left for later becomes due, without waiting for the next minute', async () => {
    const ticker = start();
    retryIn = [300];
    await ticker.tickNow();
    await jest.advanceTimersByTimeAsync(299);
    expect(ticks).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(100);
    expect(ticks).toHaveLength(2);
    expect(ticks[1] - ticks[0]).toBeGreaterThanOrEqual(300);
    // Nothing left for later this time: no more ticks before the minute.
    await jest.advanceTimersByTimeAsync(30_000);
    expect(ticks).toHaveLength(2);
    await ticker.stop();
  });

  it('leaves a retry beyond the coming minute to the minute tick, and wakes no more once stopped', async () => {
    const ticker = start();
    retryIn = [90_000, 200];
    await ticker.tickNow();
    await jest.advanceTimersByTimeAsync(1_000);
    expect(ticks).toHaveLength(1);
    await ticker.tickNow(); // 200 ms ahead: a wake-up is set…
    await ticker.stop(); // …and cleared by the stop
    await jest.advanceTimersByTimeAsync(120_000);
    expect(ticks).toHaveLength(2);
  });
});
