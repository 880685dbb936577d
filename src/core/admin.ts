import type { Kysely } from 'kysely';
import type { Database, PersonRow, Platform, WorkspaceRow } from '../db/schema';
import { insertAudit } from '../db/queries/audit';
import { findPeople, upsertPerson } from '../db/queries/people';
import { listPeopleByName } from '../db/queries/teams';
import type { Clock } from './clock';
import { keepErased, PROFILE_TTL_MS } from './people';
import type { SettingKey, Settings, SettingsSnapshot } from './settings';
import { loadSettingsSnapshot, saveSetting, type SaveSettingResult } from './settings-store';
import type { Directory, Profile } from './types';

/**
 * Who may change Kudos, on every platform and every admin surface (the Slack App Home, its buttons and forms,
 * "Post digest now", the Teams settings card). An admin is, at the moment of the action:
 * - someone in the `admins` setting (by platform id, or on Teams by Entra object id),
 * - someone the operator named in KUDOS_ADMINS (only ids that can name a person on this platform count), or
 * - a platform owner or admin (Slack's users.info is_admin / is_owner; Teams tells a bot of none), by a flag
 *   read within ADMIN_PROFILE_TTL_MS: an older one is read again, and one that cannot be read again does not
 *   count. So someone demoted or promoted on the platform is seen as such within 15 minutes everywhere.
 * Nothing the client sends (a view's private_metadata, a button's value, a card's data) counts: the acting
 * person's id comes from the signed payload and is checked here every time.
 */

/** How old a platform admin flag may be when it alone makes someone an admin. */
export const ADMIN_PROFILE_TTL_MS = 15 * 60_000;

export type AdminVia = 'platform' | 'settings' | 'operator';

const SLACK_ID = /^[UW][A-Z0-9]{2,}$/;
const ENTRA_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** KUDOS_ADMINS entries that can name a person on this platform (Slack U…/W…; Teams 29:… or an Entra object id). */
export function operatorAdmins(platform: Platform, seeds: readonly string[]): string[] {
  return seeds.filter((id) => (platform === 'slack' ? SLACK_ID.test(id) : id.startsWith('29:') || ENTRA_ID.test(id)));
}

export const slackSeedAdmins = (seeds: readonly string[]): string[] => operatorAdmins('slack', seeds);
export const teamsSeedAdmins = (seeds: readonly string[]): string[] => operatorAdmins('teams', seeds);

type AdminFields = Pick<PersonRow, 'external_id' | 'is_platform_admin' | 'is_bot' | 'is_deleted'> & { platform_data?: PersonRow['platform_data'] | null };

/** The ids a person may be listed by: their platform id, and on Teams the Entra object id an operator may write. */
export function personIds(person: Pick<AdminFields, 'external_id' | 'platform_data'>): string[] {
  const aad = person.platform_data?.aadObjectId;
  return typeof aad === 'string' && aad ? [person.external_id, aad] : [person.external_id];
}

/** Whether any of these ids is in the admin list (settings) or named by the operator. */
export function listedVia(ids: readonly string[], settings: Pick<Settings, 'admins'>, seeds: readonly string[]): 'settings' | 'operator' | null {
  if (ids.some((id) => settings.admins.includes(id))) return 'settings';
  if (ids.some((id) => seeds.includes(id))) return 'operator';
  return null;
}

/**
 * Whether a known person is an admin, from what is already loaded (no platform call). `platformFlag` says
 * whether their platform admin flag may be trusted (read recently enough); by default it is.
 */
export function adminVia(person: AdminFields, settings: Pick<Settings, 'admins'>, seeds: readonly string[], platformFlag = true): AdminVia | null {
  if (person.is_bot || person.is_deleted) return null;
  const listed = listedVia(personIds(person), settings, seeds);
  if (listed) return listed;
  return platformFlag && person.is_platform_admin ? 'platform' : null;
}

/** How long ago a stored profile was read from the platform (Infinity for a placeholder or nobody). */
export function profileAge(person: Pick<PersonRow, 'profile_fetched_at'> | null, now: Date): number {
  return person?.profile_fetched_at ? now.getTime() - new Date(person.profile_fetched_at).getTime() : Infinity;
}

