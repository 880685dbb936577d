import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import { FakeSlack } from '../helpers/fake-slack';
import { isRunning, ROOT, slackAppEnv, startProcess, waitUntilGone, within, type AppProcess } from '../helpers/process';
import { postSigned, slashCommand } from '../helpers/slack-requests';

/**
 * Signals reach the app at any time: during start-up (here while Slack is slow to answer), after it, twice, and
 * through `npm start`. An interrupted start-up closes its embedded database cleanly; no case leaves a process.
 */

const DB_SHUTDOWNED = 1;
/** The cluster state in the embedded database's pg_control (after an 8-byte system id and two uint32 versions). */
function clusterState(dataDir: string): number {
  return readFileSync(path.join(dataDir, 'global', 'pg_control')).readInt32LE(16);
}

describe('signals', () => {
  let fake: FakeSlack;
  const dirs: string[] = [];
  const started: AppProcess[] = [];
  const orphans: number[] = [];

  const appEnv = (dataDir: string): Record<string, string> => slackAppEnv(fake, dataDir);
  const tempDir = () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kudos-signals-'));
    dirs.push(dir);
    return dir;
  };
  const start = (env: Record<string, string>, command?: string[]) => {
    const proc = startProcess(env, command);
    started.push(proc);
    return proc;
  };
  const messages = (proc: AppProcess) => proc.lines.map((l) => l.msg);

  beforeAll(async () => {
    fake = await new FakeSlack().start();
    fake.addUser({ id: 'UGIVER' }).addUser({ id: 'UALICE' });
  });
  afterEach(() => {
    // A test that failed must not leave its app running.
    for (const proc of started.splice(0)) if (proc.child.exitCode === null && proc.child.signalCode === null) proc.child.kill('SIGKILL');
    for (const pid of orphans.splice(0)) if (isRunning(pid)) process.kill(pid, 'SIGKILL');
  });
  afterAll(async () => {
    await fake.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('SIGTERM while start-up waits for Slack stops start-up, closes the database cleanly and exits 0', async () => {
    const dir = tempDir();
    const release = fake.hold('auth.test');
    try {
      const proc = start(appEnv(dir));
      await fake.waitFor('auth.test:held');
      expect(messages(proc)).not.toContain('connected to Slack');

      const sentAt = Date.now();
      proc.child.kill('SIGTERM');
      expect(await within(proc.exited, 10_000, 'still running')).toEqual({ code: 0, signal: null });
      expect(Date.now() - sentAt).toBeLessThan(5_000);
      expect(messages(proc)).toEqual(expect.arrayContaining(['shutting down', 'stopped before start-up finished']));
      expect(proc.stderr()).toBe('');
    } finally {
      release();
    }

    // Shut down, not left in production state: opening it again needs no crash recovery.
    expect(clusterState(dir)).toBe(DB_SHUTDOWNED);
    const pglite = await PGlite.create(dir);
    try {
      const { rows } = await pglite.query<{ n: number }>('select count(*)::int as n from kysely_migration');
      expect(rows[0].n).toBeGreaterThan(0);
    } finally {
      await pglite.close();
    }
  });

  it('a repeat within a second is the same request; a later SIGTERM while stopping exits at once with code 1', async () => {
    const proc = start(appEnv(tempDir()));
    const { port } = await proc.next('listening');
    await proc.next('connected to Slack');

    // A /thanks held at Slack keeps the graceful stop waiting for it.
    const release = fake.hold('users.info');
    try {
      const inFlight = postSigned(`http://127.0.0.1:${port}`, slashCommand({ text: '<@UALICE> for the late pairing session' })).catch(() => undefined);
      await fake.waitFor('users.info:held');
      // Ctrl-C under `npm start` arrives twice (from the terminal and from npm): still one graceful stop.
      proc.child.kill('SIGINT');
      proc.child.kill('SIGINT');
      const first = await proc.next('shutting down');
      await proc.next('stopping');
      // Past the window in which a repeat counts as the same signal.
      await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(first.time) + 1_200 - Date.now())));
      expect(proc.child.exitCode).toBeNull();
      expect(messages(proc)).not.toContain('second signal while stopping; exiting now');

      proc.child.kill('SIGTERM');
      expect(await within(proc.exited, 5_000, 'still running')).toEqual({ code: 1, signal: null });
      expect(messages(proc)).toContain('second signal while stopping; exiting now');
      expect(messages(proc)).not.toContain('stopped');
      await inFlight;
    } finally {
      release();
    }
  });

  describe('through npm start', () => {
    beforeAll(async () => {
      // `npm start` builds first (prestart): the build is done once here, and the test skips that step.
      await promisify(execFile)('npm', ['run', 'build'], { cwd: ROOT });
    }, 180_000);

    it('SIGTERM to npm stops the app it started', async () => {
      const proc = start({ ...appEnv(tempDir()), npm_config_update_notifier: 'false' }, ['npm', 'start', '--ignore-scripts']);
      const { pid } = await proc.next('starting');
      orphans.push(pid);
      await proc.next('listening');
      await proc.next('connected to Slack');

      proc.child.kill('SIGTERM');
      // The app shares npm's standard output: it is closed once npm and the app have both exited.
      expect(await within(proc.outputClosed, 10_000, 'app still running')).toBeUndefined();
      expect(await waitUntilGone(pid, 2_000)).toBe(true);
      expect(messages(proc)).toContain('stopped');
      // npm passed the signal on and waited for the app: the app's clean exit is npm's.
      expect(await proc.exited).toEqual({ code: 0, signal: null });
    });
  });
});
