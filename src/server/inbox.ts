import type { Kysely } from 'kysely';
import type { Clock } from '../core/clock';
import { claimStaleDeliveries, markDelivered, markFailed, storeDelivery } from '../db/queries/inbox';
import type { Database, Platform } from '../db/schema';
import type { Logger } from '../logger';

/**
 * The event inbox, one for both platforms: "acknowledged means durable". A delivery (a Slack Events API
 * envelope, a Teams activity) is stored, unique on its delivery id, before the platform is answered; then it
 * is processed, and marked processed or failed (with a backoff). A re-delivery of a stored id is a no-op, and
 * the sweep processes what a crash or a failure left unfinished (at start and every minute).
 */
export class Inbox {
  constructor(
    private readonly opts: {
      db: Kysely<Database>;
      clock: Clock;
      logger: Logger;
      platform: Platform;
    },
  ) {}

  /**
   * Stores a delivery before it is acknowledged: its inbox id, or undefined when it was stored before (a
   * re-delivery). Throws when it could not be stored: then it must not be acknowledged, so the platform retries.
   */
  async store(deliveryId: string, workspaceId: number | null, body: unknown): Promise<number | undefined> {
    const row = await storeDelivery(this.opts.db, { platform: this.opts.platform, deliveryId, workspaceId, body, now: this.opts.clock() });
    return row?.id;
  }

  /** Processes a stored delivery and marks it; false when processing failed (it stays to be tried again). */
  async process(id: number, work: () => Promise<void>): Promise<boolean> {
    try {
      await work();
    } catch (err) {
      this.opts.logger.error({ err, platform: this.opts.platform, id }, 'processing a stored delivery failed; it will be tried again');
      await markFailed(this.opts.db, id, err instanceof Error ? err.message : String(err), this.opts.clock()).catch(() => undefined);
      return false;
    }
    await markDelivered(this.opts.db, { id, now: this.opts.clock() });
    return true;
  }

  /** Processes deliveries left unfinished (lease run out, or failed and due again), claimed so replicas never share one. */
  async sweep(work: (body: unknown) => Promise<void>, limit = 100): Promise<number> {
    const rows = await claimStaleDeliveries(this.opts.db, this.opts.platform, this.opts.clock(), limit);
    for (const row of rows) await this.process(row.id, () => work(row.body));
    if (rows.length) this.opts.logger.info({ platform: this.opts.platform, count: rows.length }, 'processed deliveries left unfinished');
    return rows.length;
  }
}