/**
 * Whether the platform must be asked about this person before deciding. A person the lists name needs only a
 * known profile (a day old at most); anyone else could be an admin only by the platform's flag, so theirs must
 * be recent: older than 15 minutes, it is read again, and a promotion or demotion shows.
 */
export function needsLookup(
  person: Pick<AdminFields, 'external_id' | 'platform_data'> & Pick<PersonRow, 'profile_fetched_at'> | null,
  externalId: string,
  settings: Pick<Settings, 'admins'>,
  seeds: readonly string[],
  now: Date,
): boolean {
  const listed = listedVia(person ? personIds(person) : [externalId], settings, seeds) !== null;
  return profileAge(person, now) > (listed ? PROFILE_TTL_MS : ADMIN_PROFILE_TTL_MS);
}

export interface AdminCheck {
  admin: boolean;
  via: AdminVia | null;
  /** Whether the platform itself says this person is an owner or admin (a flag read within 15 minutes). */
  platformAdmin: boolean;
  /** The acting person (their id is the audit log's actor); null when the platform does not know them. */
  person: PersonRow | null;
  workspaceId: number;
  /** This platform's KUDOS_ADMINS. */
  operators: string[];
  snapshot: SettingsSnapshot;
}

export interface AdminDeps {
  db: Kysely<Database>;
  directory: Directory;
  clock: Clock;
}

/**
 * Checks a person on the server, asking the platform when the stored profile is too old to decide (see
 * needsLookup). When the platform cannot be asked, the lists still count and a platform flag too old to trust
 * does not; someone never seen gets a placeholder (looked up again next time), so their own Home still shows.
 */
export async function checkAdmin(deps: AdminDeps, workspace: WorkspaceRow, externalId: string, seeds: readonly string[]): Promise<AdminCheck> {
  const now = deps.clock();
  const operators = operatorAdmins(workspace.platform, seeds);
  const [snapshot, found] = await Promise.all([loadSettingsSnapshot(deps.db, workspace.id), findPeople(deps.db, workspace.id, [externalId])]);
  let person: PersonRow | null = found[0] ?? null;
  if (needsLookup(person, externalId, snapshot.settings, operators, now)) {
    let profile: Profile | null | undefined;
    try {
      profile = await deps.directory.lookup(workspace.external_id, externalId);
    } catch {
      profile = undefined;
    }
    // An erased person keeps their placeholder name and cleared profile, whatever the directory says.
    if (profile !== undefined) person = profile ? await upsertPerson(deps.db, workspace.id, keepErased(profile, found[0]), now) : null;
    else person ??= await upsertPerson(deps.db, workspace.id, placeholder(externalId), null);
  }
  const platformAdmin = !!person && person.is_platform_admin && !person.is_bot && !person.is_deleted && profileAge(person, now) <= ADMIN_PROFILE_TTL_MS;
  const via = person ? adminVia(person, snapshot.settings, operators, platformAdmin) : null;
  return { admin: via !== null, via, platformAdmin, person, workspaceId: workspace.id, operators, snapshot };
}

function placeholder(id: string): Profile {
  return { externalId: id, displayName: '', timeZone: null, isBot: false, isDeleted: false, isPlatformAdmin: false };
}

// ---------------------------------------------------------------------------------------------------
// Changing the admin list

/**
 * The one rule for the admin list, on every platform: it may be left empty only while someone can still change
 * the settings another way, that is the operator named admins for this platform, or the person emptying it is a
 * platform admin (so the platform has one). Otherwise nobody could ever change Kudos again from inside the app.
 */
export function adminListProblem(next: readonly string[], check: Pick<AdminCheck, 'platformAdmin' | 'operators'>): string | null {
  if (next.length || check.operators.length || check.platformAdmin) return null;
  return 'Keep at least one admin: with nobody in the list, nobody could change the settings afterwards.';
}

export type AdminSaveResult<K extends SettingKey> = SaveSettingResult<K> | { status: 'not_admin' };

/**
 * Saves one setting for a checked admin: refused for anyone else, the admin list kept to the rule above, then
 * saved if nobody saved it since `expectedVersion`, with the change and its actor in the audit log.
 */
