import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig } from '../../src/config';
import { exportCommand } from '../../src/cli/export';
import { CSV_COLUMNS, type ExportRecord } from '../../src/core/export';
import { connectWorkspace } from '../../src/core/workspaces';
import type { WorkspaceRow } from '../../src/db/schema';
import { parseCsv } from '../helpers/csv';
import { createTestDb, testDatabases, type TestDb } from '../helpers/db';
import { ROOT } from '../helpers/process';
import { seedLedger } from '../helpers/seed-kudos';

/** Standard output as a test sees it: everything written, and the most it ever held unwritten. */
class Collect extends Writable {
  text = '';
  maxBuffered = 0;
  constructor(private readonly slow = false) {
    super({ highWaterMark: 16 * 1024, decodeStrings: false });
  }
  override _write(chunk: string | Buffer, _enc: BufferEncoding, done: (err?: Error) => void): void {
    this.maxBuffered = Math.max(this.maxBuffered, this.writableLength);
    this.text += chunk.toString();
    if (this.slow) setTimeout(done, 2);
    else done();
  }
}

describe.each(testDatabases())('kudos export on %s', (kind) => {
  let t: TestDb;
  let ws: WorkspaceRow;
  let other: WorkspaceRow;
  let dir: string;
  const config = loadConfig({ LOG_LEVEL: 'silent' });

  const run = async (argv: string[], stdout = new Collect()) => {
    const messages: string[] = [];
    const code = await exportCommand(argv, { config, database: t, print: (l) => messages.push(l), stdout });
    return { code, out: stdout.text, stdout, messages: messages.join('\n') };
  };

  beforeAll(async () => {
    t = await createTestDb(kind);
    dir = mkdtempSync(path.join(tmpdir(), 'kudos-export-'));
    ws = await connectWorkspace(t.db, { platform: 'slack', externalId: 'TEXP', name: 'Export Co' });
    other = await connectWorkspace(t.db, { platform: 'slack', externalId: 'TOTHER', name: 'Other' });
    const [ann, bo] = await t.db
      .insertInto('person')
      .values([
        { workspace_id: ws.id, external_id: 'UANN', display_name: 'Ann' },
        { workspace_id: ws.id, external_id: 'UBO', display_name: 'Bo' },
      ])
      .returning('id')
      .execute();
    const [x] = await t.db.insertInto('person').values({ workspace_id: other.id, external_id: 'UX', display_name: 'X' }).returning('id').execute();
    // On the edges of March 2026 (UTC), and one in the other workspace in the middle of it.
    const kudos = [
      { ws: ws.id, giver: ann.id, to: bo.id, at: '2026-02-28T23:59:59.999Z', message: 'last of February' },
      { ws: ws.id, giver: ann.id, to: bo.id, at: '2026-03-01T00:00:00.000Z', message: 'first of March' },
      { ws: ws.id, giver: bo.id, to: ann.id, at: '2026-03-31T23:59:59.999Z', message: 'last of March' },
      { ws: ws.id, giver: ann.id, to: bo.id, at: '2026-04-01T00:00:00.000Z', message: 'first of April' },
      { ws: other.id, giver: x.id, to: x.id, at: '2026-03-15T12:00:00.000Z', message: 'elsewhere' },
    ];
    for (const [i, k] of kudos.entries()) {
      const row = await t.db
        .insertInto('kudos')
        .values({ workspace_id: k.ws, giver_id: k.giver, source: 'command', source_key: `cli:${i}`, message: k.message, created_at: new Date(k.at), local_day: k.at.slice(0, 10) })
        .returning('id')
        .executeTakeFirstOrThrow();
      await t.db.insertInto('kudos_recipient').values({ kudos_id: row.id, workspace_id: k.ws, recipient_id: k.to, created_at: new Date(k.at) }).execute();
    }
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await t.close();
  });

  const messagesOf = (csv: string) => parseCsv(csv).slice(1).map((r) => r[9]);

  it('writes CSV to standard output by default, the workspace named by its id or its number', async () => {
    const byId = await run(['--workspace', 'TEXP']);
    expect(byId.code).toBe(0);
    expect(byId.out.startsWith(`${CSV_COLUMNS.join(',')}\r\n`)).toBe(true);
    expect(messagesOf(byId.out)).toEqual(['last of February', 'first of March', 'last of March', 'first of April']);
    expect(byId.messages).toBe('');
    expect((await run(['--workspace', String(ws.id)])).out).toBe(byId.out);
  });

  it('--from and --to are whole UTC days, both included', async () => {
    const march = await run(['--workspace', 'TEXP', '--from', '2026-03-01', '--to', '2026-03-31']);
    expect(messagesOf(march.out)).toEqual(['first of March', 'last of March']);
    expect(messagesOf((await run(['--workspace', 'TEXP', '--from', '2026-03-02'])).out)).toEqual(['last of March', 'first of April']);
    expect(messagesOf((await run(['--workspace', 'TEXP', '--to', '2026-02-28'])).out)).toEqual(['last of February']);
    expect(messagesOf((await run(['--workspace', 'TEXP', '--from', '2026-03-31', '--to', '2026-03-31'])).out)).toEqual(['last of March']);
  });

  it('--format json --output writes a JSON array to the file, and says how many', async () => {
    const file = path.join(dir, 'all.json');
    const r = await run(['--workspace', 'TEXP', '--format', 'json', '--output', file]);
    expect(r.code).toBe(0);
    expect(r.out).toBe('');
    expect(r.messages).toMatch(new RegExp(`^Exported 4 kudos \\([\\d,]+ bytes\\) to ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.$`));
    const records = JSON.parse(await readFile(file, 'utf8')) as ExportRecord[];
    expect(records.map((x) => x.message)).toEqual(['last of February', 'first of March', 'last of March', 'first of April']);
    expect(records[0]).toMatchObject({ source: 'command', giver: { id: 'UANN', name: 'Ann' }, recipients: [{ id: 'UBO', name: 'Bo' }], values: [], withdrawn_at: null });
    const empty = await run(['--workspace', 'TEXP', '--format', 'json', '--from', '2030-01-01']);
    expect(JSON.parse(empty.out)).toEqual([]);
  });

  it('--person keeps the kudos they gave or received, with their role', async () => {
    const r = await run(['--workspace', 'TEXP', '--person', 'UBO', '--format', 'json']);
    expect((JSON.parse(r.out) as ExportRecord[]).map((x) => [x.message, x.role])).toEqual([
      ['last of February', 'received'],
      ['first of March', 'received'],
      ['last of March', 'gave'],
      ['first of April', 'received'],
    ]);
    const csv = parseCsv((await run(['--workspace', 'TEXP', '--person', 'UBO', '--to', '2026-02-28'])).out);
    expect(csv[0].at(-1)).toBe('role');
    expect(csv.slice(1).map((row) => row.at(-1))).toEqual(['received']);
  });

  it.each([
    [[], 'Say which workspace: --workspace <id>.'],
    [['--workspace', 'TNOPE'], 'No workspace "TNOPE". Workspaces here: '],
    [['--workspace', '99999999999'], 'No workspace "99999999999".'],
    [['--workspace', 'TEXP', '--from', '2026-13-01'], '--from "2026-13-01" is not a day: use YYYY-MM-DD'],
    [['--workspace', 'TEXP', '--from', '1 March'], '--from "1 March" is not a day'],
    [['--workspace', 'TEXP', '--to', '2026-02-30'], '--to "2026-02-30" is not a day'],
    [['--workspace', 'TEXP', '--from', '2026-04-01', '--to', '2026-03-01'], '--to (2026-03-01) is before --from (2026-04-01).'],
    [['--workspace', 'TEXP', '--format', 'xml'], '--format "xml" is not one we write: use csv or json.'],
    [['--workspace', 'TEXP', '--person', 'UX'], 'No person "UX" in workspace'],
    [['--workspace', 'TEXP', '--output', ''], '--output needs a file name.'],
    [['--workspace', 'TEXP', '--bogus'], "Unknown option '--bogus'"],
  ])('exits 1 and says what is wrong: %j', async (argv, message) => {
    const r = await run(argv as string[]);
    expect(r.code).toBe(1);
    expect(r.messages).toContain(message);
    expect(r.out).toBe('');
  });

  it('an output it cannot write is an error, and leaves no file behind', async () => {
    const file = path.join(dir, 'missing-dir', 'out.csv');
    const r = await run(['--workspace', 'TEXP', '--output', file]);
    expect(r.code).toBe(1);
    expect(r.messages).toContain(`Could not export to ${file}: ENOENT`);
    expect(existsSync(file)).toBe(false);
  });

  it('waits for a slow reader: what it holds unwritten stays about one page', async () => {
    const big = await connectWorkspace(t.db, { platform: 'slack', externalId: 'TSLOW', name: 'Slow' });
    const people = (await t.db.insertInto('person').values([1, 2, 3].map((i) => ({ workspace_id: big.id, external_id: `US${i}`, display_name: `S${i}` }))).returning('id').execute()).map((p) => p.id);
    const values = (await t.db.selectFrom('value').select('id').where('workspace_id', '=', big.id).execute()).map((v) => v.id);
    await seedLedger(t.db, { workspaceId: big.id, people, valueIds: values, count: 3_000, start: new Date('2026-01-01T00:00:00Z'), end: new Date('2026-03-01T00:00:00Z'), focus: { personId: people[0], receivedEvery: 3, givenEvery: 4 }, tag: 'slow' });
    const slow = new Collect(true);
    const r = await run(['--workspace', 'TSLOW'], slow);
    expect(r.code).toBe(0);
    expect(parseCsv(r.out)).toHaveLength(3_001);
    // One page of CSV is about 150 kB here; without waiting for 'drain' all three pages would be queued.
    const page = Buffer.byteLength(r.out) / 3;
    expect(slow.maxBuffered).toBeLessThan(page * 1.5);
  });
});

