import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type Activity,
  type ConfigurationBotFrameworkAuthenticationOptions,
  type ConversationParameters,
  type ConversationReference,
  type InvokeResponse,
  type TurnContext,
} from 'botbuilder';
import type { TeamsConfig } from '../config';
import { withDeadline } from '../deadline';
import type { Logger } from '../logger';

/** How long checking a request's token may take, fetching signing keys included, before it is given up. */
export const TOKEN_CHECK_TIMEOUT_MS = 5_000;

export type AuthenticateRequestResult = Awaited<ReturnType<ConfigurationBotFrameworkAuthentication['authenticateRequest']>>;

/**
 * What checking a request's token came to: the identity, or why not. `rejected`: the token is not one we accept
 * (forged, expired, for another bot or service URL, a key that is not published). `unavailable`: the token could
 * not be checked, because the signing keys could not be fetched in time.
 */
export type TokenCheck = { ok: true; auth: AuthenticateRequestResult } | { ok: false; outcome: 'rejected' | 'unavailable'; cause: string };

/**
 * botbuilder's CloudAdapter, plus what it lacks: a token check that cannot hang and tells a bad token from
 * keys that could not be fetched (the SDK fetches them without a time limit, and answers both with its own
 * error text), and running a stored activity again (the inbox sweeper), with an identity made for the bot as a
 * proactive send makes it, since the original request's token has expired.
 */
export class KudosCloudAdapter extends CloudAdapter {
  constructor(
    readonly appId: string,
    readonly authEnabled: boolean,
    auth: ConfigurationBotFrameworkAuthentication,
    private readonly tokenCheckTimeoutMs = TOKEN_CHECK_TIMEOUT_MS,
  ) {
    super(auth);
  }

  /**
   * Checks a request's token (with auth disabled, every request gets the anonymous identity). Fetching the
   * signing keys is given `tokenCheckTimeoutMs`; past that the request is answered and the fetch is left to
   * finish or fail on its own.
   */
  async checkToken(activity: Activity, authHeader: string): Promise<TokenCheck> {
    const checking = this.botFrameworkAuthentication.authenticateRequest(activity, authHeader);
    try {
      return { ok: true, auth: await withDeadline(checking, this.tokenCheckTimeoutMs, () => new TokenCheckTimeout(this.tokenCheckTimeoutMs)) };
    } catch (err) {
      return { ok: false, outcome: isTokenRejection(err) ? 'rejected' : 'unavailable', cause: causeOf(err) };
    }
  }

  /** Runs a request's turn with the identity checkToken gave; the invoke response, when the turn set one. */
  run(auth: AuthenticateRequestResult, activity: Activity, logic: (tc: TurnContext) => Promise<void>): Promise<InvokeResponse | undefined> {
    return this.processActivity(auth, activity, logic);
  }

  /**
   * A proactive turn in a stored conversation. Unlike continueConversationAsync alone, a failure inside
   * `logic` reaches the caller (the SDK would hand it to onTurnError and report success).
   */
  async proactive(reference: Partial<ConversationReference>, logic: (tc: TurnContext) => Promise<void>): Promise<void> {
    await rethrowing((inner) => this.continueConversationAsync(this.appId, reference, inner), logic);
  }

  /** Creates a conversation (a personal chat) and runs `logic` in it, failures reaching the caller. */
  async createConversation(channelId: string, serviceUrl: string, params: ConversationParameters, logic: (tc: TurnContext) => Promise<void>): Promise<void> {
    // An undefined audience makes the connector use the default scope for messages to Teams.
    await rethrowing((inner) => this.createConversationAsync(this.appId, channelId, serviceUrl, undefined as unknown as string, params, inner), logic);
  }

