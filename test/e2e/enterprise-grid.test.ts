import { createTestDb, testDatabases, type TestDb } from '../helpers/db';
import { startTestApp, type TestApp } from '../helpers/app';
import { FakeSlack } from '../helpers/fake-slack';
import { eventEnvelope, postSigned, reactionEvent, slashCommand } from '../helpers/slack-requests';

describe.each(testDatabases())('an org-wide Enterprise Grid install on %s', (kind) => {
  let db: TestDb;
  let fake: FakeSlack;
  let app: TestApp;

  beforeAll(async () => {
    db = await createTestDb(kind);
    fake = await new FakeSlack().start();
    // auth.test for an org-wide install: the org, no single team.
    fake.auth = { ok: true, team_id: null, team: 'Acme Org', enterprise_id: 'E0ORG', is_enterprise_install: true, user_id: 'UKUDOSBOT', bot_id: 'B0001', url: 'https://acme-org.enterprise.slack.com/' };
    fake.addUser({ id: 'WGIVER', team_id: 'T0SALES' }).addUser({ id: 'WALICE', team_id: 'T0SUPPORT' });
    app = await startTestApp({ db, fake });
  });
  afterAll(async () => {
    await app.stop();
    await fake.stop();
    await db.close();
  });

  const orgAuth = [{ enterprise_id: 'E0ORG', team_id: null, user_id: 'UKUDOSBOT', is_bot: true, is_enterprise_install: true }];

  it('attributes events from any workspace of the org to the org', async () => {
    const body = eventEnvelope(reactionEvent('reaction_added', { user: 'WGIVER', reaction: 'clap', itemUser: 'WALICE' }), {
      teamId: 'T0SALES',
      authorizations: orgAuth,
      extra: { enterprise_id: 'E0ORG', context_enterprise_id: 'E0ORG' },
    });
    const res = await postSigned(app.url, JSON.stringify(body), { contentType: 'application/json' });
    await app.kudos.background.idle();
    expect(res.status).toBe(200);
    const rows = await db.db.selectFrom('kudos').innerJoin('workspace', 'workspace.id', 'kudos.workspace_id').select(['workspace.external_id', 'kudos.source']).execute();
    expect(rows).toEqual([{ external_id: 'E0ORG', source: 'reaction' }]);
  });

  it('accepts /thanks from a workspace of the org (enterprise_id) and refuses another org', async () => {
    const ok = await postSigned(app.url, slashCommand({ text: '<@WALICE> for answering the escalation', user_id: 'WGIVER', team_id: 'T0SUPPORT', enterprise_id: 'E0ORG' }));
    expect(ok.json.text).toContain('Kudos sent to <@WALICE>');
    const other = await postSigned(app.url, slashCommand({ text: '<@WALICE> for answering the escalation', user_id: 'WGIVER', team_id: 'T0ELSE', enterprise_id: 'E0OTHER' }));
    expect(other.status).toBe(401);
    const otherEvent = eventEnvelope(reactionEvent('reaction_added', { user: 'WGIVER', reaction: 'clap', itemUser: 'WALICE' }), {
      teamId: 'T0ELSE',
      authorizations: [{ enterprise_id: 'E0OTHER', team_id: null, user_id: 'UX', is_bot: true, is_enterprise_install: true }],
    });
    expect((await postSigned(app.url, JSON.stringify(otherEvent), { contentType: 'application/json' })).status).toBe(401);
  });
});
