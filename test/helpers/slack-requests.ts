import { randomBytes } from 'node:crypto';
import { slackSignature } from '../../src/slack/signature';

export const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';

export interface SignOptions {
  secret?: string;
  /** Unix seconds; defaults to now. */
  timestamp?: number;
  /** Replace the signature (forgeries). null = send none. */
  signature?: string | null;
  contentType?: string;
  headers?: Record<string, string>;
}

/** POSTs a body to the app exactly as Slack does: `X-Slack-Request-Timestamp` and a `v0=` HMAC signature. */
export async function postSigned(baseUrl: string, body: string, opts: SignOptions = {}): Promise<{ status: number; text: string; json: any; headers: Headers }> {
  const ts = opts.timestamp ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    'content-type': opts.contentType ?? 'application/x-www-form-urlencoded',
    'x-slack-request-timestamp': String(ts),
    ...(opts.headers ?? {}),
  };
  const sig = opts.signature === undefined ? slackSignature(opts.secret ?? SIGNING_SECRET, ts, body) : opts.signature;
  if (sig !== null) headers['x-slack-signature'] = sig;
  const res = await fetch(`${baseUrl}/slack/events`, { method: 'POST', headers, body });
  const text = await res.text();
  let json: any;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json, headers: res.headers };
}

export function triggerId(): string {
  return `${Date.now()}.${randomBytes(4).readUInt32BE()}.${randomBytes(16).toString('hex')}`;
}

/** A `/thanks` invocation shaped like Slack's documented slash-command payload. */
export function slashCommand(fields: { text: string; command?: string; user_id?: string; channel_id?: string; team_id?: string; response_url?: string; trigger_id?: string; enterprise_id?: string }): string {
  const f = {
    token: 'gIkuvaNzQIHg97ATvDxqgjtO',
    team_id: fields.team_id ?? 'T0001',
    team_domain: 'acme',
    ...(fields.enterprise_id ? { enterprise_id: fields.enterprise_id, enterprise_name: 'Acme Org' } : {}),
    channel_id: fields.channel_id ?? 'C0GENERAL',
    channel_name: 'general',
    user_id: fields.user_id ?? 'UGIVER',
    user_name: 'giver',
    command: fields.command ?? '/thanks',
    text: fields.text,
    api_app_id: 'A0KUDOS',
    is_enterprise_install: 'false',
    response_url: fields.response_url ?? 'https://hooks.slack.com/commands/T0001/1/abc',
    trigger_id: fields.trigger_id ?? triggerId(),
  };
  return new URLSearchParams(f).toString();
}

/** An interactivity payload as Slack sends it: one form field, `payload`, holding JSON. */
export function interaction(payload: Record<string, unknown>): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** Slack's escaping for `/thanks` text with should_escape on. */
export function escapeSlack(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

let eventSeq = 0;

/** An Events API envelope as Slack sends it (`event_callback`), for the installed workspace by default. */
export function eventEnvelope(
  event: Record<string, unknown>,
  opts: { eventId?: string; teamId?: string; authorizations?: Array<Record<string, unknown>>; extra?: Record<string, unknown> } = {},
): Record<string, unknown> {
  const teamId = opts.teamId ?? 'T0001';
  return {
    token: 'XXYYZZ',
    team_id: teamId,
    api_app_id: 'A0KUDOS',
    event,
    type: 'event_callback',
    event_id: opts.eventId ?? `Ev${Date.now().toString(36).toUpperCase()}${++eventSeq}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: opts.authorizations ?? [{ enterprise_id: null, team_id: teamId, user_id: 'UKUDOSBOT', is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
    event_context: '4-eyJldCI6InJlYWN0aW9uX2FkZGVkIn0',
    ...(opts.extra ?? {}),
  };
}

let reactionClock = 1_700_000_000;

/** A fresh, increasing Slack event_ts ("seconds.micros"). */
export function nextEventTs(): string {
  reactionClock += 1;
  return `${reactionClock}.000100`;
}

/** A `reaction_added` / `reaction_removed` event shaped like Slack's documentation. */
export function reactionEvent(
  type: 'reaction_added' | 'reaction_removed',
  f: { user: string; reaction: string; itemUser?: string | null; channel?: string; ts?: string; eventTs?: string; itemType?: 'message' | 'file' },
): Record<string, unknown> {
  const item = f.itemType === 'file' ? { type: 'file', file: 'F0FILE' } : { type: 'message', channel: f.channel ?? 'C0GENERAL', ts: f.ts ?? '1700000000.000200' };
  return {
    type,
    user: f.user,
    reaction: f.reaction,
    ...(f.itemUser === null ? {} : { item_user: f.itemUser ?? 'UALICE' }),
    item,
    event_ts: f.eventTs ?? nextEventTs(),
  };
}
