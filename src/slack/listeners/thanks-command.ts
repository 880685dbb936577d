import type { AnyMiddlewareArgs, App, SlackCommandMiddlewareArgs, SlashCommand } from '@slack/bolt';
import { allowanceToday, giveKudos } from '../../core/give';
import { parseThanks } from '../../core/parse-thanks';
import { resolvePerson } from '../../core/people';
import { undoLastKudos } from '../../core/reverse';
import { loadSettings } from '../../core/settings-store';
import { personStats } from '../../core/stats';
import { listValues } from '../../db/queries/values';
import { SlackCallError } from '../api';
import { kudosPostBlocks, kudosPostText } from '../blocks/kudos-post';
import {
  confirmationReply,
  duplicateReply,
  helpReply,
  nothingToUndoReply,
  refusalReply,
  simpleReply,
  statsReply,
  undoneReply,
  type Reply,
} from '../blocks/messages';
import { afterCampaignGive } from '../campaign';
import type { SlackContext } from '../context';
import { deliveryNotice, notifyRecipients, postKudos, respondTo } from '../deliver';
import { openGiveModal } from './give-modal';

export const COMMAND = '/thanks';

/** Extra lines for `/thanks stats` (e.g. a running campaign's challenge progress). */
export type StatsExtras = (ctx: SlackContext, personId: number) => Promise<string[]>;

type CommandArgs = Pick<SlackCommandMiddlewareArgs, 'command' | 'ack'>;

export function register(app: App, ctx: SlackContext, extras?: { stats?: StatsExtras }): void {
  // After reactions, `/thanks` is the busiest request: like them (listeners/reactions.ts), a global middleware
  // takes it to its handler at once, instead of Bolt offering it to every listener's matchers in turn.
  app.use(async (args) => {
    if (!isThanks(args)) return args.next();
    await onThanks(ctx, args, extras);
  });
}

function isThanks(args: AnyMiddlewareArgs): args is SlackCommandMiddlewareArgs {
  return 'command' in args && args.command?.command === COMMAND;
}

async function onThanks(ctx: SlackContext, { command, ack }: CommandArgs, extras?: { stats?: StatsExtras }): Promise<void> {
  const reply = (r: Reply) => ack({ response_type: 'ephemeral', text: r.text, blocks: r.blocks });
  const parsed = parseThanks(command.text ?? '');
  switch (parsed.kind) {
    case 'open_modal':
      // trigger_id expires 3 s after Slack sent it: open the form before anything slow.
      try {
        await openGiveModal(ctx, command.trigger_id, { channelId: command.channel_id, source: 'modal' });
        await ack();
      } catch (err) {
        ctx.logger.warn({ code: err instanceof SlackCallError ? err.code : String(err) }, 'could not open the give-kudos form');
        await reply(simpleReply("I couldn't open the kudos form just now. You can also type `/thanks @someone for what they did`."));
      }
      return;
    case 'help': {
      const ws = ctx.workspace();
      const [settings, values] = await Promise.all([loadSettings(ctx.db, ws.id), listValues(ctx.db, ws.id, { activeOnly: true })]);
      await reply(helpReply(values, settings.allowancePerDay, settings.minMessageLength));
      return;
    }
    case 'stats': {
      const ws = ctx.workspace();
      const me = await resolvePerson(ctx.db, ctx.directory, ws, command.user_id, ctx.clock());
      if (!me) return reply(simpleReply("I couldn't look you up in this workspace just now. Please try again."));
      const [stats, extra] = await Promise.all([personStats(ctx.core(), ws, me), extras?.stats ? extras.stats(ctx, me.id) : Promise.resolve([])]);
      await reply(statsReply(stats, extra));
      return;
    }
    case 'undo':
      return undo(ctx, command, reply);
    case 'give':
      return give(ctx, command, parsed.draft, reply);
  }
}

async function give(
  ctx: SlackContext,
  command: SlashCommand,
  draft: Extract<ReturnType<typeof parseThanks>, { kind: 'give' }>['draft'],
  reply: (r: Reply) => Promise<void>,
): Promise<void> {
  const ws = ctx.workspace();
  if (!command.trigger_id) return reply(simpleReply('That request looked incomplete, so nothing was recorded. Please try again.'));
  const result = await giveKudos(ctx.core(), ws, {
    workspaceId: ws.id,
    giver: command.user_id,
    recipients: draft.recipients,
    userGroups: draft.userGroups,
    message: draft.message,
    values: draft.values,
    source: 'command',
    // Slack gives each invocation its own trigger_id; a re-delivery carries the same one.
    sourceKey: `slack:cmd:${command.trigger_id}`,
    channelId: command.channel_id,
  });
  if (result.status === 'refused') return reply(refusalReply(result.refusals));
  if (result.status === 'duplicate') return reply(duplicateReply(result.kudos));
  await reply(confirmationReply(result.kudos, result.skipped, result.allowance));

  const { kudos, recipients, settings } = result;
  ctx.background.run('deliver kudos', async () => {
    const channelId = settings.kudosChannel ?? command.channel_id;
    const outcome = await postKudos(ctx, kudos, {
      channelId,
      // The response_url posts where the command was typed, so it only helps when that is the target.
      responseUrl: channelId === command.channel_id ? command.response_url : null,
    });
    const notice = deliveryNotice(outcome);
    if (notice) await respondTo(command.response_url, { response_type: 'ephemeral', text: notice }).catch(() => undefined);
    await notifyRecipients(ctx, kudos, recipients, channelId ? `<#${channelId}>` : null);
  }, 'delivery');
  afterCampaignGive(ctx, kudos, result.giver);
}

async function undo(ctx: SlackContext, command: SlashCommand, reply: (r: Reply) => Promise<void>): Promise<void> {
  const ws = ctx.workspace();
  const me = await resolvePerson(ctx.db, ctx.directory, ws, command.user_id, ctx.clock());
  if (!me) return reply(simpleReply("I couldn't look you up in this workspace just now. Please try again."));
  const result = await undoLastKudos(ctx.core(), ws, me);
  if (result.status === 'nothing_to_undo') return reply(nothingToUndoReply(result.windowMinutes));
  const kudos = result.kudos;
  ctx.homes?.touch([kudos.giver.externalId, ...kudos.recipients.map((r) => r.externalId)]);
  const allowance = await allowanceToday(ctx.core(), ws, me);
  const canUpdate = !!(kudos.postChannelId && kudos.postTs);
  await reply(undoneReply(kudos, allowance, canUpdate));
  if (!canUpdate) return;
  ctx.background.run('withdraw kudos post', async () => {
    try {
      await ctx.api.call('chat.update', {
        channel: kudos.postChannelId,
        ts: kudos.postTs,
        text: kudosPostText(kudos),
        blocks: kudosPostBlocks(kudos),
      });
    } catch (err) {
      ctx.logger.warn({ code: err instanceof SlackCallError ? err.code : String(err) }, 'could not mark a kudos post as withdrawn');
      await respondTo(command.response_url, {
        response_type: 'ephemeral',
        text: "I couldn't update the original post, but the kudos is withdrawn and no longer counts.",
      }).catch(() => undefined);
    }
  });
}
