import { sql } from 'kysely';
import type { UseCaseDeps } from '../../src/core/ports';
import { applyRetention, UNKNOWN_WORKSPACE_EVENT_DAYS } from '../../src/core/retention';
import { DEFAULT_SETTINGS, type RetentionSettings } from '../../src/core/settings';
import { loadSettings, saveSetting } from '../../src/core/settings-store';
import { connectWorkspace } from '../../src/core/workspaces';
import type { JobRunRow, WorkspaceRow } from '../../src/db/schema';
import { JOB_SOURCES } from '../../src/jobs/jobs';
import type { JobPoster, JobTask } from '../../src/jobs/ports';
import { latestRetentionRun, RETENTION_KIND, retentionJob } from '../../src/jobs/retention-job';
import { listRecentRuns } from '../../src/jobs/runs';
import { runDueJobs, type SchedulerDeps } from '../../src/jobs/scheduler';
import { createLogger } from '../../src/logger';
import { testDatabases, useTestDb } from '../helpers/db';
import { seedReceivedKudos } from '../helpers/seed-kudos';

// 03:01 on Friday 27 November 2026 in Paris (UTC+1): that night's retention run is due.
const NOW = new Date('2026-11-27T02:01:00Z');
const DAY = 24 * 60 * 60_000;
const daysAgo = (days: number, from = NOW) => new Date(from.getTime() - days * DAY);
const minutes = (n: number) => new Date(NOW.getTime() + n * 60_000);

/** A poster that must never be asked to post: retention posts nothing. */
const silentPoster: JobPoster = {
  platform: 'slack',
  serves: () => true,
  post: () => Promise.reject(new Error('retention must not post')),
  findPost: () => Promise.reject(new Error('retention must not look for a post')),
};

