import { request, type Dispatcher } from 'undici';
import type { ProxyConfig } from '../config';
import type { Logger } from '../logger';
import { createDispatcher } from '../server/outbound';
import type { WebAPICallResult } from './types';

/** A Slack Web API failure reduced to what the bot acts on. */
export class SlackCallError extends Error {
  override name = 'SlackCallError';
  constructor(
    readonly method: string,
    /** Slack's error code (`not_in_channel`, `ratelimited`, …), or `http_<status>` / `network`. */
    readonly code: string,
    readonly retryAfterSec?: number,
  ) {
    super(`${method} failed: ${code}`);
  }
}

export interface SlackApiOptions {
  /** The bot token, or a function giving a valid one (a rotating token is refreshed before it expires). */
  token: string | (() => Promise<string>);
  /** Connections shared with other workspaces' clients (one pool for a whole fleet); closed by its owner. */
  dispatcher?: Dispatcher;
  apiUrl?: string;
  logger: Logger;
  /** Waits between retries; tests pass one that records the delay instead of waiting. */
  sleep?: (ms: number) => Promise<void>;
  /** The app's clock (ms), for when a tier's Retry-After ends; default Date.now. */
  now?: () => number;
  /** Rate-limited calls are retried after Retry-After this many times. */
  rateLimitRetries?: number;
  /** 5xx and connection failures are retried this many times, with a short backoff. */
  transientRetries?: number;
  /** HTTPS_PROXY / HTTP_PROXY / NO_PROXY (src/server/outbound.ts); unset: direct. */
  proxy?: ProxyConfig;
  /** What an admin must do when Slack refuses the token (logged); default: reinstall or replace SLACK_BOT_TOKEN. */
  whenRefused?: string;
}

/** Answers that mean the bot cannot post in that channel (so a request's response_url may be tried). */
export const NOT_A_MEMBER = new Set(['not_in_channel', 'channel_not_found', 'method_not_supported_for_channel_type']);

/**
 * Answers that mean Slack refuses the bot's token itself: nothing will work until an admin reinstalls the app
 * or replaces the token (or the workspace is reactivated).
 */
export const AUTH_FAILURES = new Set(['invalid_auth', 'not_authed', 'account_inactive', 'token_revoked', 'token_expired']);

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Slack's rate-limit tiers for the methods Kudos calls (Slack's method reference). Limits are per token and per
 * tier, so a Retry-After pauses that tier for this workspace only; methods not listed count as `special`
 * (each has its own limit, e.g. chat.postMessage about one per second per channel).
 */
const TIERS: Readonly<Record<string, string>> = {
  'users.info': 'tier4',
  'views.open': 'tier4',
  'views.push': 'tier4',
  'views.update': 'tier4',
  'views.publish': 'tier4',
  'chat.update': 'tier3',
  'conversations.join': 'tier3',
  'conversations.history': 'tier3',
  'conversations.replies': 'tier3',
  'auth.test': 'tier4',
  'conversations.open': 'tier3',
  'files.getUploadURLExternal': 'tier4',
  'files.completeUploadExternal': 'tier4',
};

export function rateLimitTier(method: string): string {
  return TIERS[method] ?? `special:${method}`;
}

/**
 * Methods whose effect may have happened even when the answer was lost (a 5xx, a dropped connection):
 * retrying them could post twice, so only a rate-limit answer (which means "not done") is retried.
 */
const NOT_IDEMPOTENT = new Set(['chat.postMessage', 'chat.postEphemeral', 'views.open', 'views.push']);

/**
 * The bot's Web API client: form-encoded POSTs over keep-alive connections (Slack's own wire format, with
 * structured arguments such as `blocks` as JSON), and nothing else between the bot and Slack. Retries are
 * ours: a 429 waits for Retry-After, a 5xx or a dropped connection retries briefly (only where repeating
 * cannot post twice), and anything else fails at once with Slack's error code.
 */
export class SlackApi {
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;
  private readonly base: string;
  private readonly agent: Dispatcher;
  private readonly ownsAgent: boolean;
  private refused: string | undefined;
  /** Per tier: when Slack's latest Retry-After for this token ends (ms since the epoch). */
  private readonly pausedUntil = new Map<string, number>();

  constructor(private readonly opts: SlackApiOptions) {
    this.sleep = opts.sleep ?? defaultSleep;
    this.now = opts.now ?? Date.now;
    this.ownsAgent = !opts.dispatcher;
    this.agent = opts.dispatcher ?? slackDispatcher(opts.proxy);
    const base = opts.apiUrl ?? 'https://slack.com/api/';
    this.base = base.endsWith('/') ? base : `${base}/`;
  }

