import { testDatabases } from '../helpers/db';
import { useSlackE2E } from '../helpers/slack-e2e';
import { escapeSlack, interaction, postSigned, slashCommand, SIGNING_SECRET } from '../helpers/slack-requests';
import { slackSignature } from '../../src/slack/signature';

describe.each(testDatabases())('bad input at /slack/events on %s', (kind) => {
  const e = useSlackE2E(kind);
  const valid = () => slashCommand({ text: '<@UALICE> for reviewing the incident report' });

  it.each([
    ['a forged signature', { signature: `v0=${'0'.repeat(64)}` }],
    ['a signature made with another secret', { secret: 'not-the-secret' }],
    ['no signature', { signature: null }],
    ['a malformed signature', { signature: 'sha256=abc' }],
    ['a timestamp more than 5 minutes old', { timestamp: Math.floor(Date.now() / 1000) - 301 }],
    ['a timestamp more than 5 minutes in the future', { timestamp: Math.floor(Date.now() / 1000) + 360 }],
  ])('answers 401 to %s and records nothing', async (_case, sign) => {
    const res = await e.post(valid(), sign as never);
    expect(res.status).toBe(401);
    expect(await e.count('kudos')).toBe(0);
    expect(e.fake.callsTo('chat.postMessage')).toHaveLength(0);
  });

  it('answers 401 when the body was changed after signing', async () => {
    const ts = Math.floor(Date.now() / 1000);
    const sig = slackSignature(SIGNING_SECRET, ts, valid());
    const res = await e.post(slashCommand({ text: '<@UALICE> <@UBOB> for reviewing the incident report' }), { timestamp: ts, signature: sig });
    expect(res.status).toBe(401);
    expect(await e.count('kudos')).toBe(0);
  });

  it('answers 400 to a content type other than Slack\'s', async () => {
    const res = await e.post(valid(), { contentType: 'text/plain' });
    expect(res.status).toBe(400);
    expect(await e.count('kudos')).toBe(0);
  });

  it.each([
    ['an interaction payload that is not JSON', new URLSearchParams({ payload: '{not json' }).toString(), undefined],
    ['a JSON body that is not JSON', '{"type":"event_callback",', 'application/json'],
    ['a JSON array', '[1,2,3]', 'application/json'],
    ['a form without the fields of a command', 'hello=world', undefined],
    ['an event envelope without an event', JSON.stringify({ type: 'event_callback', team_id: 'T0001', event_id: 'Ev1' }), 'application/json'],
  ])('answers 400 to %s and records nothing', async (_case, body, contentType) => {
    const res = await e.post(body, { contentType });
    expect(res.status).toBe(400);
    expect(await e.count('kudos')).toBe(0);
  });

  it('answers 413 to a huge body', async () => {
    const res = await e.post(slashCommand({ text: `<@UALICE> ${'x'.repeat(1_100_000)}` }));
    expect(res.status).toBe(413);
    expect(await e.count('kudos')).toBe(0);
  });

  it('answers 401 (and asks Slack not to retry) for a workspace that is not installed', async () => {
    const res = await e.post(slashCommand({ text: '<@UALICE> for reviewing the incident report', team_id: 'T9OTHER' }));
    expect(res.status).toBe(401);
    expect(res.headers.get('x-slack-no-retry')).toBe('1');
    const ev = await e.post(
      JSON.stringify({ type: 'event_callback', team_id: 'T9OTHER', event_id: 'Ev9', event: { type: 'app_home_opened', user: 'UALICE' }, authorizations: [{ team_id: 'T9OTHER', user_id: 'UX', is_bot: true }] }),
      { contentType: 'application/json' },
    );
    expect(ev.status).toBe(401);
    expect(await e.count('kudos')).toBe(0);
    expect(await e.count('event_inbox')).toBe(0);
  });

  it('answers the url_verification challenge only when signed', async () => {
    const body = JSON.stringify({ token: 'x', challenge: 'c-123', type: 'url_verification' });
    expect((await e.post(body, { contentType: 'application/json' })).json).toEqual({ challenge: 'c-123' });
    expect((await e.post(body, { contentType: 'application/json', signature: null })).status).toBe(401);
  });

  it('handles an empty or enormous /thanks text without crashing, and keeps serving', async () => {
    const weird = ['   ', '<@>', '<@UALICE|', '#', '<#C1|>', escapeSlack('<script>alert(1)</script>'), '\u0000\u0001', '😀'.repeat(5000)];
    for (const text of weird) {
      const res = await e.thanks(text);
      expect(res.status).toBe(200);
    }
    const ok = await e.thanks('<@UALICE> for keeping calm during the outage');
    expect(ok.json.text).toContain('Kudos sent');
    expect(await e.count('kudos')).toBe(1);
  });

  it('refuses forged interactions the same way', async () => {
    const body = interaction({ type: 'view_submission', team: { id: 'T0001' }, user: { id: 'UGIVER', team_id: 'T0001' }, view: { id: 'V1', callback_id: 'give_kudos_modal', state: { values: {} } } });
    const res = await postSigned(e.app.url, body, { secret: 'wrong' });
    expect(res.status).toBe(401);
  });
});
