import type { Kysely } from 'kysely';
import type { Database, ValueRow } from '../db/schema';
import { findValue, insertValue, listValues, searchValues, updateValueIfUnchanged } from '../db/queries/values';
import type { Settings } from './settings';
import { slugify } from './values';

/**
 * Values as admins manage them: rows rather than a setting (kudos refer to them), edited with the same care as
 * settings (a form carries what it showed, so a second editor is told), each change audited with the write.
 * Callers check the acting admin first (core/admin.ts).
 */

/** The give-kudos form lists at most 100 values (Slack's option limit), so no more may be active. */
export const MAX_ACTIVE_VALUES = 100;
export const MAX_VALUE_LABEL = 60;

/** Every value, active or not, in the order admins arranged them. */
export function listAllValues(db: Kysely<Database>, workspaceId: number): Promise<ValueRow[]> {
  return listValues(db, workspaceId, { activeOnly: false });
}

/** One value of this workspace, or null. */
export async function findValueById(db: Kysely<Database>, workspaceId: number, id: number): Promise<ValueRow | null> {
  return (await findValue(db, workspaceId, id)) ?? null;
}

/** Values whose name or tag contains `query`, active ones first, for a searchable picker. */
export function findValuesLike(db: Kysely<Database>, workspaceId: number, query: string, limit: number): Promise<ValueRow[]> {
  return searchValues(db, workspaceId, query.trim().slice(0, 64), limit);
}


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
