import type { Kysely } from 'kysely';
import type { Database, PersonRow, ValueRow, WorkspaceRow } from '../db/schema';
import { findPeople, upsertPerson } from '../db/queries/people';
import { insertValue, listValues, updateValueIfUnchanged } from '../db/queries/values';
import type { Clock } from './clock';
import { PROFILE_TTL_MS } from './people';
import type { Settings, SettingsSnapshot } from './settings';
import { loadSettingsSnapshot, saveSetting } from './settings-store';
import type { Directory } from './types';
import { slugify } from './values';

/**
 * Who may change Kudos, and the admin operations that are not a single setting (values).
 *
 * An admin is, at the moment of the action: a platform owner or admin (Slack's users.info is_admin /
 * is_owner, read again when older than ADMIN_PROFILE_TTL_MS), someone in the `admins` setting, or someone
 * named by the operator in KUDOS_ADMINS. Nothing the client sends (a view's private_metadata, a button's
 * value) counts: the acting user's id comes from the signed payload and is checked here every time.
 */

/** How old a platform admin flag may be when it alone makes someone an admin. */
export const ADMIN_PROFILE_TTL_MS = 15 * 60_000;
/** The give-kudos form lists at most 100 values (Slack's option limit), so no more may be active. */
export const MAX_ACTIVE_VALUES = 100;
export const MAX_VALUE_LABEL = 60;

export type AdminVia = 'platform' | 'settings' | 'operator';

type AdminFields = Pick<PersonRow, 'external_id' | 'is_platform_admin' | 'is_bot' | 'is_deleted'>;

/** Whether a known person is an admin, from what is already loaded (no platform call). */
export function adminVia(person: AdminFields, settings: Pick<Settings, 'admins'>, seeds: readonly string[]): AdminVia | null {
  if (person.is_bot || person.is_deleted) return null;
  if (settings.admins.includes(person.external_id)) return 'settings';
  if (seeds.includes(person.external_id)) return 'operator';
  return person.is_platform_admin ? 'platform' : null;
}

export interface AdminCheck {
  admin: boolean;
  via: AdminVia | null;
  /** The acting person (their id is the audit log's actor); null when the platform does not know them. */
  person: PersonRow | null;
  snapshot: SettingsSnapshot;
}

export interface AdminDeps {
  db: Kysely<Database>;
  directory: Directory;
  clock: Clock;
}

/**
 * Checks the acting user on the server. A person listed in the settings or by the operator needs only a
 * known profile; one who is an admin only by the platform's flag needs a recent one, so that someone demoted
 * in Slack loses access within minutes. When the platform cannot be asked, a flag read within a day stands.
 */
export async function checkAdmin(deps: AdminDeps, workspace: WorkspaceRow, externalId: string, seeds: readonly string[]): Promise<AdminCheck> {
  const now = deps.clock();
  const [snapshot, found] = await Promise.all([loadSettingsSnapshot(deps.db, workspace.id), findPeople(deps.db, workspace.id, [externalId])]);
  let person: PersonRow | null = found[0] ?? null;
  const listed = snapshot.settings.admins.includes(externalId) || seeds.includes(externalId);
  const age = person?.profile_fetched_at ? now.getTime() - new Date(person.profile_fetched_at).getTime() : Infinity;
  if (age > (listed ? PROFILE_TTL_MS : ADMIN_PROFILE_TTL_MS)) {
    try {
      const profile = await deps.directory.lookup(workspace.external_id, externalId);
      person = profile ? await upsertPerson(deps.db, workspace.id, profile, now) : null;
    } catch {
      // The platform is unreachable: a flag read within a day stands, an older one does not.
      if (person && age > PROFILE_TTL_MS) person = { ...person, is_platform_admin: false };
    }
  }
  const via = person ? adminVia(person, snapshot.settings, seeds) : null;
  return { admin: via !== null, via, person, snapshot };
}

