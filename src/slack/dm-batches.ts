import { claimDueDms, markDmsSent } from '../db/queries/dm-outbox';
import { loadKudosViews } from '../db/queries/kudos';
import { SlackCallError } from './api';
import { batchedDmBlocks, batchedDmText } from './blocks/kudos-post';
import type { SlackContext } from './context';

/**
 * Sends the recipient DMs whose batch is due: one DM per person for everything that arrived in the window,
 * leaving out kudos withdrawn meanwhile and people who turned DMs off. A failed send is left for the next
 * flush (its claim expires); a permanent failure (an inactive account) is not retried.
 */
export async function flushDueDms(ctx: SlackContext): Promise<number> {
  const ws = ctx.workspace();
  const now = ctx.clock();
  const due = await claimDueDms(ctx.db, ws.id, now);
  if (!due.length) return 0;
  const views = new Map((await loadKudosViews(ctx.db, ws.id, [...new Set(due.map((d) => d.kudos_id))])).map((k) => [k.id, k]));
  const people = new Map(
    (await ctx.db.selectFrom('person').selectAll().where('workspace_id', '=', ws.id).where('id', 'in', [...new Set(due.map((d) => d.recipient_id))]).execute()).map(
      (p) => [p.id, p],
    ),
  );
  let sent = 0;
  const byRecipient = new Map<number, typeof due>();
  for (const d of due) byRecipient.set(d.recipient_id, [...(byRecipient.get(d.recipient_id) ?? []), d]);
  for (const [recipientId, rows] of byRecipient) {
    const person = people.get(recipientId);
    const kudos = rows.flatMap((r) => {
      const k = views.get(r.kudos_id);
      return k && !k.revokedAt ? [k] : [];
    });
    const ids = rows.map((r) => r.id);
    if (!person || !person.dm_enabled || person.is_deleted || kudos.length === 0) {
      await markDmsSent(ctx.db, ids, now);
      continue;
    }
    try {
      await ctx.api.postMessage({ channel: person.external_id, text: batchedDmText(kudos), blocks: batchedDmBlocks(kudos) });
      sent++;
      await markDmsSent(ctx.db, ids, now);
    } catch (err) {
      const code = err instanceof SlackCallError ? err.code : String(err);
      ctx.logger.info({ code }, 'batched kudos DM not sent');
      if (['account_inactive', 'user_not_found', 'channel_not_found', 'cannot_dm_bot', 'user_disabled'].includes(code)) await markDmsSent(ctx.db, ids, now);
    }
  }
  return sent;
}
