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
  token: string;
  apiUrl?: string;
  logger: Logger;
  /** Waits between retries; tests pass one that records the delay instead of waiting. */
  sleep?: (ms: number) => Promise<void>;
  /** Rate-limited calls are retried after Retry-After this many times. */
  rateLimitRetries?: number;
  /** 5xx and connection failures are retried this many times, with a short backoff. */
  transientRetries?: number;
  /** HTTPS_PROXY / HTTP_PROXY / NO_PROXY (src/server/outbound.ts); unset: direct. */
  proxy?: ProxyConfig;
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
  private readonly base: string;
  private readonly agent: Dispatcher;
  private refused: string | undefined;

  constructor(private readonly opts: SlackApiOptions) {
    this.sleep = opts.sleep ?? defaultSleep;
    this.agent = createDispatcher(opts.proxy, { keepAliveTimeout: 30_000, headersTimeout: 10_000, bodyTimeout: 10_000 });
    const base = opts.apiUrl ?? 'https://slack.com/api/';
    this.base = base.endsWith('/') ? base : `${base}/`;
  }

  /**
   * `waitOnRateLimit: false` gives a rate limit straight back (a SlackCallError `ratelimited` with Retry-After)
   * to a caller that would rather come back later than wait holding something (a claim to post a kudos).
   */
  async call<T extends WebAPICallResult = WebAPICallResult>(method: string, args: Record<string, unknown>, opts: { waitOnRateLimit?: boolean } = {}): Promise<T> {
    let rateLimited = 0;
    let transient = 0;
    for (;;) {
      try {
        const answer = (await this.once(method, args)) as T;
        this.tokenAccepted();
        return answer;
      } catch (err) {
        const e = err instanceof SlackCallError ? err : new SlackCallError(method, 'network');
        if (AUTH_FAILURES.has(e.code)) this.tokenRefusedWith(method, e.code);
        if (e.code === 'ratelimited' && opts.waitOnRateLimit !== false && rateLimited < (this.opts.rateLimitRetries ?? 3)) {
          rateLimited++;
          const waitSec = Math.min(Math.max(e.retryAfterSec ?? 1, 0), 60);
          this.opts.logger.warn({ method, retryAfterSec: waitSec }, 'Slack rate limit; waiting before retrying');
          await this.sleep(waitSec * 1000);
          continue;
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
      this.opts.logger.error({ method, code }, 'Slack refuses the bot token: nothing can be posted until an admin reinstalls Kudos or replaces SLACK_BOT_TOKEN');
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

  postMessage(args: Record<string, unknown>): Promise<WebAPICallResult & { ts?: string; channel?: string }> {
    return this.call('chat.postMessage', args);
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  /** One attempt: Slack's answer, or a SlackCallError saying why not. */
  private async once(method: string, args: Record<string, unknown>): Promise<WebAPICallResult> {
    const res = await request(`${this.base}${method}`, {
      method: 'POST',
      dispatcher: this.agent,
      headers: { authorization: `Bearer ${this.opts.token}`, 'content-type': 'application/x-www-form-urlencoded' },
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
