import type { Kysely } from 'kysely';
import type { Database } from '../schema';

/** Records an install link's nonce, usable until `expiresAt`. */
export async function insertOAuthState(db: Kysely<Database>, s: { nonce: string; createdAt: Date; expiresAt: Date }): Promise<void> {
  await db.insertInto('slack_oauth_state').values({ nonce: s.nonce, created_at: s.createdAt, expires_at: s.expiresAt }).execute();
}

/**
 * Deletes the nonce and says whether it was there and still valid at `now`. The delete is the check: of two
 * requests carrying the same state, only one gets the row back, so a state is used once.
 */
export async function takeOAuthState(db: Kysely<Database>, nonce: string, now: Date): Promise<boolean> {
  const rows = await db.deleteFrom('slack_oauth_state').where('nonce', '=', nonce).returning(['expires_at']).execute();
  const row = rows[0];
  return row !== undefined && new Date(row.expires_at).getTime() > now.getTime();
}

/** Deletes the nonces that expired before `now` (links never followed); returns how many. */
export async function deleteExpiredOAuthStates(db: Kysely<Database>, now: Date): Promise<number> {
  const r = await db.deleteFrom('slack_oauth_state').where('expires_at', '<=', now).executeTakeFirst();
  return Number(r.numDeletedRows);
}
