import { dayRange, recordExportRefused } from '../../core/data-access';
import { erasePerson } from '../../core/erasure';
import { deleteAllData, DELETE_ALL_PHRASE } from '../../core/workspaces';
import { createWorkspaceExportLink, EXPORT_LINK_MINUTES, exportLinkUrl } from '../../core/export-links';
import { conversationKind } from '../activity';
import { adaptiveCard, cardAttachment, textBlock } from '../cards/common';
import { DATA_INPUTS } from '../cards/settings-card';
import type { TeamsContext, Turn } from '../context';
import { checkSender } from './settings';

export const EXPORT_NOT_ADMIN = "Only Kudos admins can export the workspace's kudos.";
export const EXPORT_IN_PERSONAL = 'Open settings in our personal chat to export: the link is only for you.';
export const EXPORT_NO_PUBLIC_URL =
  "Exporting kudos by a link isn't set up here yet: set PUBLIC_URL (the address people reach Kudos at) and restart Kudos.";
export const ERASE_NOT_ADMIN = 'Only Kudos admins can erase someone. Nothing was erased.';
export const DELETE_ALL_NOT_ADMIN = "Only Kudos admins can delete the workspace's data. Nothing was deleted.";

const text = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');

/**
 * "Export kudos" on the settings card (Action.Submit): the whole workspace's kudos for the chosen days, by a link
 * valid for EXPORT_LINK_MINUTES. The sender must be an admin now, by the server's own check (the card's data
 * proves nothing); a refusal is audited ('data.export.refused'). The link is only ever sent in the admin's
 * personal chat with the bot.
 */
export async function exportFromCard(ctx: TeamsContext, turn: Turn, data: Record<string, unknown>): Promise<void> {
  const request = { fromDay: text(data[DATA_INPUTS.exportFrom]), toDay: text(data[DATA_INPUTS.exportTo]), format: text(data[DATA_INPUTS.exportFormat]) || 'csv' };
  const check = await checkSender(ctx, turn);
  if (!check.admin) {
    ctx.logger.warn({ tenant: turn.tenant, user: turn.tc.activity.from.id }, 'refused a workspace export from someone who is not an admin');
    await recordExportRefused(ctx.db, turn.ws, check, request);
    await turn.tc.sendActivity(EXPORT_NOT_ADMIN);
    return;
  }
  if (!ctx.publicUrl) {
    await turn.tc.sendActivity(EXPORT_NO_PUBLIC_URL);
    return;
  }
  const admin = check.person ?? turn.sender;
  if (conversationKind(turn.tc.activity) !== 'personal' || !admin) {
    await turn.tc.sendActivity(EXPORT_IN_PERSONAL);
    return;
  }
  const format = request.format;
  if (format !== 'csv' && format !== 'json') {
    await turn.tc.sendActivity('Choose CSV or JSON.');
    return;
  }
  const range = dayRange(request.fromDay, request.toDay);
  if ('problem' in range) {
    await turn.tc.sendActivity(range.problem);
    return;
  }
  const { token } = await createWorkspaceExportLink(ctx.db, turn.ws, admin, { range, fromDay: request.fromDay, toDay: request.toDay, format }, ctx.clock());
  ctx.logger.info({ tenant: turn.tenant, format }, 'workspace export link made in Teams');
  const card = adaptiveCard(
    [
      textBlock('**Kudos export**', { size: 'Medium' }),
      textBlock(`Every kudos from ${request.fromDay} to ${request.toDay} (both included, UTC), as ${format.toUpperCase()}.`),
      textBlock(`This link works for ${EXPORT_LINK_MINUTES} minutes and only for you: please don't share it.`, { isSubtle: true, spacing: 'Medium' }),
    ],
    { actions: [{ type: 'Action.OpenUrl', title: `Download ${format.toUpperCase()}`, url: exportLinkUrl(ctx.publicUrl, token, format) }] },
  );
  await turn.tc.sendActivity({ type: 'message', summary: 'Kudos export: download link', attachments: [cardAttachment(card)] });
}

/**
 * "Erase person" on the settings card (Action.Submit): the core's erasure as an admin, checked for this request
 * (erasePerson audits a refusal as 'person.erase.refused'). The person is picked by their id in the workspace.
 */
export async function eraseFromCard(ctx: TeamsContext, turn: Turn, data: Record<string, unknown>): Promise<void> {
  const externalId = text(data[DATA_INPUTS.erasePerson]);
  const check = await checkSender(ctx, turn);
  if (check.admin) {
    if (!externalId) {
      await turn.tc.sendActivity('Choose the person to erase.');
      return;
    }
    if (text(data[DATA_INPUTS.eraseConfirm]) !== 'true') {
      await turn.tc.sendActivity('Turn on "Yes, erase this person" to confirm. Nothing was erased.');
      return;
    }
  }
  const out = await erasePerson(turn.core, turn.ws, { externalId }, { kind: 'admin', check });
  if (out.status === 'not_allowed') {
    ctx.logger.warn({ tenant: turn.tenant, user: turn.tc.activity.from.id }, 'refused an erasure from someone who is not an admin');
    await turn.tc.sendActivity(ERASE_NOT_ADMIN);
    return;
  }
  if (out.status === 'erased') ctx.logger.info({ tenant: turn.tenant }, 'a person was erased from Teams settings');
  await turn.tc.sendActivity(
    out.status === 'erased'
      ? `Erased ${out.formerName || 'them'}: their name, messages and reactions are gone; their kudos still count.`
      : out.status === 'already_erased'
        ? 'That person was already erased.'
        : 'Kudos has no such person in this workspace.',
  );
}

/**
 * "Delete all data" on the settings card (Action.Submit): the core's fresh start (every row of the workspace
 * deleted in one transaction, Kudos left installed), for an admin by the server's own check and only with the
 * phrase typed. A refusal is audited by the use case ('data.delete_all.refused').
 */
export async function deleteAllFromCard(ctx: TeamsContext, turn: Turn, data: Record<string, unknown>): Promise<void> {
  const check = await checkSender(ctx, turn);
  const out = await deleteAllData(ctx.db, turn.ws, check, text(data[DATA_INPUTS.deleteAllPhrase]));
  if (out.status === 'not_allowed') {
    ctx.logger.warn({ tenant: turn.tenant, user: turn.tc.activity.from.id }, 'refused to delete all data for someone who is not an admin');
    await turn.tc.sendActivity(DELETE_ALL_NOT_ADMIN);
    return;
  }
  if (out.status === 'not_confirmed') {
    await turn.tc.sendActivity(`Type "${DELETE_ALL_PHRASE}" in the box to confirm. Nothing was deleted.`);
    return;
  }
  ctx.logger.info({ tenant: turn.tenant, kudos: out.kudos, people: out.people }, 'all data of a workspace deleted by an admin in Teams');
  await turn.tc.sendActivity(
    `Done: ${out.kudos} kudos and ${out.people} ${out.people === 1 ? 'person' : 'people'} deleted, with every setting and log. Kudos starts over here with the default values.`,
  );
}
