import { sql, type Kysely } from 'kysely';
import { batched, perDatabase } from '../batch';
import type { Database, EventInboxRow, Platform } from '../schema';

/** How long a fresh delivery is leased to the request that received it before a sweeper may take it. */
export const INBOX_LEASE_MS = 2 * 60_000;
/** After this many failed attempts an event is left for an operator (last_error says why). */
export const INBOX_MAX_ATTEMPTS = 8;

export interface NewDelivery {
  platform: Platform;
  deliveryId: string;
  workspaceId: number | null;
  body: unknown;
  now: Date;
}

/**
 * Stores a delivery before it is acknowledged. Returns the new row's id, or undefined when this delivery id
 * was stored before (a platform retry): the inbox is also the delivery-level dedupe. Deliveries arriving
 * together are stored in one statement; of two copies of one delivery in it, the first is the new one.
 */
export const storeDelivery = perDatabase((db) =>
  batched<NewDelivery, { id: number } | undefined>(async (items) => {
    const col = <T>(f: (d: NewDelivery) => T) => items.map(f);
    const { rows } = await sql<{ id: number; platform: string; delivery_id: string }>`
      insert into event_inbox (platform, delivery_id, workspace_id, body, received_at, locked_until)
      select * from unnest(
        ${col((d) => d.platform)}::text[], ${col((d) => d.deliveryId)}::text[], ${col((d) => d.workspaceId)}::int[],
        ${col((d) => JSON.stringify(d.body))}::jsonb[], ${col((d) => d.now)}::timestamptz[],
        ${col((d) => new Date(d.now.getTime() + INBOX_LEASE_MS))}::timestamptz[])
      on conflict (platform, delivery_id) do nothing
      returning id, platform, delivery_id
    `.execute(db);
    const fresh = new Map(rows.map((r) => [`${r.platform}:${r.delivery_id}`, r.id]));
    return items.map((a) => {
      const key = `${a.platform}:${a.deliveryId}`;
      const id = fresh.get(key);
      fresh.delete(key); // a second copy in the same batch is a re-delivery
      return id === undefined ? undefined : { id };
    });
  }),
);

export async function markFailed(db: Kysely<Database>, id: number, error: string, now: Date): Promise<void> {
  await db
    .updateTable('event_inbox')
    .set((eb) => ({
      attempts: eb('attempts', '+', 1),
      last_error: error.slice(0, 500),
      // Back off: 30 s, 1 min, 2 min, … up to an hour.
      locked_until: sql<Date>`${now}::timestamptz + least(interval '1 hour', interval '30 seconds' * power(2, event_inbox.attempts))`,
    }))
    .where('id', '=', id)
    .execute();
}

/**
 * Claims up to `limit` deliveries whose lease has run out (left behind by a crash or a failure) for this
 * process, so that several replicas sweeping at once never take the same row.
 */
export async function claimStaleDeliveries(db: Kysely<Database>, platform: Platform, now: Date, limit: number): Promise<EventInboxRow[]> {
  return db
    .updateTable('event_inbox')
    .set({ locked_until: new Date(now.getTime() + INBOX_LEASE_MS) })
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('event_inbox')
        .select('id')
        .where('platform', '=', platform)
        .where('processed_at', 'is', null)
        .where('attempts', '<', INBOX_MAX_ATTEMPTS)
        .where((w) => w.or([w('locked_until', 'is', null), w('locked_until', '<', now)]))
        .orderBy('received_at')
        .limit(limit)
        .forUpdate()
        .skipLocked(),
    )
    .returningAll()
    .execute();
}

/**
 * Marks a delivery processed; deliveries finished together are marked in one round trip (the
 * `inbox_mark_processed` function, src/db/ledger/inbox_mark_processed.sql). The commit does not wait for the
 * disk: a mark lost to a server stop only means the sweeper processes that event again, which changes nothing.
 */
export const markDelivered = perDatabase((db) =>
  batched<{ id: number; now: Date }, void>(async (items) => {
    const deliveries = items.map((i) => ({ id: i.id, at: i.now.toISOString() }));
    await sql`select inbox_mark_processed(${JSON.stringify(deliveries)}::jsonb)`.execute(db);
    return items.map(() => undefined);
  }),
);
