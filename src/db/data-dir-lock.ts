import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';

/**
 * One process per embedded data directory. PGlite keeps the database in memory and writes it back to its
 * directory: two processes on one directory overwrite each other's pages and corrupt it. So whoever opens a
 * directory first writes `<dir>/kudos.lock` (created exclusively, never overwritten) naming itself, and every
 * later opener refuses, naming the holder, until the holder closes the database or exits.
 *
 * A lock whose holder is gone (it crashed, was killed, or the machine restarted) is taken over: its pid is no
 * longer running on this host, the host has booted since, or the pid now belongs to a process started after
 * the lock was written (a container restarted with the same pid). A lock written on another host cannot be
 * checked from here: it is refused, and the message says how to clear it.
 */

export const LOCK_FILE = 'kudos.lock';

export interface LockHolder {
  pid: number;
  hostname: string;
  /** ISO time the lock was taken. */
  startedAt: string;
  /** What holds it, e.g. "kudos serve" or "npm run seed:demo". */
  role: string;
  /** The holder's command line, for the curious. */
  command?: string;
  /** Linux's boot id when the lock was taken: a lock from an earlier boot is stale. */
  bootId?: string;
  /** Tells this process's own lock from one left by an earlier process that had the same pid. */
  token: string;
}

/** The data directory is held by another process (or by another open database in this one). */
export class DataDirLocked extends Error {
  override name = 'DataDirLocked';
  readonly code = 'KUDOS_DATA_DIR_LOCKED';
  constructor(
    readonly dir: string,
    readonly holder: LockHolder | undefined,
    detail: string,
  ) {
    super(detail);
  }
}

export interface DataDirLock {
  readonly file: string;
  readonly holder: LockHolder;
  /** Removes the lock file (if it is still ours). Safe to call more than once. */
  release(): void;
}

export interface AcquireOptions {
  role?: string;
  /** Told when a stale lock is taken over (default: a line on standard error). */
  onTakeover?: (message: string, stale: LockHolder | undefined) => void;
}

/** Lock files this process holds now, by path: a second opener in the same process is refused too. */
const heldHere = new Map<string, string>();

/** An unreadable lock this old was left by a process that died while writing it. */
const UNREADABLE_STALE_MS = 10_000;

/** Takes the lock on `dir` (which must exist), or throws DataDirLocked naming its holder. */
export function acquireDataDirLock(dir: string, opts: AcquireOptions = {}): DataDirLock {
  const file = path.resolve(dir, LOCK_FILE);
  const holder: LockHolder = {
    pid: process.pid,
    hostname: hostname(),
    startedAt: new Date().toISOString(),
    role: opts.role ?? defaultRole(),
    command: process.argv.map((a, i) => (i < 2 ? path.basename(a) : a)).join(' ').slice(0, 200),
    bootId: bootId(),
    token: randomBytes(8).toString('hex'),
  };
  // Two tries: the second follows the removal of a stale lock.
  for (let attempt = 0; attempt < 2; attempt++) {
    let fd: number;
    try {
      fd = openSync(file, 'wx', 0o644);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const found = readLock(file);
      const stale = staleReason(file, found);
      if (!stale || attempt > 0) throw lockedError(dir, file, found);
      // Removed only if it is still the file judged stale (another opener may have replaced it meanwhile).
      if (readLock(file).raw !== found.raw) continue;
      try {
        unlinkSync(file);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
      const message = `Took over the lock on the embedded database in ${dir}: ${stale}.`;
      (opts.onTakeover ?? ((m: string) => process.stderr.write(`${m}\n`)))(message, found.holder);
      continue;
    }
    try {
      writeSync(fd, `${JSON.stringify(holder, null, 2)}\n`);
    } finally {
      closeSync(fd);
    }
    heldHere.set(file, holder.token);
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      process.removeListener('exit', release);
      if (heldHere.get(file) === holder.token) heldHere.delete(file);
      try {
        if (readLock(file).holder?.token === holder.token) unlinkSync(file);
      } catch {
        // Gone already, or the directory with it: nothing to release.
      }
    };
    // A process that exits without closing the database (process.exit, an uncaught error) still lets go.
    process.on('exit', release);
    return { file, holder, release };
  }
  throw lockedError(dir, file, readLock(file));
}

