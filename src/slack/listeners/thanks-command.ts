import type { App, SlashCommand } from '@slack/bolt';
import { giveKudos } from '../../core/give';
import { giveGuide } from '../../core/help';
import { parseThanks } from '../../core/parse-thanks';
import { resolvePerson } from '../../core/people';
import { handBackPost, PUBLISH_DM_GRACE_MS } from '../../core/publish';
import { undoLastKudos, withdrawPost } from '../../core/reverse';
import { myStats } from '../../core/stats';
import { SlackCallError } from '../api';
import {
  confirmationReply,
  deliveryNotice,
  duplicateReply,
  helpReply,
  nothingToUndoReply,
  refusalReply,
  simpleReply,
  statsReply,
  undoneReply,
  type Reply,
} from '../blocks/messages';
import { threeNotesProgressText } from '../../core/campaign-copy';
import type { SlackContext } from '../context';
import { contextOf } from '../workspaces';
import { tellPerson } from '../respond';
import { publishGiven } from '../publish-given';
import { openGiveModal } from './give-modal';

export const COMMAND = '/thanks';

type Draft = Extract<ReturnType<typeof parseThanks>, { kind: 'give' }>['draft'];

/**
 * `/thanks`: translates the command into a core use case (give, undo, stats) and renders its result as the
 * ephemeral answer. What happens after a give (the post, DMs, a congratulation) is the core's publish use case,
 * run once Slack has its answer.
 */
export function register(app: App): void {
  app.command(COMMAND, async ({ command, ack, context }) => {
    const ctx = contextOf(context);
    const reply = (r: Reply) => ack({ response_type: 'ephemeral', text: r.text, blocks: r.blocks });
    const parsed = parseThanks(command.text ?? '');
    switch (parsed.kind) {
      case 'open_modal':
        return openModal(ctx, command, reply, () => ack());
      case 'help': {
        const { settings, values } = await giveGuide(ctx.db, ctx.workspace());
        return reply(helpReply(values, settings.allowancePerDay, settings.minMessageLength));
      }
      case 'stats':
        return stats(ctx, command, reply);
      case 'undo':
        return undo(ctx, command, reply);
      case 'give':
        return give(ctx, command, parsed.draft, reply);
    }
  });
  // Any other command routed here (a renamed or extra command in the app's settings): say what works, record nothing.
  app.command(/^(?!\/thanks$)/, async ({ command, ack, context }) => {
    const ctx = contextOf(context);
    const r = simpleReply(`I don't know \`${command.command}\`. Thank someone with \`${COMMAND} @someone for what they did\`, or see \`${COMMAND} help\`.`);
    await ack({ response_type: 'ephemeral', text: r.text, blocks: r.blocks });
  });
}

async function openModal(ctx: SlackContext, command: SlashCommand, reply: (r: Reply) => Promise<void>, ack: () => Promise<void>): Promise<void> {
  // trigger_id expires 3 s after Slack sent it: open the form before anything slow.
  try {
    await openGiveModal(ctx, command.trigger_id, { channelId: command.channel_id, source: 'modal' });
    await ack();
  } catch (err) {
    ctx.logger.warn({ code: err instanceof SlackCallError ? err.code : String(err) }, 'could not open the give-kudos form');
    await reply(simpleReply("I couldn't open the kudos form just now. You can also type `/thanks @someone for what they did`."));
  }
}

async function give(ctx: SlackContext, command: SlashCommand, draft: Draft, reply: (r: Reply) => Promise<void>): Promise<void> {
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
    // Recipients' DMs are queued with the kudos: sent once it is posted, or by the outbox should that not happen.
    notifyBatchMs: PUBLISH_DM_GRACE_MS,
  });
  if (result.status === 'refused') return reply(refusalReply(result.refusals));
  if (result.status === 'duplicate') return reply(duplicateReply(result.kudos));
  await reply(confirmationReply(result.kudos, result.skipped, result.allowance));

  const claim = result.postClaim;
  ctx.background.run(
    'publish kudos',
    async () => {
      const { outcome } = await publishGiven(ctx, ws, result, { channelId: command.channel_id, responseUrl: command.response_url });
      const notice = deliveryNotice(outcome);
      if (notice) await tellPerson(ctx, { responseUrl: command.response_url, userId: command.user_id }, { response_type: 'ephemeral', text: notice });
    },
    'delivery',
    // Should the process stop before this gets its turn, the claim goes back to the queue for the next start.
    { abandon: claim ? () => handBackPost(ctx.core(), ws, result.kudos.id, claim) : undefined },
  );
}

async function stats(ctx: SlackContext, command: SlashCommand, reply: (r: Reply) => Promise<void>): Promise<void> {
  const ws = ctx.workspace();
  const me = await resolvePerson(ctx.db, ctx.directory, ws, command.user_id, ctx.clock());
  if (!me) return reply(simpleReply("I couldn't look you up in this workspace just now. Please try again."));
  const s = await myStats(ctx.core(), ws, me);
  await reply(statsReply(s, s.challenge ? [threeNotesProgressText(s.challenge.distinct)] : []));
}

async function undo(ctx: SlackContext, command: SlashCommand, reply: (r: Reply) => Promise<void>): Promise<void> {
  const ws = ctx.workspace();
  if (!command.trigger_id) return reply(simpleReply('That request looked incomplete, so nothing was withdrawn. Please try again.'));
  const me = await resolvePerson(ctx.db, ctx.directory, ws, command.user_id, ctx.clock());
  if (!me) return reply(simpleReply("I couldn't look you up in this workspace just now. Please try again."));
  // Keyed by the request: a replayed `/thanks undo` answers again but withdraws nothing more.
  const result = await undoLastKudos(ctx.core(), ws, me, `slack:cmd:${command.trigger_id}`);
  if (result.status === 'nothing_to_undo') return reply(nothingToUndoReply(result.windowMinutes));
  const { kudos, allowance } = result;
  ctx.home.touch([kudos.giver.externalId, ...kudos.recipients.map((r) => r.externalId)]);
  const hasPost = !!(kudos.postChannelId && kudos.postTs);
  await reply(undoneReply(kudos, allowance, hasPost));
  if (!hasPost) return;
  ctx.background.run('withdraw kudos post', async () => {
    if (await withdrawPost(ctx.core(), ws, kudos)) return;
    await tellPerson(ctx, { responseUrl: command.response_url, userId: command.user_id }, {
      response_type: 'ephemeral',
      text: "I couldn't update the original post, but the kudos is withdrawn and no longer counts.",
    });
  });
}
