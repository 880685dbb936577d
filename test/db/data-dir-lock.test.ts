import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { connectDatabase, DataDirLocked, type DatabaseHandle } from '../../src/db/connect';
import { acquireDataDirLock, LOCK_FILE, type LockHolder } from '../../src/db/data-dir-lock';
import { startProcess } from '../helpers/process';

/**
 * One process per embedded data directory: the lock file every opener takes (src/db/data-dir-lock.ts), seen
 * from this process, from a second one, and after a holder that died without letting go.
 */

/** A child process that takes the lock on `dir`, says so, then holds it (`hold`) or exits without closing. */
function lockingChild(dir: string, then: 'hold' | 'exit') {
  const script = [
    `require('./src/db/data-dir-lock.ts').acquireDataDirLock(${JSON.stringify(dir)}, { role: 'lock test child' });`,
    `console.log(JSON.stringify({ msg: 'locked', pid: process.pid }));`,
    then === 'hold' ? 'setInterval(() => undefined, 60_000);' : 'process.exit(0);',
  ].join('\n');
  return startProcess({}, [process.execPath, '--import', 'tsx', '-e', script]);
}

const readHolder = (dir: string): LockHolder => JSON.parse(readFileSync(path.join(dir, LOCK_FILE), 'utf8'));

describe('the embedded data directory lock', () => {
  let root: string;
  let dir: string;
  const open: DatabaseHandle[] = [];

  beforeAll(() => {
    root = mkdtempSync(path.join(tmpdir(), 'kudos-lock-'));
    dir = path.join(root, 'data');
  });
  afterAll(async () => {
    for (const h of open) await h.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('is held by the first opener: a second one, in this process or another, refuses naming it; closing lets go', async () => {
    const first = await connectDatabase({ dataDir: dir, role: 'kudos test holder' });
    open.push(first);
    await sql`create table marker as select 42 as answer`.execute(first.db);
    const holder = readHolder(dir);
    expect(holder).toMatchObject({ pid: process.pid, hostname: hostname(), role: 'kudos test holder' });

    // The same process: two handles on one directory would corrupt it just the same.
    const again = connectDatabase({ dataDir: dir });
    await expect(again).rejects.toBeInstanceOf(DataDirLocked);
    await expect(again).rejects.toThrow(`The embedded database in ${dir} is already open in this process: kudos test holder (pid ${process.pid}, started ${holder.startedAt}, on host ${hostname()}).`);

    // Another process (`kudos migrate`, which `npm run migrate` runs): refuses at once with one sentence, no stack trace.
    const migrate = startProcess({ DATA_DIR: dir, LOG_LEVEL: 'info' }, [process.execPath, '--import', 'tsx', 'src/cli.ts', 'migrate']);
    expect(await migrate.exited).toEqual({ code: 1, signal: null });
    expect(migrate.stderr()).toBe(
      `Migration failed: The embedded database in ${dir} is in use by kudos test holder (pid ${process.pid}, started ${holder.startedAt}, on host ${hostname()}). ` +
        'Stop it first, or, to run several Kudos processes on one database, use Postgres (set DATABASE_URL).\n',
    );
    // The case that corrupted ./data: seeding the demo while the app runs.
    const seed = startProcess({ DATA_DIR: dir }, [process.execPath, '--import', 'tsx', 'src/cli.ts', 'seed-demo']);
    expect(await seed.exited).toEqual({ code: 1, signal: null });
    expect(seed.stderr()).toMatch(new RegExp(`^Seeding failed: The embedded database in ${dir} is in use by kudos test holder \\(pid ${process.pid}, `));
    expect(readHolder(dir)).toEqual(holder);

    await first.close();
    open.splice(open.indexOf(first), 1);
    expect(existsSync(path.join(dir, LOCK_FILE))).toBe(false);
  });

  it('left by a process that was killed is taken over, with a line saying so; the database opens again', async () => {
    const child = lockingChild(dir, 'hold');
    const { pid } = await child.next('locked');
    expect(readHolder(dir)).toMatchObject({ pid, role: 'lock test child' });
    await expect(connectDatabase({ dataDir: dir })).rejects.toThrow(`The embedded database in ${dir} is in use by lock test child (pid ${pid}, started `);
    child.child.kill('SIGKILL');
    await child.exited;

    const told: string[] = [];
    const handle = await connectDatabase({ dataDir: dir, role: 'kudos test holder', onLockTakeover: (m) => told.push(m) });
    open.push(handle);
    expect(told).toEqual([expect.stringMatching(new RegExp(`^Took over the lock on the embedded database in ${dir}: left by lock test child \\(pid ${pid}, started .*\\), which is no longer running\\.$`))]);
    expect(readHolder(dir)).toMatchObject({ pid: process.pid, role: 'kudos test holder' });
    // And the database opened is the one the first test wrote.
    expect((await sql<{ answer: number }>`select answer from marker`.execute(handle.db)).rows).toEqual([{ answer: 42 }]);

    await handle.close();
    open.splice(open.indexOf(handle), 1);
    expect(existsSync(path.join(dir, LOCK_FILE))).toBe(false);
  });

  it('is let go when its process exits without closing', async () => {
    const lockDir = mkdtempSync(path.join(root, 'exit-'));
    const child = lockingChild(lockDir, 'exit');
    await child.next('locked');
    expect(await child.exited).toEqual({ code: 0, signal: null });
    expect(existsSync(path.join(lockDir, LOCK_FILE))).toBe(false);
  });

  it('left by an earlier process with this same pid (a restarted container) is taken over', () => {
    const lockDir = mkdtempSync(path.join(root, 'pid-'));
    const stale: LockHolder = { pid: process.pid, hostname: hostname(), startedAt: '2026-01-01T00:00:00.000Z', role: 'kudos serve', token: 'earlier' };
    writeFileSync(path.join(lockDir, LOCK_FILE), JSON.stringify(stale));
    const told: string[] = [];
    const lock = acquireDataDirLock(lockDir, { onTakeover: (m) => told.push(m) });
    expect(told).toEqual([expect.stringContaining("an earlier process with this process's pid")]);
    expect(() => acquireDataDirLock(lockDir)).toThrow(DataDirLocked);
    lock.release();
    lock.release();
    acquireDataDirLock(lockDir).release();
  });

  it('from an earlier boot of this machine is taken over', () => {
    const lockDir = mkdtempSync(path.join(root, 'boot-'));
    const stale: LockHolder = { pid: process.ppid, hostname: hostname(), startedAt: '2026-01-01T00:00:00.000Z', role: 'kudos serve', token: 't', bootId: 'an-earlier-boot' };
    writeFileSync(path.join(lockDir, LOCK_FILE), JSON.stringify(stale));
    const told: string[] = [];
    // Only where the boot id can be read (Linux); elsewhere the live parent pid keeps the lock.
    if (!existsSync('/proc/sys/kernel/random/boot_id')) return;
    acquireDataDirLock(lockDir, { onTakeover: (m) => told.push(m) }).release();
    expect(told).toEqual([expect.stringContaining('before this machine last started')]);
  });

  it('held by a live process, or written on another host, is refused and left alone', () => {
    const lockDir = mkdtempSync(path.join(root, 'live-'));
    const file = path.join(lockDir, LOCK_FILE);
    // The test runner's parent is alive and started before this lock was "taken".
    const live: LockHolder = { pid: process.ppid, hostname: hostname(), startedAt: new Date().toISOString(), role: 'npm run seed:demo', token: 't' };
    writeFileSync(file, JSON.stringify(live));
    expect(() => acquireDataDirLock(lockDir)).toThrow(`is in use by npm run seed:demo (pid ${process.ppid}, started ${live.startedAt}, on host ${hostname()})`);

    const remote: LockHolder = { ...live, pid: 999_999, hostname: 'some-other-host' };
    writeFileSync(file, JSON.stringify(remote));
    expect(() => acquireDataDirLock(lockDir)).toThrow(`on host some-other-host). Stop it first, or, to run several Kudos processes on one database, use Postgres (set DATABASE_URL). That host cannot be checked from here (${hostname()}): if nothing runs there any more, delete ${file}.`);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(remote);
  });

  it('half-written is refused while fresh and taken over once old', () => {
    const lockDir = mkdtempSync(path.join(root, 'torn-'));
    const file = path.join(lockDir, LOCK_FILE);
    writeFileSync(file, '{"pid": 12');
    expect(() => acquireDataDirLock(lockDir)).toThrow(/is in use by another process \(its lock file .* is being written\)/);
    const past = new Date(Date.now() - 60_000);
    utimesSync(file, past, past);
    const told: string[] = [];
    acquireDataDirLock(lockDir, { onTakeover: (m) => told.push(m) }).release();
    expect(told).toEqual([expect.stringContaining('unreadable')]);
  });
});
