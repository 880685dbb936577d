import type { IncomingHttpHeaders } from 'node:http';
import type { App, Receiver, ReceiverEvent } from '@slack/bolt';
import { SocketModeClient } from '@slack/socket-mode';
import { withDeadline } from '../deadline';
import type { Logger } from '../logger';
import type { Background } from '../server/background';
import { verifySlackSignature } from './signature';

export interface HttpReply {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

/** What the receiver needs from the rest of the app; kept as a port so the receiver stays transport-only. */
export interface ReceiverHooks {
  /** True when the payload belongs to a workspace Kudos is installed in (checked before anything is processed). */
  accepts(body: Record<string, unknown>): boolean | Promise<boolean>;
  /** Stores an Events API envelope durably; false when it was stored before (a re-delivery). */
  storeEvent(body: Record<string, unknown>): Promise<{ stored: true; id: number } | { stored: false }>;
  /** Processes a stored event after it was acknowledged. */
  processStoredEvent(id: number, body: Record<string, unknown>, retry: { num?: number; reason?: string }): Promise<void>;
  /** False until the bot knows who it is (auth.test); requests get 503 meanwhile. */
  ready(): boolean;
  /**
   * A command's answer that came after Slack had been answered "working on it": delivered through the
   * command's response_url (or recorded for admins when it cannot be).
   */
  answerLate(body: Record<string, unknown>, response: Record<string, unknown>): Promise<void>;
}

export interface KudosReceiverOptions {
  signingSecret?: string;
  appToken?: string;
  apiUrl?: string;
  logger: Logger;
  background: Background;
  hooks: ReceiverHooks;
  now?: () => number;
  /** How long a command or interaction may take before Slack is answered anyway (Slack waits 3 s). */
  ackTimeoutMs?: number;
}

/** What a slow command shows at once; its real answer follows through the response_url. */
export const WORKING_ON_IT = { response_type: 'ephemeral', text: ":hourglass_flowing_sand: Working on it: I'll answer here in a moment." };

const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';

/**
 * One receiver for both transports. Over HTTP it verifies Slack's signature (both directions of the replay
 * window), the content type and the workspace before Bolt sees anything; Events API envelopes are stored in
 * the inbox before the 200 goes back, then processed. Over Socket Mode the same dispatch runs on each envelope.
 */
export class KudosReceiver implements Receiver {
  private app: App | undefined;
  private socket: SocketModeClient | undefined;
  private readonly now: () => number;

  constructor(private readonly opts: KudosReceiverOptions) {
    this.now = opts.now ?? Date.now;
  }

  init(app: App): void {
    this.app = app;
  }

  async start(): Promise<void> {
    if (!this.opts.appToken) return;
    this.socket = new SocketModeClient({
      appToken: this.opts.appToken,
      clientOptions: this.opts.apiUrl ? { slackApiUrl: this.opts.apiUrl } : {},
    });
    this.socket.on('slack_event', (evt: { ack: (r?: unknown) => Promise<void>; type: string; body: Record<string, unknown>; retry_num?: number; retry_reason?: string }) => {
      void this.onSocketEvent(evt).catch((err: unknown) => this.opts.logger.error({ err }, 'socket mode event failed'));
    });
    await this.socket.start();
    this.opts.logger.info('connected to Slack in Socket Mode');
  }

  async stop(): Promise<void> {
    await this.socket?.disconnect();
    this.socket = undefined;
  }