/** KUDOS_ADMINS entries that can name a Slack person (U… or, on Enterprise Grid, W…). */
export function slackSeedAdmins(seeds: readonly string[]): string[] {
  return seeds.filter((id) => /^[UW][A-Z0-9]{2,}$/.test(id));
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

// ---------------------------------------------------------------------------------------------------
// Values: rows rather than a setting (kudos refer to them), edited with the same care as settings.

export type ValueField = 'label' | 'emoji' | 'slug' | 'active';
export type ValueErrors = Partial<Record<ValueField, string>>;

const EMOJI_NAME = /^[a-z0-9_+\-']{1,100}$/;
const TAG = /^\p{L}[\p{L}\p{N}_-]{0,63}$/u;

/** `:Tada:` → `tada`: the short name as Slack stores it. */
export function normalizeEmoji(input: string): string {
  return input.trim().replace(/^:+|:+$/g, '').toLowerCase();
}

function checkLabel(raw: unknown, errors: ValueErrors): string {
  const label = typeof raw === 'string' ? raw.trim().replace(/\s+/g, ' ') : '';
  if (!label) errors.label = 'Give the value a name, like "Customer love".';
  else if (label.length > MAX_VALUE_LABEL) errors.label = `Keep the name to ${MAX_VALUE_LABEL} characters or fewer; this one has ${label.length}.`;
  return label;
}

function checkEmoji(raw: unknown, errors: ValueErrors): string {
  const emoji = typeof raw === 'string' ? normalizeEmoji(raw) : '';
  if (!emoji) errors.emoji = 'Pick an emoji for the value, by its name: heart, rocket, star-struck…';
  else if (!EMOJI_NAME.test(emoji)) errors.emoji = 'Use an emoji name such as `heart` or `raised_hands` (letters, digits, _ + - only, no skin tone).';
  return emoji;
}

export type CreateValueResult = { status: 'created'; value: ValueRow } | { status: 'invalid'; errors: ValueErrors };

/** Adds a value (label, emoji, and a #tag made from the label unless one is given), with an audit row. */
export async function createValue(
  db: Kysely<Database>,
  args: { workspaceId: number; actorId: number | null; draft: { label: unknown; emoji: unknown; slug?: unknown } },
): Promise<CreateValueResult> {
  const errors: ValueErrors = {};
  const label = checkLabel(args.draft.label, errors);
  const emoji = checkEmoji(args.draft.emoji, errors);
  const given = typeof args.draft.slug === 'string' ? args.draft.slug.trim().replace(/^#/, '').toLowerCase() : '';
  const slug = given || slugify(label);
  if (given && !TAG.test(given)) errors.slug = 'A tag starts with a letter, then letters, digits, - or _ (up to 64), like `customer-love`.';
  else if (label && !errors.label && !TAG.test(slug)) errors.label = 'Start the name with a letter, or choose a tag below, so people can type it as a #tag.';

  const values = await listValues(db, args.workspaceId, { activeOnly: false });
  if (!errors.slug && !errors.label && values.some((v) => v.slug === slug)) {
    const existing = values.find((v) => v.slug === slug)!;
    errors[given ? 'slug' : 'label'] = existing.active
      ? `There is already a value tagged #${slug} (${existing.label}).`
      : `A deactivated value is tagged #${slug} (${existing.label}): reactivate it instead, or choose another tag.`;
  }
  if (values.filter((v) => v.active).length >= MAX_ACTIVE_VALUES) {
    errors.label ??= `There are already ${MAX_ACTIVE_VALUES} active values, as many as the give-kudos form can list. Deactivate one first.`;
  }
  if (Object.keys(errors).length) return { status: 'invalid', errors };
  const row = await insertValue(db, { workspaceId: args.workspaceId, actorId: args.actorId, slug, label, emoji });
  // Someone added the same tag a moment ago.
  if (!row) return { status: 'invalid', errors: { [given ? 'slug' : 'label']: `There is already a value tagged #${slug}.` } };
  return { status: 'created', value: row };
}

export type EditValueResult =
  | { status: 'saved'; value: ValueRow }
  | { status: 'invalid'; errors: ValueErrors }
  | { status: 'conflict'; current: ValueRow }
  | { status: 'not_found' };

/**
 * Edits a value's label, emoji or active flag, if it is still as the editor saw it (`expected`). Its #tag
 * never changes: past kudos and people's habits refer to it. A deactivated value stays on its kudos.
 */
export async function editValue(
  db: Kysely<Database>,
  args: {
    workspaceId: number;
    actorId: number | null;
    id: number;
    expected: Pick<ValueRow, 'label' | 'emoji' | 'active'>;
    draft: { label: unknown; emoji: unknown; active: boolean };
    settings: Pick<Settings, 'valueRequired'>;
  },
): Promise<EditValueResult> {
  const errors: ValueErrors = {};
  const label = checkLabel(args.draft.label, errors);
  const emoji = checkEmoji(args.draft.emoji, errors);
  const values = await listValues(db, args.workspaceId, { activeOnly: false });
  const current = values.find((v) => v.id === args.id);
  if (!current) return { status: 'not_found' };
  const activeOthers = values.filter((v) => v.active && v.id !== args.id).length;
  if (!args.draft.active && current.active && activeOthers === 0 && args.settings.valueRequired) {
    errors.active = 'A value is required on every kudos, so keep at least one value active (or turn that rule off first).';
  }
  if (args.draft.active && !current.active && activeOthers >= MAX_ACTIVE_VALUES) {
    errors.active = `There are already ${MAX_ACTIVE_VALUES} active values, as many as the give-kudos form can list. Deactivate another first.`;
  }
  if (Object.keys(errors).length) return { status: 'invalid', errors };
  const unchanged = (v: Pick<ValueRow, 'label' | 'emoji' | 'active'>) => v.label === label && v.emoji === emoji && v.active === args.draft.active;
  // Saving the form as it was opened changes nothing and is not worth an audit row.
  if (unchanged(current) && unchanged(args.expected)) return { status: 'saved', value: current };
  const out = await updateValueIfUnchanged(db, {
    workspaceId: args.workspaceId,
    actorId: args.actorId,
    id: args.id,
    expected: args.expected,
    changes: { label, emoji, active: args.draft.active },
  });
  if (out.ok) return { status: 'saved', value: out.value };
  if (out.reason === 'not_found' || !out.current) return { status: 'not_found' };
  return { status: 'conflict', current: out.current };
}