  /** Runs a stored activity again; a failure inside `logic` reaches the caller, so the inbox keeps the activity. */
  async replay(activity: Activity, logic: (tc: TurnContext) => Promise<void>): Promise<void> {
    const claimsIdentity = this.createClaimsIdentity(this.appId);
    const connectorFactory = this.botFrameworkAuthentication.createConnectorFactory(claimsIdentity);
    // An undefined audience makes the connector use the default scope for messages to Teams.
    const auth = { claimsIdentity, connectorFactory, audience: undefined as unknown as string, callerId: activity.callerId ?? '' };
    await rethrowing(async (inner) => {
      await this.processActivity(auth, activity, inner);
    }, logic);
  }
}

class TokenCheckTimeout extends Error {
  constructor(ms: number) {
    super(`no signing keys within ${ms} ms`);
    this.name = 'TokenCheckTimeout';
  }
}

/** jsonwebtoken's errors: a bad signature, a malformed token, outside its validity window. */
const JWT_ERRORS = new Set(['JsonWebTokenError', 'TokenExpiredError', 'NotBeforeError']);

/**
 * The token itself is bad: botbuilder's AuthenticationError with 401, or jsonwebtoken's errors, which the SDK lets
 * through as they are. Anything else (its AuthenticationError with 500 when the metadata or keys answer an error,
 * node-fetch's errors for a refused connection or a DNS failure, a time-out) means the keys were not to be had.
 */
function isTokenRejection(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  return (err as { statusCode?: unknown }).statusCode === 401 || JWT_ERRORS.has(err.name);
}

/** For the log: what went wrong, without a stack. The SDK's messages name claims and URLs, never the token. */
function causeOf(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as { code?: unknown }).code;
  return `${err.name}: ${err.message}${typeof code === 'string' && !err.message.includes(code) ? ` (${code})` : ''}`;
}

async function rethrowing(
  run: (inner: (tc: TurnContext) => Promise<void>) => Promise<void>,
  logic: (tc: TurnContext) => Promise<void>,
): Promise<void> {
  let failure: { err: unknown } | undefined;
  await run(async (tc) => {
    try {
      await logic(tc);
    } catch (err) {
      failure = { err };
    }
  });
  if (failure) throw failure.err;
}

/** Tests only: botbuilder's endpoints and the time limit of token checks. */
export interface TokenCheckOptions {
  /** Settings laid over the app's own (tests point the signing-key metadata at a local server). */
  settings?: ConfigurationBotFrameworkAuthenticationOptions;
  /** Instead of TOKEN_CHECK_TIMEOUT_MS. */
  timeoutMs?: number;
}

/**
 * With an app id every request's token is validated and every outbound call carries one. Without (only with
 * TEAMS_ALLOW_UNAUTHENTICATED, for the Emulator and tests) botbuilder skips both.
 */
export function createCloudAdapter(config: TeamsConfig, logger: Logger, tokenCheck: TokenCheckOptions = {}): KudosCloudAdapter {
  const unauthenticated = config.allowUnauthenticated;
  if (unauthenticated) {
    logger.warn(
      { ignoredAppId: config.appId ? true : undefined },
      'TEAMS_ALLOW_UNAUTHENTICATED is on: requests to /api/messages are accepted without a token and replies carry none. Use it only with the Bot Framework Emulator or in tests.',
    );
  }
  const appId = unauthenticated ? '' : (config.appId ?? '');
  const auth = new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: appId,
    MicrosoftAppPassword: unauthenticated ? '' : (config.appPassword ?? ''),
    MicrosoftAppType: unauthenticated ? '' : config.appType,
    MicrosoftAppTenantId: unauthenticated ? '' : (config.tenantId ?? ''),
    ...tokenCheck.settings,
  });
  const adapter = new KudosCloudAdapter(appId, !unauthenticated, auth, tokenCheck.timeoutMs);
  // Handlers catch their own failures; this is the net for anything that slips past them. It logs with context
  // and never shows the error to people.
  adapter.onTurnError = async (context, error) => {
    logger.error({ err: error, type: context.activity?.type, name: context.activity?.name }, 'Teams turn failed');
  };
  return adapter;
}
