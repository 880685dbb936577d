import { createHmac, timingSafeEqual } from 'node:crypto';

/** Slack signs `v0:<timestamp>:<raw body>` with HMAC-SHA256 keyed by the signing secret. */
export function slackSignature(secret: string, timestamp: string | number, rawBody: string | Buffer): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:`).update(rawBody).digest('hex')}`;
}

export type SignatureCheck = { ok: true } | { ok: false; reason: 'missing' | 'stale' | 'future' | 'mismatch' | 'malformed' };

/** Replay window, both ways: Bolt only rejects old timestamps; a request from the future is as suspect. */
export const MAX_SKEW_SECONDS = 300;

export function verifySlackSignature(args: {
  secret: string;
  timestamp: string | undefined;
  signature: string | undefined;
  rawBody: Buffer;
  nowMs: number;
}): SignatureCheck {
  const { timestamp, signature } = args;
  if (!timestamp || !signature) return { ok: false, reason: 'missing' };
  if (!/^\d{1,12}$/.test(timestamp) || !/^v0=[0-9a-f]{64}$/.test(signature)) return { ok: false, reason: 'malformed' };
  const skew = Math.floor(args.nowMs / 1000) - Number(timestamp);
  if (skew > MAX_SKEW_SECONDS) return { ok: false, reason: 'stale' };
  if (skew < -MAX_SKEW_SECONDS) return { ok: false, reason: 'future' };
  const expected = Buffer.from(slackSignature(args.secret, timestamp, args.rawBody));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'mismatch' };
  return { ok: true };
}
