import { sql, type Kysely } from 'kysely';
import { batched, perDatabase } from '../batch';
import type { Database, PersonRow, ValueRow } from '../schema';
import type { StoredSetting } from './settings';

export interface GiveContextRows {
  settings: StoredSetting[];
  values: ValueRow[];
  people: PersonRow[];
}

/**
 * Everything a give needs to decide, in one round trip: the workspace's settings and active values, and the
 * people involved as far as they are known. (Each round trip costs more than the query behind it, so loads
 * made while one is on its way share the next.)
 */
export function loadGiveContext(db: Kysely<Database>, workspaceId: number, externalIds: string[]): Promise<GiveContextRows> {
  return loadContexts(db, { w: workspaceId, ids: externalIds });
}

const loadContexts = perDatabase((db) =>
  batched<{ w: number; ids: string[] }, GiveContextRows>(async (inputs) => {
    const { rows } = await sql<{ settings: StoredSetting[]; values: JsonRow[]; people: JsonRow[] }>`
      select
        (select coalesce(json_agg(json_build_object('key', s.key, 'value', s.value, 'version', s.version)), '[]'::json)
           from setting s where s.workspace_id = (i.arg->>'w')::int) as settings,
        (select coalesce(json_agg(v order by v.position, v.id), '[]'::json)
           from value v where v.workspace_id = (i.arg->>'w')::int and v.active) as values,
        (select coalesce(json_agg(p), '[]'::json)
           from person p
           where p.workspace_id = (i.arg->>'w')::int
             and p.external_id = any(array(select jsonb_array_elements_text(i.arg->'ids')))) as people
      from jsonb_array_elements(${JSON.stringify(inputs)}::jsonb) with ordinality as i(arg, idx)
      order by i.idx
    `.execute(db);
    return rows.map((row) => ({
      settings: row.settings,
      values: row.values.map((v) => ({ ...(v as unknown as ValueRow), created_at: new Date(String(v.created_at)) })),
      people: row.people.map(personFromJson),
    }));
  }, { retry: true }),
);

type JsonRow = Record<string, unknown>;

function personFromJson(p: JsonRow): PersonRow {
  return {
    ...(p as unknown as PersonRow),
    profile_fetched_at: p.profile_fetched_at ? new Date(String(p.profile_fetched_at)) : null,
    home_opened_at: p.home_opened_at ? new Date(String(p.home_opened_at)) : null,
    created_at: new Date(String(p.created_at)),
  };
}
