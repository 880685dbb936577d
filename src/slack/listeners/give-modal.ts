import type { App } from '@slack/bolt';
import { giveKudos } from '../../core/give';
import { giveGuide } from '../../core/help';
import { handBackPost, planPost, PUBLISH_DM_GRACE_MS, type PostReport } from '../../core/publish';
import { reportUndelivered } from '../../core/undelivered';
import { SlackCallError } from '../api';
import { GIVE_MODAL_CALLBACK, BLOCK, ACTION, giveModalView, modalErrors, whereIsText, type GiveModalMetadata } from '../blocks/give-modal';
import { confirmationReply, deliveryNotice } from '../blocks/messages';
import type { SlackContext } from '../context';
import { permalinkFor } from '../identity';
import { contextOf } from '../workspaces';
import { publishGiven } from '../publish-given';

export async function openGiveModal(
  ctx: SlackContext,
  triggerId: string,
  metadata: GiveModalMetadata,
  opts: { initialRecipients?: string[]; lockChannel?: boolean } = {},
): Promise<void> {
  const ws = ctx.workspace();
  const { settings, values } = await giveGuide(ctx.db, ws);
  // The form says where the kudos will go with the same decision the submission posts by (publishGiven).
  const { where } = planPost(settings, givenAt(metadata, metadata.channelId));
  await ctx.api.call('views.open', {
    trigger_id: triggerId,
    view: giveModalView({
      values,
      valueRequired: settings.valueRequired,
      minMessageLength: settings.minMessageLength,
      metadata,
      where,
      initialRecipients: opts.initialRecipients,
      lockChannel: opts.lockChannel,
    }),
  });
}

interface ViewState {
  values: Record<string, Record<string, { selected_users?: string[]; selected_options?: Array<{ value: string }>; value?: string | null; selected_conversation?: string | null }>>;
}

export function register(app: App): void {
  app.view(GIVE_MODAL_CALLBACK, async ({ ack, body, view, context }) => {
    const ctx = contextOf(context);
    const ws = ctx.workspace();
    const meta = parseMetadata(view.private_metadata);
    const state = (view.state as ViewState).values;
    const field = (block: string) => state[block]?.[ACTION];
    const recipients = field(BLOCK.recipients)?.selected_users ?? [];
    const valueSlugs = (field(BLOCK.values)?.selected_options ?? []).map((o) => o.value);
    const message = (field(BLOCK.message)?.value ?? '').trim();
    const chosenChannel = field(BLOCK.channel)?.selected_conversation ?? meta.channelId;
    const responseUrl = (body as { response_urls?: Array<{ response_url: string; channel_id: string }> }).response_urls?.[0]?.response_url ?? null;
    const giverId = body.user.id;

    const result = await giveKudos(ctx.core(), ws, {
      workspaceId: ws.id,
      giver: giverId,
      recipients,
      message,
      values: valueSlugs,
      source: meta.source,
      // A view keeps its id across resubmissions after field errors; nothing was recorded for those.
      sourceKey: `slack:view:${view.id}`,
      channelId: meta.source === 'shortcut' ? meta.channelId : chosenChannel,
      messageTs: meta.messageTs ?? null,
      permalink: meta.permalink ?? null,
      // Recipients' DMs are queued with the kudos: sent once it is posted, or by the outbox should that not happen.
      notifyBatchMs: PUBLISH_DM_GRACE_MS,
    });
    if (result.status === 'refused') {
      const names = new Map(result.people.map((p) => [p.external_id, p.display_name]));
      const plainMention = (id: string) => (names.get(id) ? `@${names.get(id)}` : 'that person');
      await ack({ response_action: 'errors', errors: modalErrors(result.refusals, !!state[BLOCK.values], plainMention) });
      return;
    }
    await ack();
    if (result.status === 'duplicate') return;

    const claim = result.postClaim;
    ctx.background.run(
      'publish modal kudos',
      async () => {
        const { place, outcome, report } = await publishGiven(ctx, ws, result, { ...givenAt(meta, chosenChannel), responseUrl });
        const confirm = confirmationReply(result.kudos, result.skipped, result.allowance);
        // A post that did not go as planned is explained by its notice (which says where); else, where it is.
        const note = deliveryNotice(outcome) ?? whereIsText(report, await postLink(ctx, report, report.moved ? null : (place.threadTs ?? null)));
        const blocks = note ? [confirm.blocks[0], { type: 'section', text: { type: 'mrkdwn', text: note } }, ...confirm.blocks.slice(1)] : confirm.blocks;
        // Told where they are: the channel they gave it from (or chose), not the kudos channel they may not be in.
        await tellGiver(ctx, giverId, chosenChannel, note ? `${confirm.text}\n${note}` : confirm.text, blocks);
      },
      'delivery',
      // Should the process stop before this gets its turn, the claim goes back to the queue for the next start.
      { abandon: claim ? () => handBackPost(ctx.core(), ws, result.kudos.id, claim) : undefined },
    );
  });
}

/** Where a kudos from the form was given: the chosen channel, and the message's thread when it thanks a message there. */
function givenAt(meta: GiveModalMetadata, channelId: string | null): { channelId: string | null; threadTs: string | null; forMessage: boolean } {
  const same = channelId === meta.channelId;
  return { channelId, threadTs: same ? (meta.threadTs ?? null) : null, forMessage: meta.source === 'shortcut' && same };
}

/** A link to a kudos post: built from the workspace's address, else asked of Slack; null when neither works. */
async function postLink(ctx: SlackContext, report: PostReport, threadTs: string | null): Promise<string | null> {
  const channel = report.where?.channelId;
  if (!channel || !report.ts) return null;
  const built = permalinkFor(ctx.identity(), channel, report.ts, threadTs);
  if (built) return built;
  const res = await ctx.api.call<{ ok: boolean; permalink?: string }>('chat.getPermalink', { channel, message_ts: report.ts }).catch(() => undefined);
  return res?.permalink ?? null;
}

/** An ephemeral note in the channel, or a DM when the bot cannot write there. */
export async function tellGiver(ctx: SlackContext, userId: string, channelId: string | null, text: string, blocks?: unknown[]): Promise<void> {
  if (channelId) {
    try {
      await ctx.api.call('chat.postEphemeral', { channel: channelId, user: userId, text, ...(blocks ? { blocks } : {}) });
      return;
    } catch (err) {
      ctx.logger.info({ code: err instanceof SlackCallError ? err.code : String(err) }, 'ephemeral note failed; sending a DM');
    }
  }
  try {
    await ctx.api.postMessage({ channel: userId, text });
  } catch (err) {
    // No channel is left to tell them in: the admins see it in the App Home's log instead.
    const reason = err instanceof SlackCallError ? err.code : String(err);
    ctx.logger.warn({ code: reason }, 'could not reach the giver');
    await reportUndelivered(ctx.db, ctx.workspace(), { person: userId, said: text, reason }).catch((e: unknown) => ctx.logger.error({ err: e }, 'could not record an undelivered answer'));
  }
}

function parseMetadata(raw: string | undefined): GiveModalMetadata {
  try {
    const m = JSON.parse(raw ?? '{}') as Partial<GiveModalMetadata>;
    return {
      channelId: typeof m.channelId === 'string' ? m.channelId : null,
      threadTs: typeof m.threadTs === 'string' ? m.threadTs : null,
      permalink: typeof m.permalink === 'string' ? m.permalink : null,
      messageTs: typeof m.messageTs === 'string' ? m.messageTs : null,
      source: m.source === 'shortcut' ? 'shortcut' : 'modal',
    };
  } catch {
    return { channelId: null, source: 'modal' };
  }
}