describe.each(testDatabases())('data retention on %s', (kind) => {
  const t = useTestDb(kind);
  const logger = createLogger('silent');
  let ws: WorkspaceRow;
  let other: WorkspaceRow;
  let seq = 0;

  beforeEach(async () => {
    ws = await connectWorkspace(t.db, { platform: 'slack', externalId: 'T1', name: 'One' });
    other = await connectWorkspace(t.db, { platform: 'slack', externalId: 'T2', name: 'Two' });
    await t.db.updateTable('workspace').set({ installed_at: new Date('2025-01-01T00:00:00Z'), time_zone: 'Europe/Paris' }).execute();
    ws = (await t.db.selectFrom('workspace').selectAll().where('id', '=', ws.id).executeTakeFirstOrThrow()) as WorkspaceRow;
    other = (await t.db.selectFrom('workspace').selectAll().where('id', '=', other.id).executeTakeFirstOrThrow()) as WorkspaceRow;
    for (const w of [ws, other]) await seedKudos(w);
  });

  async function seedKudos(w: WorkspaceRow): Promise<void> {
    const people = await t.db
      .insertInto('person')
      .values(['U1', 'U2', 'U3'].map((id) => ({ workspace_id: w.id, external_id: id, display_name: id })))
      .returning('id')
      .execute();
    const values = (await t.db.selectFrom('value').select('id').where('workspace_id', '=', w.id).execute()).map((v) => v.id);
    // 24 kudos, about one every two weeks over the year before NOW.
    await seedReceivedKudos(t.db, {
      workspaceId: w.id,
      recipientId: people[0].id,
      giverIds: [people[1].id, people[2].id],
      valueIds: values,
      count: 24,
      start: daysAgo(365),
      end: NOW,
      tag: `w${w.id}`,
    });
  }

  async function delivery(workspaceId: number | null, receivedDaysAgo: number, processed: boolean, at = NOW): Promise<string> {
    const id = `Ev${++seq}`;
    const received = daysAgo(receivedDaysAgo, at);
    await t.db
      .insertInto('event_inbox')
      .values({ platform: 'slack', delivery_id: id, workspace_id: workspaceId, body: JSON.stringify({ text: 'thanks for the help' }), received_at: received, processed_at: processed ? received : null })
      .execute();
    return id;
  }

  const inbox = async () => (await t.db.selectFrom('event_inbox').select('delivery_id').orderBy('id').execute()).map((r) => r.delivery_id);
  const ledger = async (workspaceId: number) => {
    const { rows } = await sql<{ kudos: number; recipients: number; values: number; messages: number }>`
      select (select count(*)::int from kudos where workspace_id = ${workspaceId}) as kudos,
             (select count(*)::int from kudos_recipient where workspace_id = ${workspaceId}) as recipients,
             (select count(*)::int from kudos_value where workspace_id = ${workspaceId}) as values,
             (select count(*)::int from kudos where workspace_id = ${workspaceId} and message <> '') as messages`.execute(t.db);
    return rows[0];
  };
  const retention = (over: Partial<RetentionSettings>): RetentionSettings => ({ ...DEFAULT_SETTINGS.retention, ...over });

  it('deletes exactly the processed deliveries past their days, and clears exactly the messages past their months', async () => {
    const oldDone = await delivery(ws.id, 8, true);
    const recentDone = await delivery(ws.id, 6, true);
    const oldOpen = await delivery(ws.id, 30, false);
    const otherOldDone = await delivery(other.id, 30, true);
    const unknownOld = await delivery(null, UNKNOWN_WORKSPACE_EVENT_DAYS + 1, true);
    const unknownRecent = await delivery(null, UNKNOWN_WORKSPACE_EVENT_DAYS - 1, true);
    const unknownOpen = await delivery(null, 30, false);
    const before = { ws: await ledger(ws.id), other: await ledger(other.id) };
    const cutoff = new Date('2026-05-27T02:01:00Z'); // six months before NOW
    const due = await t.db.selectFrom('kudos').select((eb) => eb.fn.countAll<string>().as('n')).where('workspace_id', '=', ws.id).where('created_at', '<', cutoff).executeTakeFirstOrThrow();
    expect(Number(due.n)).toBeGreaterThan(5);
    expect(Number(due.n)).toBeLessThan(24);

    const summary = await applyRetention({ db: t.db }, ws, retention({ eventBodyDays: 7, messageMonths: 6 }), NOW);

    expect(summary).toEqual({ eventsDeleted: 1, unknownWorkspaceEventsDeleted: 1, messagesCleared: Number(due.n), erasure: { status: 'off' } });
    expect(await inbox()).toEqual([recentDone, oldOpen, otherOldDone, unknownRecent, unknownOpen]);
    expect(await inbox()).not.toContain(oldDone);
    expect(await inbox()).not.toContain(unknownOld);
    // The kudos, their recipients and values stay: every count is the same; only the old messages are gone.
    expect(await ledger(ws.id)).toEqual({ ...before.ws, messages: before.ws.messages - Number(due.n) });
    expect(await ledger(other.id)).toEqual(before.other);
    const left = await t.db.selectFrom('kudos').select(['created_at', 'message']).where('workspace_id', '=', ws.id).execute();
    for (const k of left) expect(k.message === '').toBe(new Date(k.created_at) < cutoff);

    // Run again: nothing is due any more, and nothing is touched.
    expect(await applyRetention({ db: t.db }, ws, retention({ eventBodyDays: 7, messageMonths: 6 }), NOW)).toEqual({
      eventsDeleted: 0,
      unknownWorkspaceEventsDeleted: 0,
      messagesCleared: 0,
      erasure: { status: 'off' },
    });
  });

  it('keeps every message by default, and deletes deliveries by the days configured', async () => {
    await delivery(ws.id, 8, true);
    const twoDays = await delivery(ws.id, 2, true);
    const before = await ledger(ws.id);
    expect(await applyRetention({ db: t.db }, ws, DEFAULT_SETTINGS.retention, NOW)).toMatchObject({ eventsDeleted: 1, messagesCleared: null });
    expect(await ledger(ws.id)).toEqual(before);
    expect(await inbox()).toEqual([twoDays]);
    expect(await applyRetention({ db: t.db }, ws, retention({ eventBodyDays: 1 }), NOW)).toMatchObject({ eventsDeleted: 1 });
    expect(await inbox()).toEqual([]);
  });

  it('erases people who left through core/erasure.ts when given the platform dependencies, and says so when it cannot', async () => {
    const summary = await applyRetention({ db: t.db }, ws, retention({ eraseDeactivatedAfterDays: 30 }), NOW);
    expect(summary.erasure).toEqual({ status: 'unavailable' });
    // Given them, it erases through core/erasure.ts (here nobody has left, so nobody is erased).
    const useCase = { db: t.db, clock: () => NOW, directory: {}, notifier: { updateKudosPost: async () => true } } as unknown as UseCaseDeps;
    expect((await applyRetention({ db: t.db, useCase }, ws, retention({ eraseDeactivatedAfterDays: 30 }), NOW)).erasure).toEqual({ status: 'done', erased: 0, postsNotRedrawn: 0 });
    expect((await applyRetention({ db: t.db, useCase }, ws, DEFAULT_SETTINGS.retention, NOW)).erasure).toEqual({ status: 'off' });
  });

  describe('as a nightly job', () => {
    let executions: number;
    let failNext: boolean;
    const counted: JobTask = {
      ...retentionJob,
      async run(ctx) {
        executions++;
        if (failNext && ctx.workspace.id === ws.id) {
          failNext = false;
          throw new Error('database went away');
        }
        return retentionJob.run(ctx);
      },
    };
    const deps = (now: Date, replicaId: string, over: Partial<SchedulerDeps> = {}): SchedulerDeps => ({
      db: t.db,
      posters: [silentPoster],
      sources: [counted],
      clock: () => now,
      logger,
      graceHours: 24,
      replicaId,
      ...over,
    });
    const runs = (): Promise<JobRunRow[]> => t.db.selectFrom('job_run').selectAll().where('workspace_id', '=', ws.id).orderBy('id').execute();

    beforeEach(() => {
      executions = 0;
      failNext = false;
    });

    it('is registered with the other jobs, due at 03:00 workspace time, keyed by the local date', () => {
      expect(JOB_SOURCES).toContain(retentionJob);
      expect(latestRetentionRun(ws, NOW)).toEqual({ periodKey: '2026-11-27', dueAt: new Date('2026-11-27T02:00:00Z'), target: null });
      expect(latestRetentionRun(ws, new Date('2026-11-27T01:59:00Z'))).toEqual({ periodKey: '2026-11-26', dueAt: new Date('2026-11-26T02:00:00Z'), target: null });
      // Summer time: 03:00 in Paris is 01:00 UTC.
      expect(latestRetentionRun(ws, new Date('2026-07-01T12:00:00Z')).dueAt).toEqual(new Date('2026-07-01T01:00:00Z'));
      expect(latestRetentionRun({ time_zone: 'America/New_York' }, NOW)).toEqual({ periodKey: '2026-11-26', dueAt: new Date('2026-11-26T08:00:00Z'), target: null });
    });

    it('runs once across three replicas ticking together, posts nothing, and does nothing more that day', async () => {
      const old = await delivery(ws.id, 8, true);
      const summaries = await Promise.all(['replica-a', 'replica-b', 'replica-c'].map((id) => runDueJobs(deps(NOW, id))));

      // One run for each workspace (ws and other), each executed once, by whichever replica claimed it.
      expect(executions).toBe(2);
      expect(summaries.reduce((n, s) => n + (s.ran ?? 0), 0)).toBe(2);
      expect(summaries.every((s) => s.posted === 0 && s.failed === 0 && s.skipped === 0)).toBe(true);
      const [run] = await runs();
      expect(await runs()).toHaveLength(1);
      expect(run).toMatchObject({ kind: RETENTION_KIND, period_key: '2026-11-27', status: 'posted', message_ref: null, target: null, last_error: null, attempts: 1 });
      expect(new Date(run.due_at)).toEqual(new Date('2026-11-27T02:00:00Z'));
      expect(await inbox()).not.toContain(old);

      // Later the same day, on every replica: the day's run is done; a delivery that came due meanwhile waits for tomorrow.
      const dueMeanwhile = await delivery(ws.id, 9, true);
      for (const later of [1, 60, 12 * 60, 20 * 60]) await Promise.all(['replica-a', 'replica-b', 'replica-c'].map((id) => runDueJobs(deps(minutes(later), id))));
      expect(executions).toBe(2);
      expect(await runs()).toHaveLength(1);
      expect(await inbox()).toContain(dueMeanwhile);

      // The next night runs again.
      await runDueJobs(deps(minutes(24 * 60), 'replica-b'));
      expect((await runs()).map((r) => r.period_key)).toEqual(['2026-11-27', '2026-11-28']);
      expect(await inbox()).not.toContain(dueMeanwhile);
    });

    it('applies the settings saved for the workspace', async () => {
      await saveSetting(t.db, { workspaceId: ws.id, key: 'retention', value: retention({ messageMonths: 1 }), expectedVersion: 0, actorId: null });
      expect((await loadSettings(t.db, ws.id)).retention.messageMonths).toBe(1);
      const before = await ledger(ws.id);
      await runDueJobs(deps(NOW, 'replica-a'));
      const after = await ledger(ws.id);
      expect(after.messages).toBeLessThan(before.messages);
      expect(after.messages).toBeGreaterThan(0);
      expect({ ...after, messages: 0 }).toEqual({ ...before, messages: 0 });
      // The other workspace keeps its messages (its setting is the default).
      expect((await ledger(other.id)).messages).toBe(24);
    });

    it('runs again after an unexpected failure once its lease ends, and still only once', async () => {
      failNext = true;
      const only = (d: SchedulerDeps): SchedulerDeps => ({ ...d, concurrency: 1 });
      const ticks = async (now: Date) => Promise.all(['replica-a', 'replica-b', 'replica-c'].map((id) => runDueJobs(only(deps(now, id, { leaseMs: 10 * 60_000 })))));
      await ticks(NOW);
      const failed = (await runs())[0];
      expect(failed).toMatchObject({ status: 'claimed', last_error: 'database went away' });
      await ticks(minutes(5)); // the lease holds: nobody takes it over yet
      expect((await runs())[0]).toMatchObject({ status: 'claimed', attempts: 1 });
      const executionsBefore = executions;
      await ticks(minutes(12));
      expect(executions).toBe(executionsBefore + 1);
      expect(await runs()).toEqual([expect.objectContaining({ status: 'posted', attempts: 2, last_error: null, message_ref: null })]);
    });

    it('is left out of the scheduled posts admins see', async () => {
      await runDueJobs(deps(NOW, 'replica-a'));
      expect(await runs()).toHaveLength(1);
      expect(await listRecentRuns(t.db, ws.id)).toEqual([]);
    });
  });
});
