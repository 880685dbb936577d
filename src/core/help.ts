import type { Kysely } from 'kysely';
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
