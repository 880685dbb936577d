import type { Kysely } from 'kysely';
import type { Database, PersonRow, WorkspaceRow } from '../db/schema';
import { listHomeOpened, markHomeOpened, setPreferences } from '../db/queries/people';
import type { Clock } from './clock';
import { resolvePerson } from './people';
import type { Directory } from './types';

/**
 * A person's own choices (kudos DMs, being named in rankings) and where they look (whether they opened the
 * app's Home). Each concerns only the acting person: the id comes from the signed payload, never from a
 * button's value.
 */

export type Preference = 'dmEnabled' | 'rankingsEnabled';

export interface PreferenceDeps {
  db: Kysely<Database>;
  directory: Directory;
  clock: Clock;
}

/** Turns one of the acting person's preferences on or off; null when the platform does not know them. */
export async function setMyPreference(deps: PreferenceDeps, workspace: WorkspaceRow, externalId: string, preference: Preference, on: boolean): Promise<PersonRow | null> {
  const me = await resolvePerson(deps.db, deps.directory, workspace, externalId, deps.clock());
  // An erased person's DMs and rankings stay off: nothing here turns them back on.
  if (!me || me.erased_at) return null;
  await setPreferences(deps.db, workspace.id, me.id, { [preference]: on });
  return { ...me, ...(preference === 'dmEnabled' ? { dm_enabled: on } : { rankings_enabled: on }) };
}

/** Remembers that this person opened the Home, so kudos they give or receive later refresh it. */
export function noteHomeOpened(db: Kysely<Database>, workspace: WorkspaceRow, externalId: string, at: Date): Promise<void> {
  return markHomeOpened(db, workspace.id, externalId, at);
}

/** Of these people, those who have a Home worth refreshing (they opened it once). */
export function homesOpened(db: Kysely<Database>, workspace: WorkspaceRow, externalIds: string[]): Promise<string[]> {
  return listHomeOpened(db, workspace.id, externalIds);
}
