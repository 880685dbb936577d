import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  ErrorCode,
  InstallProvider,
  LogLevel,
  type CallbackOptions,
  type CodedError,
  type Installation,
  type InstallationStore,
  type InstallProviderOptions,
  type InstallURLOptions,
  type Logger as SlackLogger,
  type OrgInstallation,
} from '@slack/oauth';
import type { Kysely } from 'kysely';
import { fetch as undiciFetch, type Dispatcher } from 'undici';
import type { ProxyConfig, SlackOAuthConfig } from '../config';
import type { Clock } from '../core/clock';
import type { Database } from '../db/schema';
import type { Logger } from '../logger';
import { createDispatcher } from '../server/outbound';
import { SLACK_INSTALL_PATH, SLACK_REDIRECT_PATH } from '../server/http';
import { failurePage, installedPage, installPage, PAGE_HEADERS, type InstallFailure } from './oauth-pages';
import { OAuthStateStore } from './oauth-state';

export interface SlackInstallRoutesOptions {
  config: SlackOAuthConfig;
  /** SLACK_API_URL (tests point it at a fake); unset: Slack's. */
  apiUrl?: string;
  /** Where installations are kept (PostgresInstallationStore). */
  store: InstallationStore;
  db: Kysely<Database>;
  logger: Logger;
  clock: Clock;
  /** The bot scopes to request (BOT_SCOPES). */
  scopes: readonly string[];
  /** HTTPS_PROXY / HTTP_PROXY / NO_PROXY for the calls to Slack (src/server/outbound.ts); unset: direct. */
  proxy?: ProxyConfig;
}

/** The cookie that ties a state to the browser that asked for it (InstallProvider sets and checks it). */
const STATE_COOKIE = 'slack-app-oauth-state';

const FAILURE_STATUS: Readonly<Record<InstallFailure, number>> = {
  invalid_link: 400,
  // Cancelling is a normal outcome of the flow, not a bad request: the page says nothing was installed.
  cancelled: 200,
  refused: 502,
  unavailable: 502,
  error: 500,
};

/** @slack/web-api's error codes (a dependency of @slack/oauth, not of Kudos, so named here). */
const SLACK_PLATFORM_ERROR = 'slack_webapi_platform_error';
const SLACK_UNREACHABLE = new Set(['slack_webapi_request_error', 'slack_webapi_http_error', 'slack_webapi_rate_limited_error']);

/**
 * "Add to Slack" (OAuth v2) for installing Kudos in any number of workspaces, on @slack/oauth's InstallProvider:
 * - GET /slack/install: the page with the button; its link to Slack's authorize page carries a signed,
 *   single-use state (OAuthStateStore), also set as a cookie so that only this browser can come back with it;
 * - GET /slack/oauth_redirect: where Slack sends the installer back. A good state (and cookie) is used up, the
 *   code is exchanged with oauth.v2.access, and the installation goes to `store` (tokens sealed, workspace
 *   connected; an org-wide Grid install is kept under its org). Anything wrong with the state is a 400 before
 *   Slack is called; a cancel shows what happened; a refused code is a 502.
 * Neither the code, the client secret nor a token is ever logged.
 */
export class SlackInstallRoutes {
  private readonly provider: InstallProvider;
  private readonly states: OAuthStateStore;
  private readonly logger: Logger;
  private readonly dispatcher: Dispatcher | undefined;
  private readonly callbackOptions: CallbackOptions;

  constructor(private readonly opts: SlackInstallRoutesOptions) {
    this.logger = opts.logger.child({ component: 'slack-install' });
    const installOptions: InstallURLOptions = {
      scopes: [...opts.scopes],
      ...(opts.config.redirectUri ? { redirectUri: opts.config.redirectUri } : {}),
    };
    this.states = new OAuthStateStore({ db: opts.db, secret: opts.config.stateSecret, clock: opts.clock, installOptions });
    this.dispatcher = opts.proxy ? createDispatcher(opts.proxy, { keepAliveTimeout: 10_000, headersTimeout: 10_000, bodyTimeout: 10_000 }) : undefined;
    const dispatcher = this.dispatcher;
    const clientOptions: NonNullable<InstallProviderOptions['clientOptions']> = {
      slackApiUrl: opts.apiUrl,
      // The installer is waiting in a browser: fail fast and let them try again, rather than retry for minutes.
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      timeout: 10_000,
      ...(dispatcher
        ? {
            // Form bodies only here (no file uploads), which undici's fetch takes as they are.
            fetch: ((url, init) => undiciFetch(url, { ...init, dispatcher } as Parameters<typeof undiciFetch>[1])) as NonNullable<InstallProviderOptions['clientOptions']>['fetch'],
          }
        : {}),
    };
    this.provider = new InstallProvider({
      clientId: opts.config.clientId,
      clientSecret: opts.config.clientSecret,
      installationStore: opts.store,
      stateStore: this.states,
      stateVerification: true,
      stateCookieName: STATE_COOKIE,
      installUrlOptions: installOptions,
      renderHtmlForInstallPath: (authorizeUrl) => installPage({ authorizeUrl, scopes: opts.scopes }),
      logger: libraryLogger(this.logger),
      clientOptions,
    });
    this.callbackOptions = {
      successAsync: (installation, _options, _req, res) => this.installed(installation, res),
      failureAsync: (error, _options, req, res) => this.failed(error, req, res),
    };
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    for (const [name, value] of Object.entries(PAGE_HEADERS)) res.setHeader(name, value);
    const path = (req.url ?? '/').split('?')[0];
    if (path === SLACK_INSTALL_PATH) return this.installPath(req, res);
    if (path === SLACK_REDIRECT_PATH) return this.provider.handleCallback(req, res, this.callbackOptions);
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found');
  }

