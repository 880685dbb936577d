import type { Logger } from '../logger';

/**
 * Work that continues after a request has been answered (posting a kudos after the ack, processing a stored
 * event). Tracked so that shutdown can drain it and tests can await it instead of sleeping.
 *
 * Work may run in a *lane* with a concurrency limit. A burst of requests then queues its follow-up work
 * instead of taking every database connection and Slack call at once, so acknowledgements (which Slack
 * waits for) stay fast, and posting stays within what Slack accepts.
 */
/**
 * Stored platform events are processed sixteen at a time (those that reach the database together share its
 * round trips); kudos posts and DMs go out four at a time (Slack accepts about one message per second per
 * channel anyway).
 */
export const DEFAULT_LANES: Readonly<Record<string, number>> = Object.freeze({ events: 16, delivery: 4 });

export interface RunOptions {
  /**
   * Called instead of the work when the process stops before the work could start (its lane was still full
   * when the drain time ran out): hands the work back to its durable queue, so the next process does it soon.
   */
  abandon?: () => Promise<unknown>;
}

export class Background {
  private readonly pending = new Set<Promise<void>>();
  private readonly abandoned = new Set<Promise<unknown>>();
  private stopping = false;
  private handedBack = 0;
  private waiters: Array<() => void> = [];
  private readonly lanes = new Map<string, { limit: number; active: number; queue: Array<() => void> }>();

  constructor(
    private readonly logger: Logger,
    lanes: Readonly<Record<string, number>> = DEFAULT_LANES,
  ) {
    for (const [name, limit] of Object.entries(lanes)) this.lanes.set(name, { limit: Math.max(1, limit), active: 0, queue: [] });
  }

  run(label: string, work: () => Promise<unknown>, lane?: string, opts: RunOptions = {}): void {
    const l = lane ? this.lanes.get(lane) : undefined;
    // Work starts after the current I/O callbacks, so an answer the caller is about to send goes out first.
    const start = new Promise<void>((resolve) => setImmediate(resolve)).then(() => (l ? this.slot(l) : undefined));
    const p: Promise<void> = start
      .then(() => (this.stopping ? this.giveBack(label, opts.abandon) : work()))
      .then(
        () => undefined,
        (err: unknown) => {
          this.logger.error({ err, task: label }, 'background task failed');
        },
      )
      .finally(() => {
        if (l) this.release(l);
        this.pending.delete(p);
        if (this.pending.size === 0) {
          const ws = this.waiters;
          this.waiters = [];
          for (const w of ws) w();
        }
      });
    this.pending.add(p);
  }

  get size(): number {
    return this.pending.size;
  }

  /** Resolves once nothing is pending (including work started by pending work). */
  idle(): Promise<void> {
    if (this.pending.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Waits for pending work up to `timeoutMs`; true when everything finished. */
  async drain(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const done = await Promise.race([this.idle().then(() => true as const), timeout]);
    clearTimeout(timer);
    return done;
  }

  /**
   * The end of a graceful stop: waits for pending work up to `timeoutMs`; work that has not started by then
   * never starts, and is handed back (`abandon`) to its durable queue for the next process. Work already
   * running is left to finish or fail on its own (what it does is keyed, so the next process can redo it).
   */
  async stop(timeoutMs: number): Promise<void> {
    const finished = await this.drain(timeoutMs);
    this.stopping = true;
    if (finished) return;
    for (const l of this.lanes.values()) {
      // Queued work gets its turn at once, and hands itself back instead of running.
      const queued = l.queue.splice(0);
      l.active += queued.length;
      for (const go of queued) go();
    }
    await new Promise<void>((resolve) => setImmediate(resolve));
    await Promise.allSettled([...this.abandoned]);
    if (this.handedBack) this.logger.info({ handedBack: this.handedBack }, 'work not started before the stop is left to the next start');
  }

  private giveBack(label: string, abandon: (() => Promise<unknown>) | undefined): Promise<unknown> {
    if (!abandon) return Promise.resolve();
    this.handedBack++;
    const p = abandon().catch((err: unknown) => this.logger.warn({ err, task: label }, 'could not hand work back for the next start'));
    this.abandoned.add(p);
    return p.finally(() => this.abandoned.delete(p));
  }

  private slot(l: { limit: number; active: number; queue: Array<() => void> }): Promise<void> {
    if (l.active < l.limit) {
      l.active++;
      return Promise.resolve();
    }
    return new Promise((resolve) => l.queue.push(resolve));
  }

  private release(l: { limit: number; active: number; queue: Array<() => void> }): void {
    const next = l.queue.shift();
    if (next) next();
    else l.active--;
  }
}
