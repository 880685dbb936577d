import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { FakeSlack } from '../helpers/fake-slack';
import { postSigned, slashCommand, SIGNING_SECRET } from '../helpers/slack-requests';

/** Starts `src/main.ts` as its own process and follows its JSON log lines. */
function startProcess(env: Record<string, string>): { child: ChildProcess; lines: Array<Record<string, any>>; next: (msg: string) => Promise<Record<string, any>> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: path.resolve(__dirname, '../..'),
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Array<Record<string, any>> = [];
  const waiters: Array<{ msg: string; resolve: (l: Record<string, any>) => void }> = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    let entry: Record<string, any>;
    try {
      entry = JSON.parse(line);
    } catch {
      return;
    }
    lines.push(entry);
    for (const w of waiters.filter((x) => x.msg === entry.msg)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(entry);
    }
  });
  const next = (msg: string) =>
    new Promise<Record<string, any>>((resolve) => {
      const seen = lines.find((l) => l.msg === msg);
      if (seen) resolve(seen);
      else waiters.push({ msg, resolve });
    });
  return { child, lines, next };
}

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
    const proc = startProcess({
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dir,
      SLACK_BOT_TOKEN: 'xoxb-test',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: fake.apiUrl,
      LOG_LEVEL: 'info',
      SCHEDULER_ENABLED: 'false',
    });
    const exited = new Promise<number | null>((resolve) => proc.child.once('exit', (code) => resolve(code)));
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
    expect(await exited).toBe(0);
    expect(proc.lines.map((l) => l.msg)).toContain('stopped');
    // Nothing secret in the log.
    expect(JSON.stringify(proc.lines)).not.toContain('xoxb-test');
    expect(JSON.stringify(proc.lines)).not.toContain(SIGNING_SECRET);
  });
});
