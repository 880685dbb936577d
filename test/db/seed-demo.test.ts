import { DEMO_WORKSPACE, seedDemo } from '../../src/cli/seed-demo';
import { testDatabases, useTestDb } from '../helpers/db';
import { busyWorkspace, NOW, rowsOf } from '../helpers/workspace-rows';

describe.each(testDatabases())('npm run seed:demo on %s', (kind) => {
  const t = useTestDb(kind);

  it('runs again: the demo workspace is replaced, another workspace is untouched', async () => {
    const other = await busyWorkspace(t.db, 'TOTHER');
    const otherBefore = await rowsOf(t.db, other.id);
    const first = await seedDemo(t.db, NOW);
    const firstRows = await rowsOf(t.db, first.workspace.id);
    expect(firstRows.kudos).toBe(first.kudos);

    const second = await seedDemo(t.db, NOW);
    expect(second.workspace.id).not.toBe(first.workspace.id);
    expect(await rowsOf(t.db, second.workspace.id)).toEqual(firstRows);
    expect(Object.values(await rowsOf(t.db, first.workspace.id)).every((n) => n === 0)).toBe(true);
    expect(await t.db.selectFrom('workspace').select('id').where('external_id', '=', DEMO_WORKSPACE).execute()).toEqual([{ id: second.workspace.id }]);
    expect(await rowsOf(t.db, other.id)).toEqual(otherBefore);
  });

  it('a seed that fails leaves the database as it was: the earlier demo stays, no half-made workspace', async () => {
    const done = await seedDemo(t.db, NOW);
    const rows = await rowsOf(t.db, done.workspace.id);
    // An invalid date fails part-way, after the earlier demo is deleted and the new workspace written.
    await expect(seedDemo(t.db, new Date(Number.NaN))).rejects.toThrow();
    expect(await t.db.selectFrom('workspace').select('id').execute()).toEqual([{ id: done.workspace.id }]);
    expect(await rowsOf(t.db, done.workspace.id)).toEqual(rows);
  });
});