export async function saveSettingAsAdmin<K extends SettingKey>(
  db: Kysely<Database>,
  check: AdminCheck,
  args: { key: K; value: unknown; expectedVersion: number },
): Promise<AdminSaveResult<K>> {
  if (!check.admin) return { status: 'not_admin' };
  if (args.key === 'admins' && Array.isArray(args.value)) {
    const problem = adminListProblem(args.value as string[], check);
    if (problem) return { status: 'invalid', errors: { admins: problem } };
  }
  return saveSetting(db, { workspaceId: check.workspaceId, key: args.key, value: args.value, expectedVersion: args.expectedVersion, actorId: check.person?.id ?? null });
}

/** Adds someone to the admin list (a no-op when they are in it), against the list the check read. */
export async function addAdmin(db: Kysely<Database>, check: AdminCheck, externalId: string): Promise<AdminSaveResult<'admins'>> {
  const { settings, versions } = check.snapshot;
  if (!check.admin) return { status: 'not_admin' };
  if (settings.admins.includes(externalId)) return { status: 'saved', value: settings.admins, version: versions.admins };
  return saveSettingAsAdmin(db, check, { key: 'admins', value: [...settings.admins, externalId], expectedVersion: versions.admins });
}

/** Takes someone off the admin list, under the keep-one-admin rule, against the list the check read. */
export async function removeAdmin(db: Kysely<Database>, check: AdminCheck, externalId: string): Promise<AdminSaveResult<'admins'>> {
  const { settings, versions } = check.snapshot;
  if (!check.admin) return { status: 'not_admin' };
  if (!settings.admins.includes(externalId)) return { status: 'saved', value: settings.admins, version: versions.admins };
  return saveSettingAsAdmin(db, check, { key: 'admins', value: settings.admins.filter((id) => id !== externalId), expectedVersion: versions.admins });
}

/**
 * Writes the operator's admins into the `admins` setting the first time (when it was never saved), so they
 * show and can be edited in the app; an admin list that was later emptied on purpose stays empty.
 */
export async function seedAdmins(db: Kysely<Database>, workspaceId: number, seeds: readonly string[]): Promise<boolean> {
  if (!seeds.length) return false;
  const snapshot = await loadSettingsSnapshot(db, workspaceId);
  if (snapshot.versions.admins !== 0 || snapshot.settings.admins.length) return false;
  const saved = await saveSetting(db, {
    workspaceId,
    key: 'admins',
    value: [...new Set(seeds)].slice(0, 200),
    expectedVersion: 0,
    actorId: null,
  });
  return saved.status === 'saved';
}

/**
 * Where the platform names no admins (Teams), the person who installs Kudos becomes its first admin while the
 * list is empty, together with the operator's: saved through the versioned store, so it is audited (as done by
 * the installer) and two installs at once cannot both write.
 */
export async function claimFirstAdmin(
  db: Kysely<Database>,
  workspace: WorkspaceRow,
  installer: Pick<PersonRow, 'id' | 'external_id' | 'is_bot'>,
  seeds: readonly string[],
): Promise<boolean> {
  if (installer.is_bot) return false;
  const snapshot = await loadSettingsSnapshot(db, workspace.id);
  if (snapshot.settings.admins.length) return false;
  const admins = [...new Set([...operatorAdmins(workspace.platform, seeds), installer.external_id])];
  const saved = await saveSetting(db, { workspaceId: workspace.id, key: 'admins', value: admins, expectedVersion: snapshot.versions.admins, actorId: installer.id });
  return saved.status === 'saved';
}

/**
 * People an admin can pick for the admin list where the platform offers no people picker of its own (Teams
 * cards): those Kudos has met, not bots or deactivated, by name.
 */
export async function adminCandidates(db: Kysely<Database>, workspaceId: number, limit = 200): Promise<Array<{ id: string; name: string }>> {
  return (await listPeopleByName(db, workspaceId, limit)).map((p) => ({ id: p.external_id, name: p.display_name }));
}

/** Records an admin action that is not a setting (e.g. "Post digest now") in the audit log, as done by the checked admin. */
export async function recordAdminAction(
  db: Kysely<Database>,
  check: AdminCheck,
  entry: { action: string; target: string; before: unknown; after: unknown },
): Promise<void> {
  await insertAudit(db, { workspaceId: check.workspaceId, actorId: check.person?.id ?? null, ...entry });
}
