import { webApi } from '@slack/bolt';
import type { WebAPICallResult } from './types';

const { ErrorCode, WebClient } = webApi;
import type { Logger } from '../logger';

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
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Methods whose effect may have happened even when the answer was lost (a 5xx, a dropped connection):
 * retrying them could post twice, so only a rate-limit answer (which means "not done") is retried.
 */
const NOT_IDEMPOTENT = new Set(['chat.postMessage', 'chat.postEphemeral', 'views.open', 'views.push']);

/**
 * The bot's Web API client. Retries are ours rather than the SDK's (whose default is ten retries over half an
 * hour with its queue paused): a 429 waits for Retry-After, a 5xx or a dropped connection retries briefly,
 * and anything else fails at once with Slack's error code.
 */
export class SlackApi {
  readonly client: InstanceType<typeof WebClient>;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly opts: SlackApiOptions) {
    this.client = new WebClient(opts.token, {
      slackApiUrl: opts.apiUrl,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      timeout: 10_000,
    });
    this.sleep = opts.sleep ?? defaultSleep;
  }

  async call<T extends WebAPICallResult = WebAPICallResult>(method: string, args: Record<string, unknown>): Promise<T> {
    let rateLimited = 0;
    let transient = 0;
    for (;;) {
      try {
        return (await this.client.apiCall(method, args)) as T;
      } catch (err) {
        const e = toCallError(method, err);
        if (e.code === 'ratelimited' && rateLimited < (this.opts.rateLimitRetries ?? 3)) {
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

  postMessage(args: Record<string, unknown>): Promise<WebAPICallResult & { ts?: string; channel?: string }> {
    return this.call('chat.postMessage', args);
  }
}

export function toCallError(method: string, err: unknown): SlackCallError {
  const e = err as { code?: string; data?: { error?: string }; retryAfter?: number; statusCode?: number };
  switch (e?.code) {
    case ErrorCode.PlatformError:
      return new SlackCallError(method, e.data?.error ?? 'unknown_error');
    case ErrorCode.RateLimitedError:
      return new SlackCallError(method, 'ratelimited', e.retryAfter);
    case ErrorCode.HTTPError:
      return new SlackCallError(method, `http_${e.statusCode ?? 'error'}`);
    case ErrorCode.RequestError:
      return new SlackCallError(method, 'network');
    default:
      return new SlackCallError(method, err instanceof Error ? err.message : 'unknown_error');
  }
}

export function slackErrorCode(err: unknown): string | undefined {
  return err instanceof SlackCallError ? err.code : undefined;
}
