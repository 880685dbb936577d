import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema';

/** Gives `n` back to the day it was taken from (a reversal returns yesterday's allowance, not today's). */
export async function releaseAllowance(db: Kysely<Database>, personId: number, day: string, n: number): Promise<void> {
  await db
    .updateTable('allowance_usage')
    .set({ used: sql`greatest(allowance_usage.used - ${n}, 0)` })
    .where('person_id', '=', personId)
    .where('day', '=', day)
    .execute();
}

export async function allowanceUsed(db: Kysely<Database>, personId: number, day: string): Promise<number> {
  const row = await db
    .selectFrom('allowance_usage')
    .select('used')
    .where('person_id', '=', personId)
    .where('day', '=', day)
    .executeTakeFirst();
  return row?.used ?? 0;
}
