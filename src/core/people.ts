import type { Kysely } from 'kysely';
import type { Database, PersonRow, WorkspaceRow } from '../db/schema';
import { findPeople, upsertPerson } from '../db/queries/people';
import type { Directory, Profile } from './types';

/** Profiles older than this are looked up again (names, time zones and deactivations change). */
export const PROFILE_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * A person found, a person the platform says does not exist, or (`unavailable`) one the platform could not be
 * asked about and who is not known yet: their profile is unknown, so they may be a bot or deactivated.
 */
export type Resolved = { person: PersonRow; found: true } | { person: null; found: false; unavailable?: true };

/** The directory could not be asked about people who are not known yet; nothing was recorded. */
export class DirectoryUnavailableError extends Error {
  override name = 'DirectoryUnavailableError';
  constructor(readonly userIds: string[]) {
    super(`the platform could not be asked about ${userIds.length} ${userIds.length === 1 ? 'person' : 'people'}`);
  }
}

/**
 * Finds people by platform id, asking the directory only for those unknown or stale. When the platform
 * cannot be asked (an outage), a person we already know is used as known. An unknown one is `unavailable`,
 * except the ids in `actors` (the person acting, whom the platform itself sent us: a bot cannot type a
 * command), who get a placeholder (workspace time zone, looked up again next time). Unknown is never taken
 * for human on someone else's behalf: a kudos to a bot must not slip through an outage.
 */
export async function resolvePeople(
  db: Kysely<Database>,
  directory: Directory,
  workspace: WorkspaceRow,
  ids: string[],
  now: Date,
  /** Rows already loaded for these ids (saves a round trip); looked up when absent. */
  preloaded?: PersonRow[],
  /** The people acting (see above); placeholders stand in for them during an outage. */
  actors: readonly string[] = [],
): Promise<Map<string, Resolved>> {
  const unique = [...new Set(ids)];
  const known = new Map((preloaded ?? (await findPeople(db, workspace.id, unique))).map((p) => [p.external_id, p]));
  const out = new Map<string, Resolved>();
  await Promise.all(
    unique.map(async (id) => {
      const cached = known.get(id);
      const fresh = cached?.profile_fetched_at && now.getTime() - new Date(cached.profile_fetched_at).getTime() < PROFILE_TTL_MS;
      if (cached && fresh) {
        out.set(id, { person: cached, found: true });
        return;
      }
      let profile: Profile | null;
      try {
        profile = await directory.lookup(workspace.external_id, id);
      } catch {
        if (cached) out.set(id, { person: cached, found: true });
        else if (actors.includes(id)) out.set(id, { person: await upsertPerson(db, workspace.id, placeholder(id), null), found: true });
        else out.set(id, { person: null, found: false, unavailable: true });
        return;
      }
      if (!profile) {
        out.set(id, { person: null, found: false });
        return;
      }
      out.set(id, { person: await upsertPerson(db, workspace.id, keepErased(profile, cached), now), found: true });
    }),
  );
  return out;
}

/** One person, for commands that only concern the caller (stats, undo, home). */
export async function resolvePerson(
  db: Kysely<Database>,
  directory: Directory,
  workspace: WorkspaceRow,
  id: string,
  now: Date,
): Promise<PersonRow | null> {
  const r = (await resolvePeople(db, directory, workspace, [id], now, undefined, [id])).get(id);
  return r?.found ? r.person : null;
}

/**
 * A person as a message they sent describes them (Teams sends the sender's name, and sometimes their time
 * zone): `describe` builds that profile from what is stored; it is written only when something changed or the
 * stored profile is old.
 */
export async function rememberSender(
  db: Kysely<Database>,
  workspace: WorkspaceRow,
  externalId: string,
  describe: (known: PersonRow | undefined) => Profile,
  now: Date,
): Promise<PersonRow> {
  const [known] = await findPeople(db, workspace.id, [externalId]);
  const profile = keepErased(describe(known), known);
  const fresh = known?.profile_fetched_at && now.getTime() - new Date(known.profile_fetched_at).getTime() < PROFILE_TTL_MS;
  if (known && fresh && profile.displayName === known.display_name && profile.timeZone === known.time_zone) return known;
  return upsertPerson(db, workspace.id, profile, now);
}

/**
 * The platform's profile as it may be stored for someone Kudos knows: an erased person (core/erasure.ts) keeps
 * the placeholder name and the cleared profile; only what the platform owns (deactivated, bot, admin) follows it.
 */
export function keepErased(profile: Profile, known: PersonRow | undefined): Profile {
  if (!known?.erased_at) return profile;
  return { ...profile, displayName: known.display_name, timeZone: known.time_zone, platformData: known.platform_data };
}

/** Whether a person gets DMs from Kudos: they have not turned them off, and they are a person who can read them. */
export function takesDms(p: Pick<PersonRow, 'dm_enabled' | 'is_bot' | 'is_deleted'>): boolean {
  return p.dm_enabled && !p.is_bot && !p.is_deleted;
}

function placeholder(id: string): Profile {
  return { externalId: id, displayName: '', timeZone: null, isBot: false, isDeleted: false, isPlatformAdmin: false };
}
