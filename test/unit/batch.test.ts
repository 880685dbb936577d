import { batched } from '../../src/db/batch';

/** A round trip the test finishes by hand: records its inputs, answers when told. */
function manualRun() {
  const trips: Array<{ inputs: number[]; answer: () => void }> = [];
  const run = (inputs: number[]) =>
    new Promise<number[]>((resolve) => {
      trips.push({ inputs, answer: () => resolve(inputs.map((n) => n * 10)) });
    });
  return { trips, run };
}

describe('batched round trips', () => {
  it('sends a lone call at once and coalesces the calls made while it is out', async () => {
    const { trips, run } = manualRun();
    const call = batched(run, { stallMs: 60_000 });
    const first = call(1);
    expect(trips.map((t) => t.inputs)).toEqual([[1]]);
    const rest = [call(2), call(3), call(4)];
    expect(trips).toHaveLength(1);
    trips[0]!.answer();
    expect(await first).toBe(10);
    await Promise.resolve();
    expect(trips.map((t) => t.inputs)).toEqual([[1], [2, 3, 4]]);
    trips[1]!.answer();
    expect(await Promise.all(rest)).toEqual([20, 30, 40]);
  });

  it('does not hold calls behind a round trip that stalled: they go out on their own after stallMs', async () => {
    const { trips, run } = manualRun();
    const call = batched(run, { stallMs: 50 });
    const stuck = call(1); // never answered, like a query on a dead connection
    const behind = call(2);
    const sent = new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (trips.length === 2) {
          clearInterval(check);
          resolve();
        }
      }, 5);
    });
    await sent;
    expect(trips[1]!.inputs).toEqual([2]);
    trips[1]!.answer();
    expect(await behind).toBe(20);
    trips[0]!.answer();
    expect(await stuck).toBe(10);
  });

  it('keeps at most maxParallel round trips out while they stall', async () => {
    const { trips, run } = manualRun();
    const call = batched(run, { stallMs: 10, maxParallel: 2 });
    const calls = [call(1), call(2)];
    await new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (trips.length === 2) {
          clearInterval(check);
          resolve();
        }
      }, 5);
    });
    calls.push(call(3));
    // Well past several stall periods, the third call still waits: two are out.
    await new Promise((r) => setTimeout(r, 60));
    expect(trips).toHaveLength(2);
    trips[0]!.answer();
    await calls[0];
    await Promise.resolve();
    expect(trips.map((t) => t.inputs)).toEqual([[1], [2], [3]]);
    trips[1]!.answer();
    trips[2]!.answer();
    expect(await Promise.all(calls)).toEqual([10, 20, 30]);
  });
});
