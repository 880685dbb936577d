import { sql } from 'kysely';
import { deleteWorkspace } from '../../src/core/workspaces';
import { testDatabases, useTestDb } from '../helpers/db';
import { busyWorkspace, rowsOf } from '../helpers/workspace-rows';

describe.each(testDatabases())('deleting a workspace on %s', (kind) => {
  const t = useTestDb(kind);

  it('deletes every row of that workspace, in every table, and nothing of another', async () => {
    const doomed = await busyWorkspace(t.db, 'TDOOMED');
    const kept = await busyWorkspace(t.db, 'TKEPT');
    const before = await rowsOf(t.db, doomed.id);
    const keptBefore = await rowsOf(t.db, kept.id);
    // Every table holds rows of both, so the check below covers them all.
    for (const [table, n] of Object.entries(before)) expect([table, n > 0]).toEqual([table, true]);
    expect(keptBefore).toEqual(before);

    expect(await deleteWorkspace(t.db, doomed.id)).toBe(true);

    expect(await rowsOf(t.db, doomed.id)).toEqual(Object.fromEntries(Object.keys(before).map((k) => [k, 0])));
    expect(await rowsOf(t.db, kept.id)).toEqual(keptBefore);
    // Nothing of the kept workspace points at a deleted row (a withdrawal, a setting's author stay set).
    const kudos = await t.db.selectFrom('kudos').select(['revoked_by', 'parent_id']).where('workspace_id', '=', kept.id).where('source', '=', 'pileon').executeTakeFirstOrThrow();
    expect(kudos.revoked_by).not.toBeNull();
    expect(kudos.parent_id).not.toBeNull();

    expect(await deleteWorkspace(t.db, doomed.id)).toBe(false);
  });

  it('a plain `delete from workspace` removes all its rows too (but the event inbox, which has no foreign key)', async () => {
    const doomed = await busyWorkspace(t.db, 'TDOOMED');
    const kept = await busyWorkspace(t.db, 'TKEPT');
    const keptBefore = await rowsOf(t.db, kept.id);
    await sql`delete from workspace where id = ${doomed.id}`.execute(t.db);
    const after = await rowsOf(t.db, doomed.id);
    expect(after).toEqual({ ...Object.fromEntries(Object.keys(after).map((k) => [k, 0])), event_inbox: 1 });
    expect(await rowsOf(t.db, kept.id)).toEqual(keptBefore);
  });

  it('deleting a person who withdrew a kudos or wrote to the audit log keeps those rows, their author cleared', async () => {
    const ws = await busyWorkspace(t.db, 'TONE');
    const admin = await t.db.selectFrom('person').select('id').where('workspace_id', '=', ws.id).where('external_id', '=', 'UADMIN').executeTakeFirstOrThrow();
    await t.db.deleteFrom('person').where('id', '=', admin.id).execute();
    const withdrawn = await t.db.selectFrom('kudos').select('revoked_by').where('workspace_id', '=', ws.id).where('source_key', '=', 'pile:1').executeTakeFirstOrThrow();
    expect(withdrawn.revoked_by).toBeNull();
    expect(await t.db.selectFrom('audit_log').select('actor_id').where('workspace_id', '=', ws.id).where('action', '=', 'value.add').executeTakeFirstOrThrow()).toEqual({ actor_id: null });
  });
});
