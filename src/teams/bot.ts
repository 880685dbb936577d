import {
  TeamsActivityHandler,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  type MessagingExtensionAction,
  type MessagingExtensionActionResponse,
  type TaskModuleRequest,
  type TaskModuleResponse,
  type TurnContext,
} from 'botbuilder';
import { SORRY } from './cards/messages';
import { turnOf, type TeamsContext } from './context';
import { fetchGiveForm, submitGiveForm, type MessagePayload } from './handlers/give-form';
import { onConversationUpdate, onInstallationUpdate } from './handlers/install';
import { onMessage } from './handlers/message';
import { onMessageReaction } from './handlers/reactions';
import { onAdaptiveCardAction } from './handlers/settings';

/**
 * Routes each Teams activity to its handler (one module per trigger). Handlers for messages, reactions and
 * updates do not call `next()`: the SDK's further dispatch (and the member lookups it makes on its own) is not
 * needed. Invokes are answered by overriding the `handle…` methods; their return value is the HTTP response.
 */
export class KudosBot extends TeamsActivityHandler {
  constructor(private readonly ctx: TeamsContext) {
    super();
    this.onMessage(async (tc) => onMessage(ctx, turnOf(tc)));
    this.onMessageReaction(async (tc) => onMessageReaction(ctx, turnOf(tc)));
    this.onConversationUpdate(async (tc) => onConversationUpdate(ctx, turnOf(tc)));
    this.onInstallationUpdate(async (tc) => onInstallationUpdate(ctx, turnOf(tc)));
  }

  protected override async handleTeamsMessagingExtensionFetchTask(tc: TurnContext, action: MessagingExtensionAction): Promise<MessagingExtensionActionResponse> {
    return this.answer(tc, () => fetchGiveForm(this.ctx, turnOf(tc), action.messagePayload as MessagePayload | undefined));
  }

  protected override async handleTeamsMessagingExtensionSubmitAction(tc: TurnContext, action: MessagingExtensionAction): Promise<MessagingExtensionActionResponse> {
    return this.answer(tc, () => submitGiveForm(this.ctx, turnOf(tc), action.data as Record<string, unknown> | undefined));
  }

  protected override async handleTeamsTaskModuleFetch(tc: TurnContext, _req: TaskModuleRequest): Promise<TaskModuleResponse> {
    return this.answer(tc, () => fetchGiveForm(this.ctx, turnOf(tc)));
  }

  protected override async handleTeamsTaskModuleSubmit(tc: TurnContext, req: TaskModuleRequest): Promise<TaskModuleResponse> {
    return this.answer(tc, () => submitGiveForm(this.ctx, turnOf(tc), req.data as Record<string, unknown> | undefined));
  }

  protected override async onAdaptiveCardInvoke(tc: TurnContext, value: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse> {
    try {
      return await onAdaptiveCardAction(this.ctx, turnOf(tc), value);
    } catch (err) {
      this.ctx.logger.error({ err, verb: value.action?.verb }, 'Teams card action failed');
      return { statusCode: 500, type: 'application/vnd.microsoft.error', value: { code: 'InternalError', message: SORRY } as never };
    }
  }

  /** A dialog answer, or a short apology in a popup (never the error itself) when the handler failed. */
  private async answer<T extends TaskModuleResponse>(tc: TurnContext, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      this.ctx.logger.error({ err, name: tc.activity.name }, 'Teams invoke failed');
      return { task: { type: 'message', value: SORRY } } as T;
    }
  }
}
