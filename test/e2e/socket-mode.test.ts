import { createTestDb, testDatabases, type TestDb } from '../helpers/db';
import { startTestApp, type TestApp } from '../helpers/app';
import { FakeSlack } from '../helpers/fake-slack';
import { FakeSocketMode } from '../helpers/fake-socket-mode';
import { triggerId } from '../helpers/slack-requests';

describe.each(testDatabases())('Socket Mode on %s', (kind) => {
  let db: TestDb;
  let fake: FakeSlack;
  let socket: FakeSocketMode;
  let app: TestApp;

  beforeAll(async () => {
    db = await createTestDb(kind);
    fake = await new FakeSlack().start();
    fake.addUser({ id: 'UGIVER' }).addUser({ id: 'UALICE' });
    socket = await new FakeSocketMode().start();
    fake.socketUrl = socket.url;
    // No signing secret: Socket Mode needs only the app-level token.
    app = await startTestApp({ db, fake, env: { SLACK_SIGNING_SECRET: '', SLACK_APP_TOKEN: 'xapp-1-test' } });
    await socket.whenConnected();
  });
  afterAll(async () => {
    await app.stop();
    await socket.stop();
    await fake.stop();
    await db.close();
  });

  const command = (text: string, trigger = triggerId()) => ({
    envelope_id: `env-${trigger}`,
    type: 'slash_commands',
    accepts_response_payload: true,
    payload: {
      token: 'x',
      team_id: 'T0001',
      team_domain: 'acme',
      channel_id: 'C0GENERAL',
      channel_name: 'general',
      user_id: 'UGIVER',
      user_name: 'gina',
      command: '/thanks',
      text,
      api_app_id: 'A0KUDOS',
      response_url: fake.responseUrl('socket'),
      trigger_id: trigger,
    },
  });

  it('gives kudos from a /thanks envelope and acknowledges with the confirmation', async () => {
    const ack = await socket.send(command('<@UALICE> for pairing on the flaky test'));
    expect(ack.payload.text).toContain('Kudos sent to <@UALICE>');
    await app.kudos.background.idle();
    expect(fake.callsTo('chat.postMessage').filter((c) => c.params.channel === 'C0GENERAL')).toHaveLength(1);
  });

  it('records a re-sent envelope once', async () => {
    const trigger = triggerId();
    await socket.send(command('<@UALICE> for the second pairing session', trigger));
    const again = await socket.send({ ...command('<@UALICE> for the second pairing session', trigger), retry_attempt: 1 });
    expect(again.payload.text).toContain('already recorded');
    const n = await db.db.selectFrom('kudos').select((eb) => eb.fn.countAll<number>().as('n')).where('message', '=', 'for the second pairing session').executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(1);
  });

  it('stores an Events API envelope before acknowledging it', async () => {
    const ack = await socket.send({
      envelope_id: 'env-event-1',
      type: 'events_api',
      payload: {
        type: 'event_callback',
        team_id: 'T0001',
        api_app_id: 'A0KUDOS',
        event_id: 'Ev0SOCKET1',
        event_time: 1700000000,
        event: { type: 'app_mention', user: 'UALICE', text: 'hi', ts: '1700000000.000100', channel: 'C0GENERAL', event_ts: '1700000000.000100' },
        authorizations: [{ team_id: 'T0001', user_id: 'UKUDOSBOT', is_bot: true }],
      },
    });
    expect(ack.envelope_id).toBe('env-event-1');
    const row = await db.db.selectFrom('event_inbox').select(['delivery_id', 'platform']).where('delivery_id', '=', 'Ev0SOCKET1').executeTakeFirst();
    expect(row).toEqual({ delivery_id: 'Ev0SOCKET1', platform: 'slack' });
  });

  it('does not serve Slack over HTTP in Socket Mode', async () => {
    const res = await fetch(`${app.url}/slack/events`, { method: 'POST', body: 'x' });
    expect(res.status).toBe(404);
  });
});
