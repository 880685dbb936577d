import type { Kysely } from 'kysely';
import { findConversationRef } from '../db/queries/teams';
import { listValues } from '../db/queries/values';
import type { Database, ValueRow, WorkspaceRow } from '../db/schema';
import type { Settings } from './settings';
import { loadSettings } from './settings-store';

export interface GiveGuide {
  settings: Settings;
  /** The values a kudos can carry now, in the admins' order. */
  values: ValueRow[];
}

/** What help texts and give forms show: the rules in force and the active values. */
export async function giveGuide(db: Kysely<Database>, workspace: WorkspaceRow): Promise<GiveGuide> {
  const [settings, values] = await Promise.all([loadSettings(db, workspace.id), listValues(db, workspace.id, { activeOnly: true })]);
  return { settings, values };
}

/**
 * A channel's name where the platform cannot show a channel by its id (Teams: "Support › Wins", as stored when
 * the bot last heard from it); null when it was never heard from or has no name.
 */
export async function channelName(db: Kysely<Database>, workspace: WorkspaceRow, channelId: string): Promise<string | null> {
  // A thread's id is its channel's with ";messageid=…" after it; the name is the channel's.
  const ref = await findConversationRef(db, workspace.id, channelId.split(';')[0]);
  return ref?.name ?? null;
}
