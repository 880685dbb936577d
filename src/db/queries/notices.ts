import type { Kysely } from 'kysely';
import type { Database } from '../schema';

/** Records a one-off notice; true only the first time (per person, kind and period), so it is sent once. */
export async function firstNotice(db: Kysely<Database>, a: { workspaceId: number; personId: number; kind: string; period: string }): Promise<boolean> {
  const row = await db
    .insertInto('notice')
    .values({ workspace_id: a.workspaceId, person_id: a.personId, kind: a.kind, period: a.period })
    .onConflict((oc) => oc.columns(['workspace_id', 'person_id', 'kind', 'period']).doNothing())
    .returning('kind')
    .executeTakeFirst();
  return !!row;
}
