import { sql, type Kysely } from 'kysely';
import { saveSetting } from '../../src/core/settings-store';
import { connectWorkspace } from '../../src/core/workspaces';
import type { Database, WorkspaceRow } from '../../src/db/schema';
import { seedReceivedKudos } from './seed-kudos';

export const NOW = new Date('2026-11-24T15:00:00Z');

/** Every table with a workspace_id column (all of them but workspace itself), as the database has them. */
export async function tablesWithWorkspace(db: Kysely<Database>): Promise<string[]> {
  const { rows } = await sql<{ t: string }>`
    select table_name as t from information_schema.columns
    where table_schema = current_schema() and column_name = 'workspace_id' order by 1`.execute(db);
  return rows.map((r) => r.t);
}

/** Rows per table for one workspace (workspace itself included). */
export async function rowsOf(db: Kysely<Database>, workspaceId: number): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of ['workspace', ...(await tablesWithWorkspace(db))]) {
    const column = table === 'workspace' ? 'id' : 'workspace_id';
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)} where ${sql.ref(column)} = ${workspaceId}`.execute(db);
    counts[table] = rows[0].n;
  }
  return counts;
}

/** A workspace with a row in every table that has one: people, kudos with pile-ons, withdrawals, DMs and so on. */
export async function busyWorkspace(db: Kysely<Database>, externalId: string): Promise<WorkspaceRow> {
  const ws = await connectWorkspace(db, { platform: 'slack', externalId, name: `Team ${externalId}` });
  const people = await db
    .insertInto('person')
    .values(['U1', 'U2', 'U3', 'U4', 'UADMIN'].map((id) => ({ workspace_id: ws.id, external_id: id, display_name: id })))
    .returning('id')
    .execute();
  // admin gives and receives nothing: it only withdraws a kudos and writes to the audit log.
  const [a, b, c, d, admin] = people.map((p) => p.id);
  const values = (await db.selectFrom('value').select('id').where('workspace_id', '=', ws.id).execute()).map((v) => v.id);
  await seedReceivedKudos(db, { workspaceId: ws.id, recipientId: a, giverIds: [b, c, d], valueIds: values, count: 12, start: new Date('2026-11-01T00:00:00Z'), end: NOW });
  const first = await db.selectFrom('kudos').select('id').where('workspace_id', '=', ws.id).orderBy('id').executeTakeFirstOrThrow();
  // A pile-on (parent in this workspace), and a kudos withdrawn by someone other than its giver.
  const pileOn = await db
    .insertInto('kudos')
    .values({ workspace_id: ws.id, giver_id: d, source: 'pileon', source_key: 'pile:1', message: '', parent_id: first.id, local_day: '2026-11-20', revoked_at: NOW, revoked_by: admin })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db.insertInto('kudos_recipient').values({ kudos_id: pileOn.id, workspace_id: ws.id, recipient_id: a, created_at: NOW }).execute();
  await db.insertInto('kudos_value').values({ kudos_id: pileOn.id, value_id: values[0], workspace_id: ws.id }).execute();
  // A setting changed by a person (and its audit row), and an audit row of its own.
  await saveSetting(db, { workspaceId: ws.id, key: 'kudosChannel', value: 'CKUDOS', expectedVersion: 0, actorId: b });
  await db.insertInto('audit_log').values({ workspace_id: ws.id, actor_id: admin, action: 'value.add', target: 'x', before: null, after: '{}' }).execute();
  await db.insertInto('allowance_usage').values({ workspace_id: ws.id, person_id: b, day: '2026-11-20', used: 2 }).execute();
  await db.insertInto('notice').values({ workspace_id: ws.id, person_id: b, kind: 'allowance', period: '2026-11-20' }).execute();
  await db
    .insertInto('event_inbox')
    .values({ platform: 'slack', delivery_id: `ev-${externalId}`, workspace_id: ws.id, body: '{}' })
    .execute();
  await db
    .insertInto('job_run')
    .values({ workspace_id: ws.id, kind: 'digest', period_key: '2026-W47', due_at: NOW, status: 'posted' })
    .execute();
  await db
    .insertInto('conversation_ref')
    .values({ workspace_id: ws.id, conversation_id: `conv-${externalId}`, kind: 'personal', person_id: a, reference: '{}' })
    .execute();
  await db
    .insertInto('reaction_state')
    .values({ workspace_id: ws.id, channel_id: 'C1', message_ts: '1.000001', reactor: 'U2', emoji: 'tada', event_ts: '1.000002', present: true })
    .execute();
  await db.insertInto('dm_outbox').values({ workspace_id: ws.id, recipient_id: a, kudos_id: first.id, due_at: NOW }).execute();
  await db
    .insertInto('slack_installation')
    .values({ workspace_id: ws.id, install_key: externalId, team_id: externalId, bot_id: 'B1', bot_user_id: 'UBOT', bot_token_sealed: 'v1.sealed' })
    .execute();
  await db
    .insertInto('export_link')
    .values([
      { token_hash: `hash-of-${externalId}`, workspace_id: ws.id, person_id: a, expires_at: NOW },
      { token_hash: `range-hash-of-${externalId}`, workspace_id: ws.id, person_id: a, expires_at: NOW, scope: 'workspace', from_at: NOW, to_at: NOW },
    ])
    .execute();
  // A team (kudos between teams) with a member.
  const team = await db.insertInto('team').values({ workspace_id: ws.id, platform_key: 'S1', name: 'Support', marked_at: NOW }).returning('id').executeTakeFirstOrThrow();
  await db.insertInto('team_member').values({ team_id: team.id, person_id: a, workspace_id: ws.id }).execute();
  await db.insertInto('team_week').values({ workspace_id: ws.id, period_start: new Date('2026-11-13T00:00:00Z'), period_end: new Date('2026-11-20T00:00:00Z'), pairs: 3, crossing: 1 }).execute();
  // A Kudos Wall link (made by one person, revoked by the admin) and a channel known to be public.
  await db
    .insertInto('wall_link')
    .values({ workspace_id: ws.id, name: 'Lobby', token_hash: `wall-hash-of-${externalId}`, created_by: a, revoked_at: NOW, revoked_by: admin })
    .execute();
  await db.insertInto('wall_channel').values({ workspace_id: ws.id, channel_id: 'C1', visibility: 'public' }).execute();
  return ws;
}

