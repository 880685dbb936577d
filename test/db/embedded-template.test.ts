import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { connectDatabase } from '../../src/db/connect';
import { fillFromTemplate, templateLocation, writeTemplate, type TemplateLocation } from '../../src/db/embedded';
import { migrateToLatest } from '../../src/db/migrate';

/** The build's template for fresh embedded databases (src/db/embedded.ts), made here in a temporary dist/. */
describe('the embedded database template', () => {
  let root: string;
  let where: TemplateLocation;
  beforeAll(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'kudos-template-'));
    where = templateLocation(path.join(root, 'dist'));
    mkdirSync(path.join(root, 'dist'));
    await writeTemplate(where);
  }, 60_000);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('is an initialised data directory, stamped with the PGlite version that made it', () => {
    expect(existsSync(path.join(where.dir, 'PG_VERSION'))).toBe(true);
    const stamp = JSON.parse(readFileSync(where.stamp, 'utf8')) as { pglite: string };
    expect(stamp.pglite).toBe(where.pgliteVersion);
    expect(stamp.pglite).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('fills a fresh data directory, which then opens, migrates and keeps its data like any other', async () => {
    const dataDir = path.join(root, 'fresh');
    mkdirSync(dataDir);
    writeFileSync(path.join(dataDir, 'kudos.lock'), 'held by a test'); // a lock taken before: left in place
    expect(fillFromTemplate(dataDir, where)).toBe(true);
    expect(readFileSync(path.join(dataDir, 'kudos.lock'), 'utf8')).toBe('held by a test');
    rmSync(path.join(dataDir, 'kudos.lock'));

    const first = await connectDatabase({ dataDir });
    await migrateToLatest(first.db, first.kind);
    await sql`insert into workspace (platform, external_id) values ('slack', 'T-TEMPLATE')`.execute(first.db);
    await first.close();
    const again = await connectDatabase({ dataDir });
    const { rows } = await sql<{ external_id: string }>`select external_id from workspace`.execute(again.db);
    await again.close();
    expect(rows.map((r) => r.external_id)).toEqual(['T-TEMPLATE']);
  }, 60_000);

  it('never touches a data directory that holds a database', () => {
    const dataDir = path.join(root, 'existing');
    mkdirSync(dataDir);
    writeFileSync(path.join(dataDir, 'PG_VERSION'), '17\n');
    expect(fillFromTemplate(dataDir, where)).toBe(false);
    expect(existsSync(path.join(dataDir, 'base'))).toBe(false);
  });

  it('is not used when another PGlite version made it (initdb runs instead)', () => {
    const other: TemplateLocation = { ...where, pgliteVersion: '0.0.1' };
    const dataDir = path.join(root, 'other-version');
    mkdirSync(dataDir);
    expect(fillFromTemplate(dataDir, other)).toBe(false);
    expect(existsSync(path.join(dataDir, 'PG_VERSION'))).toBe(false);
  });
});
