import type { ChannelAccount } from 'botbuilder';
import { loadSettingsSnapshot, saveSetting } from '../core/settings-store';
import type { Settings } from '../core/settings';
import type { TeamsContext, Turn } from './context';

/**
 * Admins are the `admins` setting (Teams user ids, or Entra object ids written by an operator) plus KUDOS_ADMINS.
 * Teams tells a bot nothing about tenant or team owners, so this list is the whole truth, checked on every
 * admin submission.
 */
export function isAdmin(ctx: Pick<TeamsContext, 'seedAdmins'>, settings: Pick<Settings, 'admins'>, who: Partial<ChannelAccount>): boolean {
  const ids = [who.id, who.aadObjectId].filter((x): x is string => !!x);
  return ids.some((id) => settings.admins.includes(id) || ctx.seedAdmins.includes(id));
}

/** KUDOS_ADMINS entries that can name a Teams person: `29:` ids and Entra object ids (GUIDs). */
export function teamsSeedAdmins(seeds: readonly string[]): string[] {
  return seeds.filter((id) => id.startsWith('29:') || /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id));
}

/**
 * The person who installs the bot becomes its first admin when nobody is one yet, together with the operator's
 * KUDOS_ADMINS. Saved through the versioned settings store, so it lands in the audit log and two installs at
 * once cannot both write.
 */
export async function ensureFirstAdmins(ctx: TeamsContext, turn: Turn): Promise<boolean> {
  const installer = turn.tc.activity.from;
  if (!installer?.id || !turn.sender || turn.sender.is_bot) return false;
  const snapshot = await loadSettingsSnapshot(ctx.db, turn.ws.id);
  if (snapshot.settings.admins.length) return false;
  const admins = [...new Set([...teamsSeedAdmins(ctx.seedAdmins), installer.id])];
  const saved = await saveSetting(ctx.db, {
    workspaceId: turn.ws.id,
    key: 'admins',
    value: admins,
    expectedVersion: snapshot.versions.admins,
    actorId: turn.sender.id,
  });
  if (saved.status === 'saved') ctx.logger.info({ tenant: turn.tenant }, 'the installer is now the first Kudos admin');
  return saved.status === 'saved';
}
