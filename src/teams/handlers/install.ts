import { forgetConversations } from '../../db/queries/teams';
import { claimFirstAdmin } from '../../core/admin';
import { connectWorkspace } from '../../core/workspaces';
import { clientTimeZone, conversationBase, conversationKind, teamIdOf } from '../activity';
import { helpCard, welcomeMessage } from '../cards/messages';
import { cardAttachment } from '../cards/common';
import { giveGuide } from '../../core/help';
import type { TeamsContext, Turn } from '../context';
import type { Activity } from 'botbuilder';

/** True when this activity says the bot itself was removed (its reference must not be stored again). */
export function isBotRemoval(a: Partial<Activity>): boolean {
  if (a.type === 'installationUpdate') return typeof a.action === 'string' && a.action.startsWith('remove');
  return a.type === 'conversationUpdate' && !!a.membersRemoved?.some((m) => m.id === a.recipient?.id);
}

/**
 * `conversationUpdate`: the bot added to a team, a group chat or a personal chat (welcome, first admin), or
 * removed from one. Other members coming and going need nothing: people are looked up when they are thanked.
 */
export async function onConversationUpdate(ctx: TeamsContext, turn: Turn): Promise<void> {
  const a = turn.tc.activity;
  if (a.membersAdded?.some((m) => m.id === a.recipient.id)) {
    await installed(ctx, turn);
    await welcome(ctx, turn);
  } else if (isBotRemoval(a)) {
    await removed(ctx, turn);
  }
}

/** `installationUpdate` (`add`, `add-upgrade`, `remove`, `remove-upgrade`; lowercase). Teams also sends a conversationUpdate. */
export async function onInstallationUpdate(ctx: TeamsContext, turn: Turn): Promise<void> {
  const action = turn.tc.activity.action ?? '';
  if (action === 'add' || action === 'add-upgrade') await installed(ctx, turn);
  else if (action === 'remove') await removed(ctx, turn);
}

async function installed(ctx: TeamsContext, turn: Turn): Promise<void> {
  const a = turn.tc.activity;
  // Marks the tenant installed again if it had been uninstalled; the first install takes the installer's zone.
  turn.ws = await connectWorkspace(ctx.db, { platform: 'teams', externalId: turn.tenant, botUserId: a.recipient.id, timeZone: clientTimeZone(a) });
  // The person who installs the bot becomes its first admin when nobody is one yet.
  if (turn.sender && (await claimFirstAdmin(ctx.db, turn.ws, turn.sender, ctx.seedAdmins))) {
    ctx.logger.info({ tenant: turn.tenant }, 'the installer is now the first Kudos admin');
  }
  ctx.logger.info({ tenant: turn.tenant, kind: conversationKind(a) }, 'Kudos was added to a Teams conversation');
}

async function welcome(ctx: TeamsContext, turn: Turn): Promise<void> {
  if (conversationKind(turn.tc.activity) === 'personal') {
    const { settings, values } = await giveGuide(ctx.db, turn.ws);
    await turn.tc.sendActivity({ type: 'message', attachments: [cardAttachment(helpCard(values, settings.allowancePerDay, settings.minMessageLength, turn.botName, false))] });
    return;
  }
  await turn.tc.sendActivity(welcomeMessage(turn.botName));
}

/**
 * Removed from a team (all its channels go) or from a chat. A tenant with no conversation left is marked
 * uninstalled: its history stays, and scheduled posts stop.
 */
async function removed(ctx: TeamsContext, turn: Turn): Promise<void> {
  const a = turn.tc.activity;
  const teamId = teamIdOf(a);
  const which = teamId ? { teamId } : { conversationId: conversationBase(a.conversation.id) };
  const left = await forgetConversations(ctx.db, turn.ws.id, which, ctx.clock());
  if (left === 0) {
    ctx.logger.warn({ tenant: turn.tenant }, 'Kudos was removed from its last Teams conversation in this tenant');
  } else {
    ctx.logger.info({ tenant: turn.tenant, left }, 'Kudos was removed from a Teams conversation');
  }
}
