import { parentPort } from 'node:worker_threads';
import { FakeSlack } from '../test/helpers/fake-slack';

// Slack is remote in production: its stand-in runs on its own thread so its work is not billed to the app.
void new FakeSlack().start().then((fake) => {
  fake.autoUsers = true;
  // Keep memory flat over long runs: the benchmark needs answers, not a record of calls.
  fake.calls.push = () => 0;
  parentPort?.postMessage({ port: fake.port });
});
