import type { ChannelAccount } from 'botbuilder';
import { claimFirstAdmin, listedVia, teamsSeedAdmins } from '../core/admin';
import type { Settings } from '../core/settings';
import type { TeamsContext, Turn } from './context';

/**
 * Teams' entry points into the core's one admin model (core/admin.ts), for the handlers that still import them
 * from here (the help card in handlers/message.ts, the first admin in handlers/install.ts). No rule lives here:
 * once those handlers call core/admin.ts directly, this file goes.
 */

export { teamsSeedAdmins };

/** Whether the sender is in the admin list or KUDOS_ADMINS (Teams reports no tenant admins), by either of their ids. */
export function isAdmin(ctx: Pick<TeamsContext, 'seedAdmins'>, settings: Pick<Settings, 'admins'>, who: Partial<ChannelAccount>): boolean {
  const ids = [who.id, who.aadObjectId].filter((x): x is string => !!x);
  return listedVia(ids, settings, teamsSeedAdmins(ctx.seedAdmins)) !== null;
}

/** The person who installs the bot becomes its first admin when nobody is one yet (core/admin.ts claimFirstAdmin). */
export async function ensureFirstAdmins(ctx: TeamsContext, turn: Turn): Promise<boolean> {
  if (!turn.tc.activity.from?.id || !turn.sender) return false;
  const saved = await claimFirstAdmin(ctx.db, turn.ws, turn.sender, ctx.seedAdmins);
  if (saved) ctx.logger.info({ tenant: turn.tenant }, 'the installer is now the first Kudos admin');
  return saved;
}