  /** Closes the proxy's connections, if a proxy is used. */
  async close(): Promise<void> {
    await this.dispatcher?.close();
  }

  private async installPath(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      await this.provider.handleInstallPath(req, res);
    } catch (err) {
      // Making the state failed (the database): InstallProvider wraps the cause in a GenerateInstallUrlError.
      this.logger.error({ err: plainError(err) }, 'the Add to Slack page failed');
      if (!res.headersSent) this.page(res, 'error');
      else res.end();
    }
  }

  private async installed(installation: Installation | OrgInstallation, res: ServerResponse): Promise<void> {
    const isOrg = installation.isEnterpriseInstall === true;
    const teamId = installation.team?.id;
    const enterpriseId = installation.enterprise?.id;
    // Ids only: the installation holds tokens.
    this.logger.info({ teamId, enterpriseId, isEnterpriseInstall: isOrg }, 'Kudos installed');
    const name = (isOrg ? installation.enterprise?.name : installation.team?.name) || (isOrg ? enterpriseId : teamId) || 'your workspace';
    res.writeHead(200);
    res.end(installedPage({ name, isEnterpriseInstall: isOrg, teamId: isOrg ? undefined : teamId, appId: installation.appId }));
  }

  private async failed(error: CodedError, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
    const kind = failureKind(error, query);
    if (kind === 'cancelled') {
      // InstallProvider stops at Slack's error before looking at the state: use it up here, so that a link
      // cancelled once cannot be followed again, and forget the browser's copy.
      const state = query.get('state');
      if (state) await this.states.verifyStateParam(this.opts.clock(), state).catch(() => undefined);
      res.setHeader('Set-Cookie', `${STATE_COOKIE}=deleted; Secure; HttpOnly; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT`);
      this.logger.info('Add to Slack cancelled by the installer');
    } else if (kind === 'invalid_link') {
      // The state store's and InstallProvider's messages name what was wrong, never the value.
      this.logger.warn({ code: error.code, reason: error.message }, 'Add to Slack refused: bad install link');
    } else if (kind === 'refused') {
      // Slack's error code only (invalid_code, bad_redirect_uri, …): its whole answer is not logged.
      this.logger.warn({ slackError: slackErrorCode(error) }, 'Slack refused the Add to Slack code');
    } else if (kind === 'unavailable') {
      this.logger.warn({ code: error.code }, 'Slack could not be reached to finish Add to Slack');
    } else {
      this.logger.error({ err: plainError(error) }, 'Add to Slack failed');
    }
    this.page(res, kind);
  }

  private page(res: ServerResponse, kind: InstallFailure): void {
    res.writeHead(FAILURE_STATUS[kind]);
    res.end(failurePage(kind, SLACK_INSTALL_PATH));
  }
}

function failureKind(error: CodedError, query: URLSearchParams): InstallFailure {
  if (query.get('error') === 'access_denied') return 'cancelled';
  switch (error.code) {
    case ErrorCode.MissingStateError:
    case ErrorCode.InvalidStateError:
    case ErrorCode.MissingCodeError:
      return 'invalid_link';
    case SLACK_PLATFORM_ERROR:
      return 'refused';
    default:
      return SLACK_UNREACHABLE.has(error.code) ? 'unavailable' : 'error';
  }
}

function slackErrorCode(error: CodedError): string | undefined {
  const data = (error as { data?: { error?: unknown } }).data;
  return typeof data?.error === 'string' ? data.error : undefined;
}

/** An error as name, message and stack only: errors from the Web API client carry Slack's whole answer. */
function plainError(err: unknown): { type: string; message: string; stack?: string; code?: string } {
  if (!(err instanceof Error)) return { type: typeof err, message: String(err) };
  const code = (err as { code?: unknown }).code;
  return { type: err.name, message: err.message, stack: err.stack, ...(typeof code === 'string' ? { code } : {}) };
}

/**
 * The logger handed to InstallProvider and its Web API client. Their debug lines are dropped: the client's
 * "http request body" line shows oauth.v2.access's client_secret and code (its redaction covers only keys named
 * like tokens). Their errors repeat what `failed` logs with context, so they go to debug; warnings stay.
 */
function libraryLogger(logger: Logger): SlackLogger {
  const text = (m: unknown[]) => m.map((x) => (x instanceof Error ? `${x.name}: ${x.message}` : String(x))).join(' ');
  return {
    debug: () => undefined,
    info: (...m: unknown[]) => logger.debug(text(m)),
    warn: (...m: unknown[]) => logger.warn(text(m)),
    error: (...m: unknown[]) => logger.debug(text(m)),
    setLevel: () => undefined,
    getLevel: () => LogLevel.WARN,
    setName: () => undefined,
  };
}
