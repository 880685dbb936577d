import { loadSettings } from '../core/settings-store';
import { loadKudosViews, undeliveredKudos } from '../db/queries/kudos';
import { findPeople } from '../db/queries/people';
import type { SlackContext } from './context';
import { notifyRecipients, postKudos } from './deliver';

/** A kudos recorded this long ago and still not posted was left behind by a stop between ack and post. */
export const UNDELIVERED_AFTER_MS = 2 * 60_000;

/**
 * Posts kudos that were recorded (and acknowledged) but never posted because the process stopped in between.
 * The post is claimed first (pending → posting), so a request still on its way to posting and this sweep
 * never both post. The one-time response_url is gone by now, so a channel the bot cannot post in ends failed.
 */
export async function deliverLeftovers(ctx: SlackContext): Promise<number> {
  const ws = ctx.workspace();
  const rows = await undeliveredKudos(ctx.db, ws.id, new Date(ctx.clock().getTime() - UNDELIVERED_AFTER_MS), 50);
  if (!rows.length) return 0;
  const settings = await loadSettings(ctx.db, ws.id);
  let delivered = 0;
  for (const kudos of await loadKudosViews(ctx.db, ws.id, rows.map((r) => r.id))) {
    const channelId = settings.kudosChannel ?? kudos.channelId;
    const outcome = await postKudos(ctx, kudos, {
      channelId,
      threadTs: kudos.source === 'shortcut' && channelId === kudos.channelId ? kudos.messageTs : null,
    });
    if (outcome.status === 'claimed_elsewhere') continue;
    delivered++;
    const people = await findPeople(ctx.db, ws.id, kudos.recipients.map((r) => r.externalId));
    await notifyRecipients(ctx, kudos, people, channelId ? `<#${channelId}>` : null);
  }
  if (delivered) ctx.logger.info({ count: delivered }, 'posted kudos left undelivered by an earlier stop');
  return delivered;
}
