import { DEFAULT_SETTINGS } from '../../src/core/settings';
import { saveSetting } from '../../src/core/settings-store';
import { nextDigestPeriod } from '../../src/jobs/digest-job';
import { testDatabases } from '../helpers/db';
import { useSlackE2E } from '../helpers/slack-e2e';
import { postSigned } from '../helpers/slack-requests';
import { blockAction, homeOpened, viewText } from '../helpers/slack-views';

describe.each(testDatabases())('digest preview and "post now" from the App Home, end to end on %s', (kind) => {
  const e = useSlackE2E(kind);
  const ws = () => e.app.kudos.slack!.workspace();
  const lastHome = (user: string) => e.fake.callsTo('views.publish').filter((c) => c.params.user_id === user).at(-1)?.params.view;
  const digestPosts = () => e.fake.callsTo('chat.postMessage').filter((c) => c.params.metadata?.event_type === 'kudos_job');
  const runs = () => e.db.db.selectFrom('job_run').selectAll().execute();
  const click = (user: string, actionId: string, value = 'x') => e.post(blockAction({ userId: user, actionId, value }));
  const digestChannel = () => saveSetting(e.db.db, { workspaceId: ws().id, key: 'kudosChannel', value: 'C0KUDOS', expectedVersion: 0, actorId: null });

  /** A week of kudos, then the clock moved past the next digest time, so they are in the latest period. */
  async function weekOfKudos() {
    await e.thanks('<@UALICE> for untangling the refund flow #ownership');
    await e.thanks('<@UBOB> for covering the Friday shift #collaboration', { user_id: 'UCAROL' });
    e.advance(7 * 86_400_000);
    e.fake.reset();
  }

  it('previews the digest that "Post digest now" would post, in a modal, without posting', async () => {
    await digestChannel();
    await weekOfKudos();
    await click('UADMIN', 'admin_digest_preview');
    const [opened] = e.fake.callsTo('views.open');
    const view = opened.params.view;
    expect(view.title.text).toBe('Digest preview');
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    const text = viewText(view);
    expect(text).toContain('as *Post digest now* would post it in <#C0KUDOS>');
    expect(text).toContain('Your week in kudos');
    expect(text).toContain('<@UALICE>');
    expect(digestPosts()).toHaveLength(0);
    expect(await runs()).toHaveLength(0);
  });

  it('previews a quiet week without its button', async () => {
    await click('UADMIN', 'admin_digest_preview');
    const view = e.fake.callsTo('views.open')[0].params.view;
    expect(view.blocks.some((b: any) => b.type === 'actions')).toBe(false);
    expect(viewText(view)).toContain('Give kudos');
  });

  it('posts the digest now through the scheduler claim, once: a second click posts nothing and says so', async () => {
    await digestChannel();
    await weekOfKudos();
    await click('UADMIN', 'admin_digest_post');
    expect(digestPosts()).toHaveLength(1);
    expect(digestPosts()[0].params.channel).toBe('C0KUDOS');
    const [run] = await runs();
    expect(run).toMatchObject({ kind: 'digest', status: 'posted', target: 'C0KUDOS' });
    expect(digestPosts()[0].params.metadata.event_payload.run_id).toBe(run.id);
    expect(viewText(lastHome('UADMIN'))).toContain(`Posted the digest for ${run.period_key} in <#C0KUDOS>`);
    expect(viewText(lastHome('UADMIN'))).toContain(`:white_check_mark: Digest ${run.period_key}: posted`);

    await click('UADMIN', 'admin_digest_post');
    expect(digestPosts()).toHaveLength(1);
    expect(viewText(lastHome('UADMIN'))).toContain('was already posted');
    // The scheduler's own tick finds the period posted too.
    await e.app.kudos.runJobsNow();
    expect(digestPosts()).toHaveLength(1);
    const audit = await e.db.db.selectFrom('audit_log').select(['action', 'target', 'after']).where('action', '=', 'digest.post').orderBy('id').execute();
    expect(audit).toEqual([
      { action: 'digest.post', target: run.period_key, after: expect.objectContaining({ outcome: 'posted' }) },
      { action: 'digest.post', target: run.period_key, after: expect.objectContaining({ outcome: 'already_posted' }) },
    ]);
  });

  it('posts once when two admins click at the same moment', async () => {
    await digestChannel();
    await saveSetting(e.db.db, { workspaceId: ws().id, key: 'admins', value: ['UCAROL'], expectedVersion: 0, actorId: null });
    await Promise.all([
      postSigned(e.app.url, blockAction({ userId: 'UADMIN', actionId: 'admin_digest_post', value: 'x' })),
      postSigned(e.app.url, blockAction({ userId: 'UCAROL', actionId: 'admin_digest_post', value: 'x' })),
    ]);
    await e.idle();
    expect(digestPosts()).toHaveLength(1);
    expect(await runs()).toHaveLength(1);
  });

  it('posts nothing without a channel, and says what to set', async () => {
    await click('UADMIN', 'admin_digest_post');
    expect(digestPosts()).toHaveLength(0);
    expect(await runs()).toHaveLength(0);
    expect(viewText(lastHome('UADMIN'))).toContain('choose a channel for the digest');
  });

  it('shows a failed run in the Home with the reason, and "post now" tries it again', async () => {
    await digestChannel();
    e.fake.fail('chat.postMessage', { error: 'is_archived' }, { match: (p) => p.channel === 'C0KUDOS' });
    await click('UADMIN', 'admin_digest_post');
    const [run] = await runs();
    expect(run).toMatchObject({ status: 'failed', last_error: 'is_archived' });
    const text = viewText(lastHome('UADMIN'));
    expect(text).toContain('Could not post the digest');
    expect(text).toContain(`:x: Digest ${run.period_key}: failed`);
    expect(text).toContain('the channel is archived: choose another one');
    await click('UADMIN', 'admin_digest_post');
    expect((await runs())[0].status).toBe('posted');
  });

  it('refuses "post now" and the preview to someone who is not an admin', async () => {
    await digestChannel();
    await click('UBOB', 'admin_digest_post');
    await click('UBOB', 'admin_digest_preview');
    expect(digestPosts()).toHaveLength(0);
    expect(e.fake.callsTo('views.open')).toHaveLength(0);
    expect(await runs()).toHaveLength(0);
    expect(viewText(lastHome('UBOB'))).toContain('Only Kudos admins');
  });

  it('lists the latest scheduled runs with their outcome', async () => {
    await digestChannel();
    // An hour after the first digest time since installing, the scheduler's own tick posts it.
    const next = nextDigestPeriod(DEFAULT_SETTINGS.digest, ws().time_zone, new Date()).end;
    e.advance(next.getTime() - Date.now() + 3_600_000);
    await e.app.kudos.runJobsNow();
    await e.post(homeOpened('UADMIN'), { contentType: 'application/json' });
    const text = viewText(lastHome('UADMIN'));
    const [run] = await runs();
    expect(run).toBeDefined();
    expect(text).toContain('*Latest scheduled posts*');
    expect(run.status).toBe('posted');
    expect(text).toContain(`:white_check_mark: Digest ${run.period_key}: posted`);
  });
});
