import { saveSetting } from '../../src/core/settings-store';
import { DEFAULT_VALUES } from '../../src/core/values';
import { upsertWorkspace } from '../../src/db/queries/workspaces';
import type { JobRunRow, WorkspaceRow } from '../../src/db/schema';
import { digestJob } from '../../src/jobs/digest-job';
import { JobPostError, type JobMessage, type JobPoster } from '../../src/jobs/ports';
import { claimNewRun, listRecentRuns, markPosting } from '../../src/jobs/runs';
import { postRunNow, runDueJobs, type SchedulerDeps } from '../../src/jobs/scheduler';
import { createLogger } from '../../src/logger';
import { testDatabases, useTestDb } from '../helpers/db';

/** A poster that records instead of posting; failures and findPost answers are scripted per test. */
class MemoryPoster implements JobPoster {
  readonly platform = 'slack' as const;
  posts: Array<{ channel: string; runId: number; message: JobMessage }> = [];
  failNext: unknown[] = [];
  lookups: number[] = [];
  found = new Map<number, string | null | undefined>();
  served = true;

  serves(): boolean {
    return this.served;
  }
  async post(_ws: WorkspaceRow, channel: string, message: JobMessage, runId: number): Promise<string> {
    const failure = this.failNext.shift();
    if (failure) throw failure;
    this.posts.push({ channel, runId, message });
    return `ts-${this.posts.length}`;
  }
  async findPost(_ws: WorkspaceRow, _channel: string, runId: number): Promise<string | null | undefined> {
    this.lookups.push(runId);
    return this.found.has(runId) ? this.found.get(runId) : null;
  }
}

// Friday 27 November 2026, 16:00 in UTC: the W48 digest is due.
const DUE = new Date('2026-11-27T16:00:00Z');
const at = (minutes: number) => new Date(DUE.getTime() + minutes * 60_000);

