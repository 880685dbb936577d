import type { Kysely } from 'kysely';
import type { Database } from './schema';

/**
 * Coalesces calls into round trips: a call made while a round trip is on its way waits for it and goes out,
 * with every other call made meanwhile, in the next one. Alone, a call goes at once; under load, many share
 * one statement. (Each round trip costs more than the work of the rows in it.)
 *
 * `run` receives the batch's inputs and returns one output per input, in order. `canJoin` keeps two inputs
 * out of one batch when a single statement cannot take both (e.g. two upserts of the same key); the second
 * simply goes in the next round trip.
 */
export function batched<I, O>(
  run: (inputs: I[]) => Promise<O[]>,
  opts: { max?: number; canJoin?: (batch: I[], next: I) => boolean } = {},
): (input: I) => Promise<O> {
  const max = opts.max ?? 100;
  let waiting: Array<{ input: I; done: (o: O) => void; fail: (e: unknown) => void }> = [];
  let running = false;
  const flush = async (): Promise<void> => {
    running = true;
    while (waiting.length) {
      const batch: typeof waiting = [];
      const later: typeof waiting = [];
      for (const w of waiting) {
        if (batch.length < max && (!opts.canJoin || opts.canJoin(batch.map((b) => b.input), w.input))) batch.push(w);
        else later.push(w);
      }
      waiting = later;
      try {
        const out = await run(batch.map((b) => b.input));
        batch.forEach((b, i) => b.done(out[i]));
      } catch (err) {
        for (const b of batch) b.fail(err);
      }
    }
    running = false;
  };
  return (input) =>
    new Promise<O>((done, fail) => {
      waiting.push({ input, done, fail });
      if (!running) void flush();
    });
}

/**
 * One batcher per database handle (a transaction is a handle of its own, so its calls never mix with
 * others'), created on first use.
 */
export function perDatabase<I, O>(make: (db: Kysely<Database>) => (input: I) => Promise<O>): (db: Kysely<Database>, input: I) => Promise<O> {
  const byDb = new WeakMap<Kysely<Database>, (input: I) => Promise<O>>();
  return (db, input) => {
    let f = byDb.get(db);
    if (!f) {
      f = make(db);
      byDb.set(db, f);
    }
    return f(input);
  };
}