  /** Handles `POST /slack/events` given the raw body. Never throws. */
  async handleHttp(headers: IncomingHttpHeaders, rawBody: Buffer): Promise<HttpReply> {
    const contentType = String(headers['content-type'] ?? '')
      .split(';')[0]
      .trim()
      .toLowerCase();
    const raw = rawBody.toString('utf8');
    // Slack's certificate check for slash-command URLs carries nothing to act on.
    if (contentType === FORM && /(^|&)ssl_check=1(&|$)/.test(raw) && !/(^|&)command=/.test(raw)) return { status: 200 };

    if (!this.opts.signingSecret) return { status: 404, body: 'Slack over HTTP is not configured' };
    const check = verifySlackSignature({
      secret: this.opts.signingSecret,
      timestamp: header(headers, 'x-slack-request-timestamp'),
      signature: header(headers, 'x-slack-signature'),
      rawBody,
      nowMs: this.now(),
    });
    if (!check.ok) {
      this.opts.logger.warn({ reason: check.reason }, 'rejected a Slack request with a bad signature');
      return { status: 401 };
    }

    let body: Record<string, unknown>;
    if (contentType === FORM) {
      const form = Object.fromEntries(new URLSearchParams(raw));
      if (typeof form.payload === 'string') {
        const parsed = parseJson(form.payload);
        if (!parsed) return { status: 400, body: 'malformed payload' };
        body = parsed;
      } else {
        body = form;
      }
    } else if (contentType === JSON_TYPE) {
      const parsed = parseJson(raw);
      if (!parsed) return { status: 400, body: 'malformed JSON body' };
      body = parsed;
    } else {
      return { status: 400, body: 'unsupported content type' };
    }

    if (body.type === 'url_verification') {
      return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ challenge: String(body.challenge ?? '') }) };
    }
    if (body.type === 'app_rate_limited') {
      this.opts.logger.warn({ team: body.team_id }, 'Slack paused event deliveries: workspace event rate limit reached');
      return { status: 200 };
    }
    if (!isKnownShape(body)) return { status: 400, body: 'unrecognised payload' };
    if (!this.opts.hooks.ready()) return { status: 503, headers: { 'retry-after': '5' } };
    let accepted = this.opts.hooks.accepts(body);
    if (typeof accepted !== 'boolean') {
      try {
        // Finding the workspace may read its installation: bounded like storing an event, so Slack gets an answer.
        accepted = await withDeadline(accepted, this.opts.ackTimeoutMs ?? 2500);
      } catch (err) {
        this.opts.logger.error({ err }, 'could not tell which workspace a request is for; asking Slack to retry');
        return { status: 503 };
      }
    }
    if (!accepted) {
      this.opts.logger.warn({ team: teamOf(body) }, 'ignored a request for a workspace that is not installed');
      // No-Retry keeps Slack from re-sending an event we will never accept.
      return { status: 401, headers: { 'x-slack-no-retry': '1' } };
    }

    const retry = {
      num: numberOrUndefined(header(headers, 'x-slack-retry-num')),
      reason: header(headers, 'x-slack-retry-reason'),
    };
    if (body.type === 'event_callback') return this.acceptEvent(body, retry);
    return this.dispatch(body, retry);
  }

  private async acceptEvent(body: Record<string, unknown>, retry: { num?: number; reason?: string }): Promise<HttpReply> {
    if (typeof body.event_id !== 'string' || typeof body.event !== 'object' || body.event === null) {
      return { status: 400, body: 'event envelope without event_id or event' };
    }
    let stored: Awaited<ReturnType<ReceiverHooks['storeEvent']>>;
    try {
      // Slack waits 3 s; a database that does not answer by then gets Slack a 503 instead of silence.
      stored = await withDeadline(this.opts.hooks.storeEvent(body), this.opts.ackTimeoutMs ?? 2500);
    } catch (err) {
      // Not known to be stored, so not acknowledged: Slack will retry, and nothing is lost. (Should the write
      // land after all, the retry is a duplicate and the sweep processes the stored copy.)
      this.opts.logger.error({ err }, 'could not store an event; asking Slack to retry');
      return { status: 503 };
    }
    if (stored.stored) {
      const id = stored.id;
      this.opts.background.run('slack event', () => this.opts.hooks.processStoredEvent(id, body, retry), 'events');
    }
    return { status: 200 };
  }

  /**
   * Runs one command or interaction through Bolt and answers with whatever the listener acked. Slack waits
   * 3 s: a listener that has not answered by then gets Slack a "working on it" (for a command; an empty 200
   * for an interaction), and its real answer, when it comes, goes through the command's response_url. Either
   * way the listener's answer is delivered exactly once.
   */
  private dispatch(body: Record<string, unknown>, retry: { num?: number; reason?: string }): Promise<HttpReply> {
    const app = this.app;
    if (!app) return Promise.resolve({ status: 503 });
    const isCommand = typeof body.command === 'string';
    return new Promise<HttpReply>((resolve) => {
      let acked = false;
      let answeredEarly = false;
      const timer = setTimeout(() => {
        answeredEarly = true;
        this.opts.logger.warn({ type: body.type ?? 'command' }, 'a listener did not answer in time; acknowledging now');
        resolve(toReply(isCommand ? WORKING_ON_IT : undefined));
      }, this.opts.ackTimeoutMs ?? 2500);
      const ack = async (response?: unknown): Promise<void> => {
        if (acked) return;
        acked = true;
        clearTimeout(timer);
        if (!answeredEarly) return resolve(toReply(response));
        const late = asAnswer(response);
        if (!late) return;
        if (isCommand) await this.opts.hooks.answerLate(body, late);
        else this.opts.logger.warn({ type: body.type }, 'an interaction answered after Slack stopped waiting; its answer is dropped');
      };
      const event: ReceiverEvent = { body, ack, retryNum: retry.num, retryReason: retry.reason };
      this.opts.background.run(`slack ${String(body.type ?? body.command ?? 'request')}`, async () => {
        try {
          await app.processEvent(event);
        } catch (err) {
          this.opts.logger.error({ err, type: body.type ?? 'command' }, 'a Slack listener failed');
          if (!acked && isCommand) await ack(SOMETHING_WENT_WRONG);
        } finally {
          await ack();
        }
      });
    });
  }

  private async onSocketEvent(evt: {
    ack: (r?: unknown) => Promise<void>;
    type: string;
    body: Record<string, unknown>;
    retry_num?: number;
    retry_reason?: string;
  }): Promise<void> {
    const body = evt.body;
    if (!body || typeof body !== 'object' || !isKnownShape(body)) return evt.ack();
    if (!(await Promise.resolve(this.opts.hooks.accepts(body)).catch(() => false))) {
      this.opts.logger.warn({ team: teamOf(body) }, 'ignored a request for a workspace that is not installed');
      return evt.ack();
    }
    const retry = { num: evt.retry_num, reason: evt.retry_reason };
    if (evt.type === 'events_api') {
      const reply = await this.acceptEvent(body, retry);
      // Only acknowledge what is stored; an unacknowledged envelope is re-sent by Slack.
      if (reply.status === 200) await evt.ack();
      return;
    }
    const reply = await this.dispatch(body, retry);
    await evt.ack(reply.body ? parseJson(reply.body) ?? { text: reply.body } : undefined);
  }
}

