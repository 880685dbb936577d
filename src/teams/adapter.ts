import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type Activity,
  type ConversationParameters,
  type ConversationReference,
  type TurnContext,
} from 'botbuilder';
import type { TeamsConfig } from '../config';
import type { Logger } from '../logger';

/**
 * botbuilder's CloudAdapter, plus one thing it lacks: running a stored activity again (the inbox sweeper), with
 * an identity made for the bot as a proactive send makes it, since the original request's token has expired.
 */
export class KudosCloudAdapter extends CloudAdapter {
  constructor(
    readonly appId: string,
    readonly authEnabled: boolean,
    auth: ConfigurationBotFrameworkAuthentication,
  ) {
    super(auth);
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

/**
 * With an app id every request's token is validated and every outbound call carries one. Without (only with
 * TEAMS_ALLOW_UNAUTHENTICATED, for the Emulator and tests) botbuilder skips both.
 */
export function createCloudAdapter(config: TeamsConfig, logger: Logger): KudosCloudAdapter {
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
  });
  const adapter = new KudosCloudAdapter(appId, !unauthenticated, auth);
  // Handlers catch their own failures; this is the net for anything that slips past them. It logs with context
  // and never shows the error to people.
  adapter.onTurnError = async (context, error) => {
    logger.error({ err: error, type: context.activity?.type, name: context.activity?.name }, 'Teams turn failed');
  };
  return adapter;
}
