import { sql } from 'kysely';
import { checkAdmin } from '../../src/core/admin';
import { deleteAllData, deleteWorkspace } from '../../src/core/workspaces';
import { DEFAULT_VALUES } from '../../src/core/values';
import type { WorkspaceRow } from '../../src/db/schema';
import { testDatabases, useTestDb } from '../helpers/db';
import { MemoryDirectory } from '../helpers/directory';
import { busyWorkspace, NOW, rowsOf } from '../helpers/workspace-rows';

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

  describe("an admin's Delete all data", () => {
    const directory = new MemoryDirectory().add('UADMIN', { isPlatformAdmin: true }).add('U2');
    const check = (ws: WorkspaceRow, id: string) => checkAdmin({ db: t.db, directory, clock: () => NOW }, ws, id, []);

    it('deletes every row of the workspace in every table, keeps the workspace and its installation, and touches no other', async () => {
      const doomed = await busyWorkspace(t.db, 'TDOOMED');
      const kept = await busyWorkspace(t.db, 'TKEPT');
      const before = await rowsOf(t.db, doomed.id);
      const keptBefore = await rowsOf(t.db, kept.id);
      for (const [table, n] of Object.entries(before)) expect([table, n > 0]).toEqual([table, true]);
      const installation = await t.db.selectFrom('slack_installation').selectAll().where('workspace_id', '=', doomed.id).executeTakeFirstOrThrow();
      const people = before.person;
      const kudos = before.kudos;

      const out = await deleteAllData(t.db, doomed, await check(doomed, 'UADMIN'), '  Delete ALL data ');
      expect(out).toEqual({ status: 'deleted', kudos, people });

      const after = await rowsOf(t.db, doomed.id);
      // A fresh start: the same workspace row, its installation, the default values and one audit entry. Nothing else.
      const fresh: Record<string, number> = { workspace: 1, slack_installation: 1, value: DEFAULT_VALUES.length, audit_log: 1 };
      expect(after).toEqual(Object.fromEntries(Object.keys(before).map((k) => [k, fresh[k] ?? 0])));
      expect(await t.db.selectFrom('workspace').selectAll().where('id', '=', doomed.id).executeTakeFirstOrThrow()).toEqual(doomed);
      expect(await t.db.selectFrom('slack_installation').selectAll().where('workspace_id', '=', doomed.id).executeTakeFirstOrThrow()).toEqual(installation);
      const values = await t.db.selectFrom('value').select(['slug', 'position']).where('workspace_id', '=', doomed.id).orderBy('position').execute();
      expect(values.map((v) => v.slug)).toEqual(DEFAULT_VALUES.map((v) => v.slug));
      // The only entry says who did it and how much went: counts, no names, no messages.
      const audit = await t.db.selectFrom('audit_log').selectAll().where('workspace_id', '=', doomed.id).executeTakeFirstOrThrow();
      expect(audit).toMatchObject({ action: 'data.delete_all', target: 'UADMIN', actor_id: null, before: { kudos, people }, after: null });
      expect(await rowsOf(t.db, kept.id)).toEqual(keptBefore);

      // Kudos goes on working there: a new person and kudos can be recorded against the same workspace id.
      await t.db.insertInto('person').values({ workspace_id: doomed.id, external_id: 'UNEW', display_name: 'New' }).execute();
    });

    it('refuses someone who is not an admin, whatever they typed, deletes nothing and audits the attempt', async () => {
      const ws = await busyWorkspace(t.db, 'TONE');
      const before = await rowsOf(t.db, ws.id);
      const out = await deleteAllData(t.db, ws, await check(ws, 'U2'), 'delete all data');
      expect(out).toEqual({ status: 'not_allowed' });
      const after = await rowsOf(t.db, ws.id);
      expect(after).toEqual({ ...before, audit_log: before.audit_log + 1 });
      const refused = await t.db.selectFrom('audit_log').select(['action', 'target']).where('workspace_id', '=', ws.id).orderBy('id', 'desc').executeTakeFirstOrThrow();
      expect(refused).toEqual({ action: 'data.delete_all.refused', target: 'U2' });
    });

    it('deletes nothing until the admin types the phrase', async () => {
      const ws = await busyWorkspace(t.db, 'TONE');
      const before = await rowsOf(t.db, ws.id);
      for (const typed of ['', 'delete', 'delete all', 'yes']) {
        expect(await deleteAllData(t.db, ws, await check(ws, 'UADMIN'), typed)).toEqual({ status: 'not_confirmed' });
      }
      expect(await rowsOf(t.db, ws.id)).toEqual(before);
    });
  });
});