interface FoundLock {
  raw: string | undefined;
  holder: LockHolder | undefined;
}

function readLock(file: string): FoundLock {
  let raw: string;
  try {
    raw = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { raw: undefined, holder: undefined };
    throw err;
  }
  try {
    const parsed = JSON.parse(raw) as Partial<LockHolder>;
    if (typeof parsed.pid !== 'number' || typeof parsed.hostname !== 'string') return { raw, holder: undefined };
    return { raw, holder: { role: 'unknown', startedAt: 'unknown', token: '', ...parsed } as LockHolder };
  } catch {
    return { raw, holder: undefined };
  }
}

/** Why the lock found is stale, or undefined if its holder may still be running. */
function staleReason(file: string, found: FoundLock): string | undefined {
  if (found.raw === undefined) return 'the lock file had just been removed';
  const h = found.holder;
  if (!h) {
    let age = 0;
    try {
      age = Date.now() - statSync(file).mtimeMs;
    } catch {
      return 'the lock file had just been removed';
    }
    return age > UNREADABLE_STALE_MS ? 'the lock file was unreadable (its writer stopped while writing it)' : undefined;
  }
  if (h.hostname !== hostname()) return undefined;
  const left = `left by ${h.role} (pid ${h.pid}, started ${h.startedAt})`;
  const here = bootId();
  if (h.bootId && here && h.bootId !== here) return `${left}, before this machine last started`;
  if (h.pid === process.pid) {
    // Our own pid: held by this process (refused), or left by an earlier process that had the same pid.
    return heldHere.get(file) === h.token ? undefined : `${left}, an earlier process with this process's pid`;
  }
  if (!pidAlive(h.pid)) return `${left}, which is no longer running`;
  const began = processStartMs(h.pid);
  const taken = Date.parse(h.startedAt);
  // The pid was reused: its process started after the lock was taken (a second's grace for clock ticks).
  if (began !== undefined && Number.isFinite(taken) && began > taken + 2_000) return `${left}; pid ${h.pid} is now another process`;
  return undefined;
}

function lockedError(dir: string, file: string, found: FoundLock): DataDirLocked {
  const h = found.holder;
  const todo = `Stop it first, or, to run several Kudos processes on one database, use Postgres (set DATABASE_URL).`;
  if (!h) {
    return new DataDirLocked(
      dir,
      undefined,
      `The embedded database in ${dir} is in use by another process (its lock file ${file} is being written). ${todo}`,
    );
  }
  const who = `${h.role} (pid ${h.pid}, started ${h.startedAt}, on host ${h.hostname})`;
  const own = h.pid === process.pid && h.hostname === hostname();
  if (own) {
    return new DataDirLocked(dir, h, `The embedded database in ${dir} is already open in this process: ${who}. Close it before opening it again.`);
  }
  const elsewhere =
    h.hostname !== hostname()
      ? ` That host cannot be checked from here (${hostname()}): if nothing runs there any more, delete ${file}.`
      : '';
  return new DataDirLocked(dir, h, `The embedded database in ${dir} is in use by ${who}. ${todo}${elsewhere}`);
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, as another user's process.
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

function bootId(): string | undefined {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** When a process started (Linux, from /proc), in ms since the epoch; undefined elsewhere. */
function processStartMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces and parentheses); starttime is field 22.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[19]);
    const btime = Number(/^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1]);
    if (!Number.isFinite(ticks) || !Number.isFinite(btime)) return undefined;
    // USER_HZ is 100 on Linux.
    return btime * 1000 + ticks * 10;
  } catch {
    return undefined;
  }
}

/** What this process is, for the message another opener gets. */
function defaultRole(): string {
  const script = path.basename(process.argv[1] ?? '').replace(/\.[cm]?[jt]s$/, '');
  if (script === 'main') return 'kudos serve';
  if (script === 'cli' || script === 'kudos') {
    const command = process.argv[2];
    return !command || command.startsWith('-') ? 'kudos serve' : `kudos ${command}`;
  }
  const npmScript = process.env.npm_lifecycle_event;
  if (npmScript) return `npm run ${npmScript}`;
  return process.argv[1] ? `node ${path.relative(process.cwd(), process.argv[1])}` : 'a Kudos process';
}
