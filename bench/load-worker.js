// Sends a prepared stream of Slack requests over keep-alive HTTP from its own thread, signing each at send
// time as Slack does, and reports per-request ack latencies. Plain JavaScript: loaded as a worker.
// Without `rate`, each of `connections` sends its next request as soon as the last one is answered (as fast
// as the app goes); with `rate`, request i is sent at i / rate seconds whatever the answers do (an open
// loop: a slow answer delays no other request, and time spent queued for a connection counts as latency).
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const { createHmac } = require('node:crypto');

const { port, secret, requests, connections, rate } = workerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: connections });

function send(r) {
  const ts = Math.floor(Date.now() / 1000);
  const signature = `v0=${createHmac('sha256', secret).update(`v0:${ts}:${r.body}`).digest('hex')}`;
  const headers = {
    'content-type': r.contentType,
    'content-length': Buffer.byteLength(r.body),
    'x-slack-request-timestamp': String(ts),
    'x-slack-signature': signature,
    ...(r.headers || {}),
  };
  const started = process.hrtime.bigint();
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port, path: '/slack/events', method: 'POST', headers, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, ms: Number(process.hrtime.bigint() - started) / 1e6 }));
    });
    req.on('error', () => resolve({ status: 0, ms: Number(process.hrtime.bigint() - started) / 1e6 }));
    req.end(r.body);
  });
}

(async () => {
  let next = 0;
  const results = new Array(requests.length);
  const started = Date.now();
  if (rate) {
    await Promise.all(
      requests.map(async (r, i) => {
        const wait = started + (i * 1000) / rate - Date.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        results[i] = await send(r);
      }),
    );
  } else {
    await Promise.all(
      Array.from({ length: connections }, async () => {
        while (next < requests.length) {
          const i = next++;
          results[i] = await send(requests[i]);
        }
      }),
    );
  }
  agent.destroy();
  parentPort.postMessage({ elapsedMs: Date.now() - started, results });
})();
