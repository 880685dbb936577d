import type { Kysely } from 'kysely';
import type { Database } from './schema';

/**
 * Coalesces calls into round trips: a call made while a round trip is on its way waits for it and goes out,
 * with every other call made meanwhile, in the next one. Alone, a call goes at once; under load, many share
 * one statement. (Each round trip costs more than the work of the rows in it.)
 *
 * A round trip that has not come back within `stallMs` (a dead connection, a lock) does not hold the calls
 * behind it: they go out in a round trip of their own, on another connection, up to `maxParallel` at once.
 *
 * `run` receives the batch's inputs and returns one output per input, in order. `canJoin` keeps two inputs
 * out of one batch when a single statement cannot take both (e.g. two upserts of the same key); the second
 * simply goes in the next round trip.
 */
export function batched<I, O>(
  run: (inputs: I[]) => Promise<O[]>,
  opts: { max?: number; canJoin?: (batch: I[], next: I) => boolean; retry?: boolean; stallMs?: number; maxParallel?: number } = {},
): (input: I) => Promise<O> {
  const max = opts.max ?? 100;
  const stallMs = opts.stallMs ?? STALL_MS;
  const maxParallel = opts.maxParallel ?? 4;
  const attempt = opts.retry ? (inputs: I[]) => retryOnConnectionLoss(() => run(inputs)) : run;
  type Waiting = { input: I; done: (o: O) => void; fail: (e: unknown) => void };
  let waiting: Waiting[] = [];
  let inFlight = 0;
  let lastSent = 0;
  let stallTimer: NodeJS.Timeout | undefined;
  const takeBatch = (): Waiting[] => {
    const batch: Waiting[] = [];
    const later: Waiting[] = [];
    for (const w of waiting) {
      if (batch.length < max && (!opts.canJoin || opts.canJoin(batch.map((b) => b.input), w.input))) batch.push(w);
      else later.push(w);
    }
    waiting = later;
    return batch;
  };
  const send = (batch: Waiting[]): void => {
    inFlight++;
    lastSent = Date.now();
    attempt(batch.map((b) => b.input)).then(
      (out) => batch.forEach((b, i) => b.done(out[i])),
      (err: unknown) => batch.forEach((b) => b.fail(err)),
    ).finally(() => {
      inFlight--;
      pump();
    });
  };
  const pump = (): void => {
    if (!waiting.length) return;
    if (inFlight === 0) return send(takeBatch());
    // Something is on its way: wait for it, unless it has stalled.
    const stalledFor = Date.now() - lastSent;
    if (stalledFor >= stallMs && inFlight < maxParallel) return send(takeBatch());
    if (!stallTimer) {
      stallTimer = setTimeout(() => {
        stallTimer = undefined;
        pump();
      }, Math.max(stallMs - stalledFor, 1));
      stallTimer.unref();
    }
  };
  return (input) =>
    new Promise<O>((done, fail) => {
      waiting.push({ input, done, fail });
      pump();
    });
}

/** How long a round trip may be out before the calls waiting behind it go in one of their own. */
export const STALL_MS = 1_000;

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
  write: (db: Kysely<Database>, inputs: I[]) => Promise<O[]>,
  opts: { max?: number; retry?: boolean } = {},
): (db: Kysely<Database>, input: I) => Promise<O> {
  const many = opts.retry ? (db: Kysely<Database>, inputs: I[]) => retryOnConnectionLoss(() => write(db, inputs)) : write;
  const alone = (db: Kysely<Database>, input: I): Promise<O | Error> => many(db, [input]).then(([o]) => o, asError);
  const run = perDatabase((db) =>
    batched<I, O | Error>(async (inputs) => {
      if (inputs.length === 1) return [await alone(db, inputs[0])];
      try {
        return await many(db, inputs);
      } catch {
        return Promise.all(inputs.map((input) => alone(db, input)));
      }
    }, { max: opts.max }),
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

/**
 * Connection-level failures (the server restarted, a pooled connection was cut, or it gave no answer in time
 * and was destroyed) are safe to retry for work that is keyed for idempotency: the retry either lands once or
 * finds the first attempt's row. Batchers of such work pass `retry: true`, so callers never see a connection
 * that dropped once.
 */
const CONNECTION_CODES = new Set(['KUDOS_QUERY_TIMEOUT', '57P01', '57P02', '57P03', '08000', '08003', '08006', '08001', '08004', 'ECONNRESET', 'ECONNREFUSED', 'EPIPE']);

export function isConnectionError(err: unknown): boolean {
  const e = err as { code?: string; message?: string } | undefined;
  if (!e) return false;
  if (e.code && CONNECTION_CODES.has(e.code)) return true;
  return /Connection terminated|connection is closed|Client has encountered a connection error|terminating connection/i.test(e.message ?? '');
}

export async function retryOnConnectionLoss<T>(work: () => Promise<T>, attempts = 3): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await work();
    } catch (err) {
      if (i >= attempts || !isConnectionError(err)) throw err;
    }
  }
}