  /**
   * A rate limit is waited out (Retry-After, at most 60 s, three times) unless the caller would rather come back
   * later than wait holding something (a claim to post): `waitOnRateLimit: false` gives it straight back as a
   * SlackCallError `ratelimited` with Retry-After, and so does a Retry-After longer than `maxWaitSec`. A rate
   * limit given back pauses the method's tier for this token (this workspace only) until Retry-After has
   * passed: callers that would not wait are answered `ratelimited` without asking Slack again meanwhile.
   */
  async call<T extends WebAPICallResult = WebAPICallResult>(
    method: string,
    args: Record<string, unknown>,
    opts: { waitOnRateLimit?: boolean; maxWaitSec?: number } = {},
  ): Promise<T> {
    let rateLimited = 0;
    let transient = 0;
    const tier = rateLimitTier(method);
    const pausedMs = (this.pausedUntil.get(tier) ?? 0) - this.now();
    if (pausedMs > 0 && opts.waitOnRateLimit === false) throw new SlackCallError(method, 'ratelimited', Math.ceil(pausedMs / 1000));
    for (;;) {
      try {
        const answer = (await this.once(method, args)) as T;
        this.pausedUntil.delete(tier);
        this.tokenAccepted();
        return answer;
      } catch (err) {
        const e = err instanceof SlackCallError ? err : new SlackCallError(method, 'network');
        if (AUTH_FAILURES.has(e.code)) this.tokenRefusedWith(method, e.code);
        if (e.code === 'ratelimited') {
          const retryAfterSec = Math.max(e.retryAfterSec ?? 1, 0);
          const waits = opts.waitOnRateLimit !== false && (opts.maxWaitSec === undefined || retryAfterSec <= opts.maxWaitSec);
          if (waits && rateLimited < (this.opts.rateLimitRetries ?? 3)) {
            rateLimited++;
            const waitSec = Math.min(retryAfterSec, 60);
            this.opts.logger.warn({ method, retryAfterSec: waitSec }, 'Slack rate limit; waiting before retrying');
            await this.sleep(waitSec * 1000);
            continue;
          }
          this.pausedUntil.set(tier, this.now() + retryAfterSec * 1000);
        }
        const transientError = e.code.startsWith('http_5') || e.code === 'network';
        if (transientError && !NOT_IDEMPOTENT.has(method) && transient < (this.opts.transientRetries ?? 2)) {
          transient++;
          await this.sleep(250 * 2 ** transient);
          continue;
        }
        throw e;
      }
    }
  }

  /** Slack's reason for refusing the token on the latest call (`token_revoked`, …); undefined while it is accepted. */
  get tokenRefused(): string | undefined {
    return this.refused;
  }

  private tokenRefusedWith(method: string, code: string): void {
    if (this.refused !== code) {
      this.opts.logger.error({ method, code }, `Slack refuses the bot token: nothing can be posted until ${this.opts.whenRefused ?? 'an admin reinstalls Kudos or replaces SLACK_BOT_TOKEN'}`);
    }
    this.refused = code;
  }

  private tokenAccepted(): void {
    if (!this.refused) return;
    this.opts.logger.info({ was: this.refused }, 'Slack accepts the bot token again');
    this.refused = undefined;
  }

  /**
   * POSTs to a response_url (a slash command's or a form's) with JSON, as Slack expects: through the same
   * connections and proxy as the Web API, and without the bot token (the URL is its own credential).
   */
  async respond(url: string, body: Record<string, unknown>): Promise<void> {
    const res = await request(url, {
      method: 'POST',
      dispatcher: this.agent,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    await res.body.dump();
    if (res.statusCode < 200 || res.statusCode >= 300) throw new Error(`response_url answered ${res.statusCode}`);
  }

  /**
   * Sends a file's bytes to the upload URL Slack handed out (files.getUploadURLExternal): a plain POST of the
   * content, through the same connections and proxy as the Web API. The URL is its own credential.
   */
  async uploadTo(url: string, content: Buffer | NodeJS.ReadableStream, length: number): Promise<void> {
    const res = await request(url, {
      method: 'POST',
      dispatcher: this.agent,
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(length) },
      body: content as Buffer,
    });
    await res.body.dump();
    if (res.statusCode < 200 || res.statusCode >= 300) throw new SlackCallError('files.upload', `http_${res.statusCode}`);
  }

  postMessage(args: Record<string, unknown>): Promise<WebAPICallResult & { ts?: string; channel?: string }> {
    return this.call('chat.postMessage', args);
  }

  async close(): Promise<void> {
    if (this.ownsAgent) await this.agent.close();
  }

  private token(): Promise<string> {
    const t = this.opts.token;
    return typeof t === 'string' ? Promise.resolve(t) : t();
  }

  /** One attempt: Slack's answer, or a SlackCallError saying why not. */
  private async once(method: string, args: Record<string, unknown>): Promise<WebAPICallResult> {
    const res = await request(`${this.base}${method}`, {
      method: 'POST',
      dispatcher: this.agent,
      headers: { authorization: `Bearer ${await this.token()}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: formBody(args),
    }).catch(() => {
      throw new SlackCallError(method, 'network');
    });
    const text = await res.body.text().catch(() => {
      throw new SlackCallError(method, 'network');
    });
    if (res.statusCode === 429) {
      const retryAfter = Number(res.headers['retry-after']);
      throw new SlackCallError(method, 'ratelimited', Number.isFinite(retryAfter) ? retryAfter : undefined);
    }
    if (res.statusCode !== 200) throw new SlackCallError(method, `http_${res.statusCode}`);
    let data: WebAPICallResult;
    try {
      data = JSON.parse(text) as WebAPICallResult;
    } catch {
      throw new SlackCallError(method, 'invalid_response');
    }
    if (!data.ok) {
      const error = (data as { error?: unknown }).error;
      throw new SlackCallError(method, typeof error === 'string' ? error : 'unknown_error');
    }
    return data;
  }
}

/** Keep-alive connections to Slack (through the proxy, if one is set), for one client or shared by many. */
export function slackDispatcher(proxy: ProxyConfig | undefined): Dispatcher {
  return createDispatcher(proxy, { keepAliveTimeout: 30_000, headersTimeout: 10_000, bodyTimeout: 10_000 });
}

/** Slack's form encoding: scalars as text, structured values (blocks, views, …) as JSON, nothing for null. */
function formBody(args: Record<string, unknown>): string {
  const form = new URLSearchParams();
  for (const [k, v] of Object.entries(args)) {
    if (v === undefined || v === null) continue;
    form.set(k, typeof v === 'object' ? JSON.stringify(v) : String(v));
  }
  return form.toString();
}

export function slackErrorCode(err: unknown): string | undefined {
  return err instanceof SlackCallError ? err.code : undefined;
}
