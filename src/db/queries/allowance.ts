import type { Kysely } from 'kysely';
import type { Database } from '../schema';

export async function allowanceUsed(db: Kysely<Database>, personId: number, day: string): Promise<number> {
  const row = await db
    .selectFrom('allowance_usage')
    .select('used')
    .where('person_id', '=', personId)
    .where('day', '=', day)
    .executeTakeFirst();
  return row?.used ?? 0;
}