/**
 * The real `kudos export` as its own process (src/cli.ts through tsx), its peak memory (VmHWM) read from /proc while it runs. Postgres
 * only: an embedded PGlite costs the process several hundred MB by itself (TOOLCHAIN.md), whatever it exports.
 */
const memoryKinds = testDatabases().filter((k) => k === 'postgres');
(memoryKinds.length ? describe.each(memoryKinds) : describe.skip.each(['postgres' as const]))('kudos export as a process on %s', (kind) => {
  let t: TestDb;
  let dir: string;
  beforeAll(async () => {
    t = await createTestDb(kind);
    dir = mkdtempSync(path.join(tmpdir(), 'kudos-export-rss-'));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await t.close();
  });

  it('exports 20,000 kudos with a peak RSS under 200 MB', async () => {
    const ws = await connectWorkspace(t.db, { platform: 'slack', externalId: 'TMEM', name: 'Memory' });
    const people = (await t.db.insertInto('person').values(Array.from({ length: 50 }, (_, i) => ({ workspace_id: ws.id, external_id: `U${i}`, display_name: `Person ${i}` }))).returning('id').execute()).map((p) => p.id);
    const values = (await t.db.selectFrom('value').select('id').where('workspace_id', '=', ws.id).execute()).map((v) => v.id);
    await seedLedger(t.db, { workspaceId: ws.id, people, valueIds: values, count: 20_000, start: new Date('2025-01-01T00:00:00Z'), end: new Date('2026-01-01T00:00:00Z'), focus: { personId: people[0], receivedEvery: 10, givenEvery: 10 }, revokedEvery: 50 });

    const url = new URL(t.url!);
    url.searchParams.set('options', `-c search_path=${t.schema}`);
    const file = path.join(dir, 'ledger.csv');
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'export', '--workspace', 'TMEM', '--output', file], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATABASE_URL: url.toString(), LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    let peakKb = 0;
    const sample = () => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peakKb = Math.max(peakKb, Number(m[1]));
      } catch {
        // gone already
      }
    };
    const timer = setInterval(sample, 10);
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    clearInterval(timer);

    expect({ code, stderr }).toEqual({ code: 0, stderr: expect.stringMatching(/^Exported 20000 kudos/) });
    const text = readFileSync(file, 'utf8');
    expect(text.split('\r\n').length - 2).toBe(20_000); // the header, and the empty string after the last CRLF
    expect(peakKb).toBeGreaterThan(0);
    expect(peakKb / 1024).toBeLessThan(200);
  }, 30_000);
});
