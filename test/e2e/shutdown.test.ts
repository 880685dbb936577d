import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FakeSlack } from '../helpers/fake-slack';
import { slackAppEnv, startProcess } from '../helpers/process';
import { postSigned, slashCommand, SIGNING_SECRET } from '../helpers/slack-requests';

describe('the process on SIGTERM', () => {
  let dir: string;
  let fake: FakeSlack;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'kudos-sigterm-'));
    fake = await new FakeSlack().start();
    fake.addUser({ id: 'UGIVER' }).addUser({ id: 'UALICE' });
  });
  afterAll(async () => {
    await fake.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lets the request in flight finish, then exits cleanly', async () => {
    const proc = startProcess(slackAppEnv(fake, dir));
    const { port } = await proc.next('listening');
    await proc.next('connected to Slack');
    const url = `http://127.0.0.1:${port}`;
    expect((await fetch(`${url}/healthz`)).status).toBe(200);

    // Hold Slack's users.info so the /thanks is still in flight when SIGTERM arrives.
    const release = fake.hold('users.info');
    const inFlight = postSigned(url, slashCommand({ text: '<@UALICE> for staying until the deploy was green' }));
    await fake.waitFor('users.info:held');
    proc.child.kill('SIGTERM');
    await proc.next('stopping');
    release();

    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(res.json.text).toContain('Kudos sent to <@UALICE>');
    expect((await proc.exited).code).toBe(0);
    expect(proc.lines.map((l) => l.msg)).toContain('stopped');
    // Nothing secret in the log.
    expect(JSON.stringify(proc.lines)).not.toContain('xoxb-test');
    expect(JSON.stringify(proc.lines)).not.toContain(SIGNING_SECRET);
  });
});
