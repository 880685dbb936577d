import { testDatabases } from '../helpers/db';
import { useSlackE2E } from '../helpers/slack-e2e';
import { postSigned, slashCommand } from '../helpers/slack-requests';
import { homeOpened, viewText } from '../helpers/slack-views';

/**
 * Slack waits 3 s for a command's answer. When the work behind `/thanks` is slower (Slack rate-limits
 * users.info, the database is slow), Slack gets "Working on it" in time and the real answer follows through
 * the command's response_url: exactly once, and never silently dropped.
 */
describe.each(testDatabases())('a slow /thanks, on %s', (kind) => {
  const e = useSlackE2E(kind, { env: { SLACK_ACK_TIMEOUT_MS: '300' } });
  const answers = () => e.fake.callsTo('response_url').map((c) => String(c.params.text));
  const send = (text: string, id: string) => postSigned(e.app.url, slashCommand({ text, response_url: e.fake.responseUrl(id) }));

  it('answers "working on it" in time, then sends the confirmation once through the response_url', async () => {
    const release = e.fake.hold('users.info');
    const res = await send('<@UALICE> for untangling the billing export', 'slow-ok');
    expect(res.status).toBe(200);
    expect(res.json.text).toContain('Working on it');
    release();
    await e.idle();

    expect(await e.count('kudos')).toBe(1);
    const confirmations = answers().filter((t) => t.includes('Kudos sent to <@UALICE>'));
    expect(confirmations).toHaveLength(1);
    expect(e.fake.callsTo('chat.postMessage').filter((c) => c.params.channel === 'C0GENERAL')).toHaveLength(1);
  });

  it('sends a refusal that comes late through the response_url too', async () => {
    const release = e.fake.hold('users.info');
    const res = await send('<@UROBOT> for the green build', 'slow-refused');
    expect(res.json.text).toContain('Working on it');
    release();
    await e.idle();

    expect(await e.count('kudos')).toBe(0);
    expect(answers().join('\n')).toMatch(/bot/i);
    expect(e.fake.callsTo('chat.postMessage')).toHaveLength(0);
  });

  it('keeps trying a response_url that fails, and tells admins in the App Home when it never works', async () => {
    e.fake.fail('response_url', { status: 500 }, { times: 10 });
    const release = e.fake.hold('users.info');
    await send('<@UALICE> for the calm incident call', 'slow-lost');
    release();
    await e.idle();

    expect(await e.count('kudos')).toBe(1);
    expect(e.fake.callsTo('response_url:failed').length).toBeGreaterThanOrEqual(3);
    const [row] = await e.db.db.selectFrom('audit_log').select(['action', 'target']).where('action', '=', 'notice.undelivered').execute();
    expect(row).toEqual({ action: 'notice.undelivered', target: 'UGIVER' });

    await e.post(homeOpened('UADMIN'), { contentType: 'application/json' });
    const home = viewText(e.fake.callsTo('views.publish').filter((c) => c.params.user_id === 'UADMIN').at(-1)?.params.view);
    expect(home).toContain('Could not tell <@UGIVER>');
    expect(home).toContain('Kudos sent to');
  });

  it('answers at once, with no "working on it", when the work is quick', async () => {
    const res = await send('<@UBOB> for pairing on the flaky test', 'quick');
    expect(res.json.text).toContain('Kudos sent to <@UBOB>');
    await e.idle();
    expect(answers().filter((t) => t.includes('Kudos sent'))).toHaveLength(0);
  });
});
