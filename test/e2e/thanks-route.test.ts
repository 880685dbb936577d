import http from 'node:http';
import { Session } from 'node:inspector';
import path from 'node:path';
import { testDatabases } from '../helpers/db';
import { useSlackE2E } from '../helpers/slack-e2e';
import { postSigned, slashCommand } from '../helpers/slack-requests';

const SRC = path.resolve(__dirname, '../../src') + path.sep;

interface FunctionCoverage {
  functionName: string;
  ranges: Array<{ count: number }>;
}
interface ScriptCoverage {
  url: string;
  functions: FunctionCoverage[];
}

/**
 * The route of one `/thanks` from the HTTP request to its acknowledgement, read from V8's own call counts: the
 * source files any of whose functions ran in between. The README lists them; this keeps the list honest and
 * the route short (a maintainer follows one request through a handful of files, not dozens).
 */
describe.each(testDatabases().slice(0, 1))('the route of one /thanks to its ack, on %s', (kind) => {
  const e = useSlackE2E(kind);

  it('runs code in at most 21 source files before the ack (24 before the core owned its use cases)', async () => {
    // Warm up: people and settings known, every module loaded, as on a running server.
    await e.thanks('<@UALICE> for the warm-up before the measured one');
    await e.thanks('<@UALICE> for a second warm-up, all caches warm');

    const session = new Session();
    session.connect();
    const post = <T>(method: string, params?: object) =>
      new Promise<T>((resolve, reject) => session.post(method, params ?? {}, (err, res) => (err ? reject(err) : resolve(res as T))));
    await post('Profiler.enable');
    await post('Profiler.startPreciseCoverage', { callCount: true, detailed: false });
    let atAck: ScriptCoverage[] | undefined;
    const end = http.ServerResponse.prototype.end;
    try {
      await post('Profiler.takePreciseCoverage'); // resets the counts: only what runs from here on is counted
      // The ack is the moment the app ends its answer to Slack: the coverage is taken right then (synchronously).
      http.ServerResponse.prototype.end = function (this: http.ServerResponse, ...args: unknown[]) {
        if (!atAck && this.req?.url === '/slack/events') {
          session.post('Profiler.takePreciseCoverage', (err, res) => {
            if (!err) atAck = (res as { result: ScriptCoverage[] }).result;
          });
        }
        return (end as (...a: unknown[]) => http.ServerResponse).apply(this, args);
      } as typeof end;
      const res = await postSigned(e.app.url, slashCommand({ text: '<@UALICE> for the measured kudos, thank you' }));
      expect(res.json.text).toContain('Kudos sent');
    } finally {
      http.ServerResponse.prototype.end = end;
      await post('Profiler.stopPreciseCoverage');
      session.disconnect();
      await e.idle();
    }

    const files = [
      ...new Set(
        (atAck ?? [])
          // Under jest an imported binding is read through a getter (`get NAME`): reading a constant is not
          // running that file's code, so getters alone do not put a file on the route.
          .filter((s) => s.functions.some((f) => f.ranges[0]?.count > 0 && !/^get /.test(f.functionName)))
          .map((s) => (s.url.startsWith('file://') ? new URL(s.url).pathname : s.url))
          .filter((p) => p.startsWith(SRC))
          .map((p) => path.relative(SRC, p)),
      ),
    ].sort();
    // The README's list comes from here (TRACE_ROUTE=1 prints it).
    if (process.env.TRACE_ROUTE) {
      for (const sc of atAck ?? []) {
        if (!sc.url.includes('/src/')) continue;
        const ran = sc.functions.filter((f) => f.ranges[0]?.count > 0 && !/^get /.test(f.functionName)).map((f) => f.functionName || '(anonymous)');
        if (ran.length) process.stdout.write(`${sc.url.split('/src/')[1]}: ${ran.join(', ')}\n`);
      }
    }
    if (process.env.TRACE_ROUTE) process.stdout.write(`/thanks route to its ack (${files.length} files):\n  ${files.join('\n  ')}\n`);
    // Nothing after the ack is on the route: publishing, DMs and App Home refreshes run once Slack has its answer.
    expect(files).not.toContain('core/publish.ts');
    expect(files).not.toContain('slack/home.ts');
    expect(files).toContain('slack/listeners/thanks-command.ts');
    expect(files).toContain('core/give.ts');
    expect(files.length).toBeLessThanOrEqual(21);
  });
});
