import { sql, type Kysely } from 'kysely';
import type { Database, PersonRow, ValueRow } from '../schema';
import type { StoredSetting } from './settings';

export interface GiveContextRows {
  settings: StoredSetting[];
  values: ValueRow[];
  people: PersonRow[];
}

/**
 * Everything a give needs to decide, in one round trip: the workspace's settings and active values, and the
 * people involved as far as they are known. (Each round trip costs more than the query behind it.)
 */
export async function loadGiveContext(db: Kysely<Database>, workspaceId: number, externalIds: string[]): Promise<GiveContextRows> {
  const { rows } = await sql<{ settings: StoredSetting[]; values: JsonRow[]; people: JsonRow[] }>`
    select
      (select coalesce(json_agg(json_build_object('key', s.key, 'value', s.value, 'version', s.version)), '[]'::json)
         from setting s where s.workspace_id = ${workspaceId}) as settings,
      (select coalesce(json_agg(v order by v.position, v.id), '[]'::json)
         from value v where v.workspace_id = ${workspaceId} and v.active) as values,
      (select coalesce(json_agg(p), '[]'::json)
         from person p where p.workspace_id = ${workspaceId} and p.external_id = any(${externalIds}::text[])) as people
  `.execute(db);
  const row = rows[0];
  return {
    settings: row.settings,
    values: row.values.map((v) => ({ ...(v as unknown as ValueRow), created_at: new Date(String(v.created_at)) })),
    people: row.people.map(personFromJson),
  };
}

type JsonRow = Record<string, unknown>;

function personFromJson(p: JsonRow): PersonRow {
  return {
    ...(p as unknown as PersonRow),
    profile_fetched_at: p.profile_fetched_at ? new Date(String(p.profile_fetched_at)) : null,
    home_opened_at: p.home_opened_at ? new Date(String(p.home_opened_at)) : null,
    created_at: new Date(String(p.created_at)),
  };
}