describe.each(testDatabases())('job scheduler on %s', (kind) => {
  const t = useTestDb(kind);
  let ws: WorkspaceRow;
  let poster: MemoryPoster;
  const logger = createLogger('silent');

  const deps = (now: Date, replicaId = 'replica-a', over: Partial<SchedulerDeps> = {}): SchedulerDeps => ({
    db: t.db,
    posters: [poster],
    sources: [digestJob],
    clock: () => now,
    logger,
    graceHours: 24,
    replicaId,
    ...over,
  });
  const tick = (minutes: number, replicaId?: string) => runDueJobs(deps(at(minutes), replicaId));
  const runs = async (): Promise<JobRunRow[]> => t.db.selectFrom('job_run').selectAll().orderBy('id').execute();

  beforeEach(async () => {
    ws = await upsertWorkspace(t.db, { platform: 'slack', externalId: 'T1' }, DEFAULT_VALUES);
    // Installed two days before the digest is due (the week before's digest predates it).
    await t.db.updateTable('workspace').set({ installed_at: at(-2 * 24 * 60) }).execute();
    ws = (await t.db.selectFrom('workspace').selectAll().executeTakeFirstOrThrow()) as WorkspaceRow;
    await saveSetting(t.db, { workspaceId: ws.id, key: 'kudosChannel', value: 'CKUDOS', expectedVersion: 0, actorId: null });
    poster = new MemoryPoster();
  });

  it('posts a due digest once, records the message id, and does nothing on later ticks', async () => {
    expect(await tick(-1)).toEqual({ posted: 0, failed: 0, skipped: 0, retrying: 0 });
    expect(await runs()).toHaveLength(0);
    expect(await tick(0)).toMatchObject({ posted: 1 });
    expect(await tick(1)).toMatchObject({ posted: 0 });
    expect(await tick(60 * 6)).toMatchObject({ posted: 0 });
    expect(poster.posts).toHaveLength(1);
    expect(poster.posts[0]).toMatchObject({ channel: 'CKUDOS', message: { kind: 'digest', digest: { quiet: true, period: { key: '2026-W48' } } } });
    const [run] = await runs();
    expect(run).toMatchObject({ kind: 'digest', period_key: '2026-W48', status: 'posted', message_ref: 'ts-1', target: 'CKUDOS', attempts: 1, claimed_by: 'replica-a' });
    expect(poster.posts[0].runId).toBe(run.id);
    expect(new Date(run.due_at)).toEqual(DUE);
  });

  it('three replicas ticking at the same moment post once', async () => {
    const results = await Promise.all(['r1', 'r2', 'r3'].map((r) => tick(2, r)));
    expect(results.map((r) => r.posted).sort()).toEqual([0, 0, 1]);
    expect(poster.posts).toHaveLength(1);
    expect(await runs()).toHaveLength(1);
  });

  it('catches up after downtime within the grace window, once; past it, records the run as skipped', async () => {
    expect(await tick(23 * 60)).toMatchObject({ posted: 1 });
    expect(await tick(23 * 60 + 1)).toMatchObject({ posted: 0 });
    await t.db.deleteFrom('job_run').execute();
    expect(await tick(24 * 60 + 1)).toMatchObject({ posted: 0, skipped: 1 });
    expect(await tick(24 * 60 + 2)).toMatchObject({ skipped: 0 });
    expect(poster.posts).toHaveLength(1);
    expect(await runs()).toEqual([expect.objectContaining({ status: 'skipped', last_error: expect.stringContaining('missed: nobody was running within 24 h') })]);
  });

  it('leaves alone what was due before the workspace was installed, and uninstalled workspaces', async () => {
    await t.db.updateTable('workspace').set({ installed_at: at(30) }).execute();
    expect(await tick(60)).toEqual({ posted: 0, failed: 0, skipped: 0, retrying: 0 });
    await t.db.updateTable('workspace').set({ installed_at: at(-2 * 24 * 60), uninstalled_at: at(1) }).execute();
    expect(await tick(60)).toEqual({ posted: 0, failed: 0, skipped: 0, retrying: 0 });
    poster.served = false;
    await t.db.updateTable('workspace').set({ uninstalled_at: null }).execute();
    expect(await tick(60)).toEqual({ posted: 0, failed: 0, skipped: 0, retrying: 0 });
    expect(await runs()).toHaveLength(0);
  });

  it('a rate-limited post waits for Retry-After, then posts', async () => {
    poster.failNext.push(new JobPostError('ratelimited', { retryAfterSec: 30, permanent: false }));
    // The tick says when to come back (the ticker wakes then instead of at the next minute).
    expect(await tick(0)).toMatchObject({ retrying: 1, nextAttemptAt: new Date(at(0).getTime() + 30_000) });
    expect(await runs()).toEqual([expect.objectContaining({ status: 'claimed', last_error: 'ratelimited', next_attempt_at: new Date(at(0).getTime() + 30_000) })]);
    // A later tick that retries nothing still says when the waiting run is due (the ticker wakes for it).
    expect(await runDueJobs(deps(new Date(at(0).getTime() + 20_000)))).toMatchObject({ posted: 0, retrying: 0, nextAttemptAt: new Date(at(0).getTime() + 30_000) });
    expect(await runDueJobs(deps(new Date(at(0).getTime() + 30_000), 'replica-b'))).toMatchObject({ posted: 1 });
    expect(await runs()).toEqual([expect.objectContaining({ status: 'posted', attempts: 2, claimed_by: 'replica-b', last_error: null })]);
    expect(poster.lookups).toEqual([]);
  });

  it('a permanent refusal fails the run once, keeps the reason, and is not retried', async () => {
    poster.failNext.push(new JobPostError('is_archived', { permanent: true }));
    expect(await tick(0)).toMatchObject({ failed: 1 });
    for (const m of [1, 2, 60, 600]) expect(await tick(m)).toEqual({ posted: 0, failed: 0, skipped: 0, retrying: 0 });
    expect(poster.posts).toHaveLength(0);
    const recent = await listRecentRuns(t.db, ws.id);
    expect(recent).toEqual([expect.objectContaining({ status: 'failed', last_error: 'is_archived', next_attempt_at: null })]);
  });

  it('with no channel configured, the run fails with that reason', async () => {
    await saveSetting(t.db, { workspaceId: ws.id, key: 'kudosChannel', value: null, expectedVersion: 1, actorId: null });
    expect(await tick(0)).toMatchObject({ failed: 1 });
    expect(await runs()).toEqual([expect.objectContaining({ status: 'failed', last_error: 'no_channel' })]);
  });

  it('a quiet week set to "skip" is recorded as skipped, not posted', async () => {
    await saveSetting(t.db, {
      workspaceId: ws.id,
      key: 'digest',
      value: { enabled: true, channel: null, weekday: 5, time: '16:00', timeZone: null, topCount: 3, quietWeek: 'skip' },
      expectedVersion: 0,
      actorId: null,
    });
    expect(await tick(0)).toMatchObject({ skipped: 1 });
    expect(await runs()).toEqual([expect.objectContaining({ status: 'skipped', last_error: 'quiet_week' })]);
    expect(poster.posts).toHaveLength(0);
  });

  describe('a post whose outcome is unknown (no answer) is looked for before posting again', () => {
    beforeEach(() => {
      poster.failNext.push(Object.assign(new Error('socket hang up'), { code: 'network' }));
    });

    it('found: marked posted with the id found, nothing posted again', async () => {
      expect(await tick(0)).toMatchObject({ retrying: 1 });
      const [run] = await runs();
      expect(run).toMatchObject({ status: 'posting', last_error: 'network' });
      poster.found.set(run.id, 'ts-found');
      expect(await tick(0.5)).toMatchObject({ posted: 0 }); // backoff not over yet
      expect(await tick(1)).toMatchObject({ posted: 1 });
      expect(poster.lookups).toEqual([run.id]);
      expect(poster.posts).toHaveLength(0);
      expect(await runs()).toEqual([expect.objectContaining({ status: 'posted', message_ref: 'ts-found' })]);
    });

    it('certainly not there: posted once', async () => {
      await tick(0);
      expect(await tick(1)).toMatchObject({ posted: 1 });
      expect(poster.posts).toHaveLength(1);
    });

    it('cannot tell: reported as failed, never posted twice', async () => {
      await tick(0);
      const [run] = await runs();
      poster.found.set(run.id, undefined);
      expect(await tick(1)).toMatchObject({ failed: 1 });
      expect(poster.posts).toHaveLength(0);
      expect(await runs()).toEqual([expect.objectContaining({ status: 'failed', last_error: expect.stringContaining('post_unconfirmed') })]);
    });
  });

  it('a replica that crashed after posting, before marking: another one finds the post when the lease ends', async () => {
    const run = (await claimNewRun(
      t.db,
      { workspaceId: ws.id, kind: 'digest', periodKey: '2026-W48', dueAt: DUE, target: 'CKUDOS' },
      { by: 'crashed', now: at(0), leaseMs: 10 * 60_000 },
    ))!;
    await markPosting(t.db, run.id, 'crashed', at(0));
    poster.found.set(run.id, 'ts-by-crashed');
    expect(await tick(5, 'survivor')).toMatchObject({ posted: 0 }); // still leased to the crashed replica
    expect(poster.lookups).toEqual([]);
    expect(await tick(10, 'survivor')).toMatchObject({ posted: 1 });
    expect(poster.posts).toHaveLength(0);
    expect(await runs()).toEqual([expect.objectContaining({ status: 'posted', message_ref: 'ts-by-crashed', claimed_by: 'survivor' })]);
  });

  it('a replica that crashed before posting: the run is taken over and posted when the lease ends', async () => {
    await claimNewRun(t.db, { workspaceId: ws.id, kind: 'digest', periodKey: '2026-W48', dueAt: DUE, target: 'CKUDOS' }, { by: 'crashed', now: at(0), leaseMs: 10 * 60_000 });
    expect(await tick(9, 'survivor')).toMatchObject({ posted: 0 });
    expect(await tick(10, 'survivor')).toMatchObject({ posted: 1 });
    expect(poster.lookups).toEqual([]); // never got to posting: nothing to look for
  });

  it('gives up after repeated refusals for now', async () => {
    for (let i = 0; i < 3; i++) poster.failNext.push(new JobPostError('internal_error', { permanent: false }));
    const d = (m: number) => runDueJobs(deps(at(m), 'r', { maxAttempts: 3 }));
    expect(await d(0)).toMatchObject({ retrying: 1 });
    expect(await d(1)).toMatchObject({ retrying: 1 }); // backoff 1 min, then 2
    expect(await d(2)).toMatchObject({ posted: 0 });
    expect(await d(3)).toMatchObject({ failed: 1 });
    expect(await runs()).toEqual([expect.objectContaining({ status: 'failed', last_error: 'internal_error (gave up after 3 attempts)' })]);
  });

  it('gives up on a post that keeps getting no answer, reporting it as unconfirmed', async () => {
    for (let i = 0; i < 2; i++) poster.failNext.push(Object.assign(new Error('timeout'), { code: 'request_timeout' }));
    const d = (m: number) => runDueJobs(deps(at(m), 'r', { maxAttempts: 2 }));
    expect(await d(0)).toMatchObject({ retrying: 1 });
    expect(await d(1)).toMatchObject({ failed: 1 }); // looked first (nothing there), posted, no answer again
    expect(poster.lookups).toHaveLength(1);
    expect(await runs()).toEqual([expect.objectContaining({ status: 'failed', last_error: 'post_unconfirmed: request_timeout (gave up after 2 attempts)' })]);
  });

  it('"post now" goes through the same claim: once, then "already posted"; a failed run may be posted again', async () => {
    const due = { periodKey: '2026-W48', dueAt: DUE, target: 'CKUDOS' };
    const now = deps(at(5));
    expect((await postRunNow(now, { workspace: ws, poster, source: digestJob, due })).status).toBe('posted');
    expect((await postRunNow(now, { workspace: ws, poster, source: digestJob, due })).status).toBe('already_posted');
    expect(await tick(6)).toMatchObject({ posted: 0 });
    expect(poster.posts).toHaveLength(1);

    const w49 = { periodKey: '2026-W49', dueAt: at(7 * 24 * 60), target: 'CGONE' };
    poster.failNext.push(new JobPostError('channel_not_found', { permanent: true }));
    expect((await postRunNow(deps(at(7 * 24 * 60)), { workspace: ws, poster, source: digestJob, due: w49 })).status).toBe('failed');
    const retry = await postRunNow(deps(at(7 * 24 * 60 + 5)), { workspace: ws, poster, source: digestJob, due: { ...w49, target: 'CKUDOS' } });
    expect(retry.status).toBe('posted');
    expect(retry.run).toMatchObject({ status: 'posted', target: 'CKUDOS', attempts: 2 });
  });
});
