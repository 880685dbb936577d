import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database, KudosSource } from '../schema';

/** One kudos as the export reads it: the row, its giver, who withdrew it, its recipients (in order) and values. */
export interface ExportRow {
  id: number;
  created_at: Date;
  source: KudosSource;
  channel_id: string | null;
  giver_external_id: string;
  giver_display_name: string;
  message: string;
  campaign_key: string | null;
  revoked_at: Date | null;
  /** Null when nobody is recorded (a system withdrawal, or the person who withdrew it was deleted). */
  revoked_by_external_id: string | null;
  revoked_by_display_name: string | null;
  recipients: Array<{ id: number; external_id: string; display_name: string }>;
  value_slugs: string[];
  giver_id: number;
}

export interface ExportFilter {
  /** Inclusive. */
  from?: Date;
  /** Exclusive. */
  to?: Date;
  /** Only kudos this person (person.id) gave or received. */
  personId?: number;
}

export const EXPORT_PAGE_SIZE = 1000;

/**
 * A workspace's kudos in id order, one page at a time, keyed by id (`id > last … order by id limit n`): each
 * page is one short statement, so memory is bounded by the page and no statement, cursor or transaction stays
 * open while the caller writes the page out, however slowly. (PGlite's Kysely dialect cannot stream at all,
 * and on pg `.stream()` needs pg-cursor, which is not a dependency, and a connection held for the whole export.)
 *
 * The export ends at the newest kudos when it started, so kudos given meanwhile never keep it going; pages are
 * not one snapshot, so a kudos withdrawn during the export shows as it was when its page was read.
 */
export async function* exportPages(
  db: Kysely<Database>,
  workspaceId: number,
  filter: ExportFilter,
  pageSize: number = EXPORT_PAGE_SIZE,
): AsyncGenerator<ExportRow[]> {
  // The table's newest id (not the workspace's): the primary key answers it at once, and it bounds this one too.
  const { rows: top } = await sql<{ max: number | null }>`select max(id) as max from kudos`.execute(db);
  const maxId = top[0]?.max == null ? 0 : Number(top[0].max);
  let after = 0;
  while (after < maxId) {
    const rows = await loadExportPage(db, workspaceId, filter, after, maxId, pageSize);
    if (!rows.length) return;
    yield rows;
    if (rows.length < pageSize) return;
    after = rows[rows.length - 1].id;
  }
}

/** One page: the first `limit` kudos of the workspace with id in (after, maxId] that pass the filter. */
export async function loadExportPage(
  db: Kysely<Database>,
  workspaceId: number,
  filter: ExportFilter,
  after: number,
  maxId: number,
  limit: number,
): Promise<ExportRow[]> {
  const range = (alias: string): RawBuilder<unknown> =>
    sql.join(
      [
        ...(filter.from ? [sql`${sql.ref(`${alias}.created_at`)} >= ${filter.from}`] : []),
        ...(filter.to ? [sql`${sql.ref(`${alias}.created_at`)} < ${filter.to}`] : []),
        sql`true`,
      ],
      sql` and `,
    );
  const page =
    filter.personId === undefined
      ? sql`
          select k.id from kudos k
          where k.workspace_id = ${workspaceId} and k.id > ${after} and k.id <= ${maxId} and ${range('k')}
          order by k.id
          limit ${limit}`
      : // Given or received: each side walks its own index, and the union keeps a kudos they gave themselves once.
        sql`
          select id from (
            (select k.id from kudos k
             where k.workspace_id = ${workspaceId} and k.giver_id = ${filter.personId}
               and k.id > ${after} and k.id <= ${maxId} and ${range('k')}
             order by k.id limit ${limit})
            union
            (select k.id from kudos_recipient r join kudos k on k.id = r.kudos_id
             where r.workspace_id = ${workspaceId} and r.recipient_id = ${filter.personId}
               and r.kudos_id > ${after} and r.kudos_id <= ${maxId} and k.workspace_id = ${workspaceId} and ${range('k')}
             order by r.kudos_id limit ${limit})
          ) u
          order by id
          limit ${limit}`;
  // Recipients and values are found by their kudos alone (their primary keys lead with kudos_id), and kept to
  // the kudos' workspace by the aggregates' FILTER: a workspace condition in their WHERE lets the planner start
  // from a workspace-wide index instead, once per kudos, whenever its statistics are stale (a freshly loaded table).
  const { rows } = await sql<ExportRow>`
    with page as (${page})
    select k.id, k.created_at, k.source, k.channel_id, k.giver_id, k.message, k.campaign_key, k.revoked_at,
           g.external_id as giver_external_id, g.display_name as giver_display_name,
           w.external_id as revoked_by_external_id, w.display_name as revoked_by_display_name,
           coalesce((
             select json_agg(json_build_object('id', p.id, 'external_id', p.external_id, 'display_name', p.display_name) order by r.position, p.id)
                    filter (where r.workspace_id = k.workspace_id and p.workspace_id = k.workspace_id)
             from kudos_recipient r join person p on p.id = r.recipient_id
             where r.kudos_id = k.id
           ), '[]'::json) as recipients,
           coalesce((
             select json_agg(v.slug order by v.position, v.id) filter (where kv.workspace_id = k.workspace_id and v.workspace_id = k.workspace_id)
             from kudos_value kv join value v on v.id = kv.value_id
             where kv.kudos_id = k.id
           ), '[]'::json) as value_slugs
    from page
    join kudos k on k.id = page.id
    join person g on g.id = k.giver_id and g.workspace_id = k.workspace_id
    left join person w on w.id = k.revoked_by and w.workspace_id = k.workspace_id
    where k.workspace_id = ${workspaceId}
    order by k.id`.execute(db);
  return rows.map((r) => ({
    ...r,
    id: Number(r.id),
    giver_id: Number(r.giver_id),
    created_at: new Date(r.created_at),
    revoked_at: r.revoked_at ? new Date(r.revoked_at) : null,
    recipients: parseJson(r.recipients).map((p: ExportRow['recipients'][number]) => ({ ...p, id: Number(p.id) })),
    value_slugs: parseJson(r.value_slugs),
  }));
}

/** `json` comes back parsed from both drivers; a string would mean a driver configured otherwise. */
function parseJson<T>(v: T | string): T {
  return typeof v === 'string' ? (JSON.parse(v) as T) : v;
}
