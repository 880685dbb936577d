import { slackSignature, verifySlackSignature } from '../../src/slack/signature';

// Slack's published example from "Verifying requests from Slack".
const SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const TS = '1531420618';
const BODY =
  'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
const EXPECTED = 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503';

describe('Slack request signatures', () => {
  it('matches the published test vector', () => {
    expect(Buffer.byteLength(BODY)).toBe(362);
    expect(slackSignature(SECRET, TS, BODY)).toBe(EXPECTED);
  });

  const at = (offsetSec: number) => (Number(TS) + offsetSec) * 1000;
  it.each([
    ['the exact request', 0, EXPECTED, { ok: true }],
    ['a request 5 minutes old', 300, EXPECTED, { ok: true }],
    ['a request 5 minutes and 1 second old', 301, EXPECTED, { ok: false, reason: 'stale' }],
    ['a request from 5 minutes and 1 second in the future', -301, EXPECTED, { ok: false, reason: 'future' }],
    ['one changed hex digit', 0, EXPECTED.replace(/3$/, '4'), { ok: false, reason: 'mismatch' }],
    ['an upper-case signature', 0, EXPECTED.toUpperCase(), { ok: false, reason: 'malformed' }],
  ])('%s', (_name, offset, signature, expected) => {
    expect(verifySlackSignature({ secret: SECRET, timestamp: TS, signature, rawBody: Buffer.from(BODY), nowMs: at(offset) })).toEqual(expected);
  });

  it.each([
    [undefined, EXPECTED, 'missing'],
    [TS, undefined, 'missing'],
    ['15314206.18', EXPECTED, 'malformed'],
    ['-1', EXPECTED, 'malformed'],
  ])('rejects timestamp %p / signature %p as %s', (timestamp, signature, reason) => {
    expect(verifySlackSignature({ secret: SECRET, timestamp, signature, rawBody: Buffer.from(BODY), nowMs: at(0) })).toEqual({ ok: false, reason });
  });
});
