import { createExportLink, EXPORT_LINK_MINUTES, exportLinkUrl } from '../../core/export-links';
import { conversationKind } from '../activity';
import { cardAttachment } from '../cards/common';
import { EXPORT_IN_PERSONAL_CHAT, EXPORT_NOT_CONFIGURED, exportCard } from '../cards/export';
import type { TeamsContext, Turn } from '../context';

/**
 * `export` (`download`, `my data`): the sender's own kudos, through links valid for EXPORT_LINK_MINUTES. A link
 * opens someone's data to whoever holds it, so it is only ever sent in the sender's personal chat with the bot.
 */
export async function exportOwnKudos(ctx: TeamsContext, turn: Turn): Promise<void> {
  if (!turn.sender) return;
  if (!ctx.publicUrl) {
    await turn.tc.sendActivity(EXPORT_NOT_CONFIGURED);
    return;
  }
  if (conversationKind(turn.tc.activity) !== 'personal') {
    await turn.tc.sendActivity(EXPORT_IN_PERSONAL_CHAT);
    return;
  }
  const { token } = await createExportLink(ctx.db, turn.ws, turn.sender, ctx.clock());
  const card = exportCard({ csv: exportLinkUrl(ctx.publicUrl, token, 'csv'), json: exportLinkUrl(ctx.publicUrl, token, 'json') }, EXPORT_LINK_MINUTES);
  await turn.tc.sendActivity({ type: 'message', summary: 'Your kudos: download links', attachments: [cardAttachment(card)] });
}
