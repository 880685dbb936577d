// Builds each benchmark request as Slack would send it: a fresh trigger_id, the current timestamp and its
// v0 signature. Plain JavaScript, because autocannon loads it inside its own worker threads.
const { createHmac, randomBytes } = require('node:crypto');

const secret = process.env.BENCH_SIGNING_SECRET;
let seq = 0;

module.exports = function setupRequest(req) {
  const n = seq++;
  const worker = randomBytes(3).toString('hex');
  const body = new URLSearchParams({
    token: 'x',
    team_id: 'T0001',
    team_domain: 'acme',
    channel_id: 'C0GENERAL',
    channel_name: 'general',
    user_id: `UG${n % 400}`,
    user_name: 'giver',
    command: '/thanks',
    text: `<@UR${n % 97}> <@UR${(n + 1) % 97}> for benchmark help number ${n} #collaboration`,
    api_app_id: 'A0KUDOS',
    response_url: 'http://127.0.0.1:1/unused',
    trigger_id: `${n}.${worker}.${randomBytes(8).toString('hex')}`,
  }).toString();
  const ts = Math.floor(Date.now() / 1000);
  const signature = `v0=${createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex')}`;
  return {
    ...req,
    method: 'POST',
    path: '/slack/events',
    body,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(ts),
      'x-slack-signature': signature,
    },
  };
};