const SOMETHING_WENT_WRONG = { response_type: 'ephemeral', text: 'Sorry, something went wrong on our side and nothing was recorded. Please try again in a moment.' };

/** A listener's answer as a response_url body (a bare string becomes its text); undefined for an empty ack. */
function asAnswer(response: unknown): Record<string, unknown> | undefined {
  if (response === undefined || response === null || response === '') return undefined;
  if (typeof response === 'string') return { response_type: 'ephemeral', text: response };
  return typeof response === 'object' ? (response as Record<string, unknown>) : undefined;
}

function toReply(response: unknown): HttpReply {
  if (response === undefined || response === null || response === '') return { status: 200 };
  if (typeof response === 'string') return { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: response };
  return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(response) };
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function numberOrUndefined(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}

function parseJson(s: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(s);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** A slash command, an interaction payload, or an Events API envelope. */
function isKnownShape(body: Record<string, unknown>): boolean {
  if (typeof body.command === 'string') return typeof body.team_id === 'string' && typeof body.user_id === 'string';
  if (body.type === 'event_callback') return true;
  return typeof body.type === 'string' && typeof body.user === 'object' && body.user !== null;
}

function teamOf(body: Record<string, unknown>): unknown {
  return body.team_id ?? (body.team as { id?: string } | undefined)?.id;
}
