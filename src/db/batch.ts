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

/**
 * A per-database batcher for writes that must not fail together: `many` takes a batch in one round trip and
 * one transaction; should it fail, each input is tried again in a batch of its own, so one bad input fails
 * only its own caller. (When a batch's transaction fails, none of its writes happened.)
 */
export function batchedOrAlone<I, O>(
  many: (db: Kysely<Database>, inputs: I[]) => Promise<O[]>,
  opts: { max?: number } = {},
): (db: Kysely<Database>, input: I) => Promise<O> {
  const alone = (db: Kysely<Database>, input: I): Promise<O | Error> => many(db, [input]).then(([o]) => o, asError);
  const run = perDatabase((db) =>
    batched<I, O | Error>(async (inputs) => {
      if (inputs.length === 1) return [await alone(db, inputs[0])];
      try {
        return await many(db, inputs);
      } catch {
        return Promise.all(inputs.map((input) => alone(db, input)));
      }
    }, opts),
  );
  return (db, input) =>
    run(db, input).then((r) => {
      if (r instanceof Error) throw r;
      return r;
    });
}

/**
 * A batch function's rows, each carrying the position (`idx`) of the input it answers, put back in the
 * inputs' order. An input without its row is an error: its write cannot be said to have happened.
 */
export function inInputOrder<R extends { idx: number }, O>(rows: R[], count: number, outcome: (row: R) => O): O[] {
  const byIdx = new Map(rows.map((r) => [Number(r.idx), r]));
  return Array.from({ length: count }, (_, i) => {
    const row = byIdx.get(i);
    if (!row) throw new Error(`batch item ${i} of ${count} got no answer`);
    return outcome(row);
  });
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
