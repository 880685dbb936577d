import { testDatabases } from '../helpers/db';
import { useSlackE2E } from '../helpers/slack-e2e';

/**
 * Slack refusing the bot's token (revoked, the workspace deactivated) is not "Slack could not be reached":
 * /readyz says so by name, the giver is told the true reason, and the kudos waits to be posted once an admin
 * has fixed the install — it is never marked failed.
 */
describe.each(testDatabases())('Slack refusing the bot token, on %s', (kind) => {
  const e = useSlackE2E(kind);
  const ready = async () => {
    const res = await fetch(`${e.app.url}/readyz`);
    return { status: res.status, body: (await res.json()) as { checks: Record<string, boolean>; problems?: Record<string, string> } };
  };

  it.each(['token_revoked', 'invalid_auth', 'account_inactive'])('%s: names the check in /readyz, tells the giver why, and posts once it is fixed', async (code) => {
    expect((await ready()).status).toBe(200);
    e.fake.fail('chat.postMessage', { error: code }, { times: 100 });
    const res = await e.thanks('<@UALICE> for the late-night data fix', { response_url: e.fake.responseUrl('auth') });
    expect(res.json.text).toContain('Kudos sent to <@UALICE>');

    const notice = e.fake.callsTo('response_url').map((c) => String(c.params.text)).join('\n');
    expect(notice).toContain('refusing Kudos');
    expect(notice).toContain(code);
    expect(notice).not.toContain('could not be reached');

    const kudos = await e.db.db.selectFrom('kudos').select(['post_status', 'post_ts']).executeTakeFirstOrThrow();
    expect(kudos).toEqual({ post_status: 'pending', post_ts: null });
    const r = await ready();
    expect(r.status).toBe(503);
    expect(r.body.checks.slack).toBe(false);
    expect(r.body.problems?.slack).toContain(code);

    // An admin reinstalls: Slack takes the token again, the waiting kudos is posted once, and /readyz recovers.
    e.fake.reset();
    e.advance(10 * 60_000);
    await e.app.kudos.slack!.publishLeftovers();
    expect(e.fake.callsTo('chat.postMessage').filter((c) => c.params.channel === 'C0GENERAL')).toHaveLength(1);
    expect((await e.db.db.selectFrom('kudos').select('post_status').executeTakeFirstOrThrow()).post_status).toBe('posted');
    expect((await ready()).status).toBe(200);
  });
});
