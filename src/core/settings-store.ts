import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { readSettingRows, readSettingRowsOf, writeSetting } from '../db/queries/settings';
import { settingsFromRows, validateSetting, type SettingKey, type Settings, type SettingsSnapshot } from './settings';

export async function loadSettingsSnapshot(db: Kysely<Database>, workspaceId: number): Promise<SettingsSnapshot> {
  return settingsFromRows(await readSettingRows(db, workspaceId));
}

export async function loadSettings(db: Kysely<Database>, workspaceId: number): Promise<Settings> {
  return (await loadSettingsSnapshot(db, workspaceId)).settings;
}

/** Several workspaces' settings in one read (the scheduler's tick over a fleet). */
export async function loadSettingsOf(db: Kysely<Database>, workspaceIds: readonly number[]): Promise<Map<number, Settings>> {
  const rows = await readSettingRowsOf(db, workspaceIds);
  return new Map(workspaceIds.map((id) => [id, settingsFromRows(rows.get(id) ?? []).settings]));
}

export type SaveSettingResult<K extends SettingKey> =
  | { status: 'saved'; value: Settings[K]; version: number }
  | { status: 'invalid'; errors: Record<string, string> }
  | { status: 'conflict'; currentVersion: number };

/**
 * Saves one setting if nobody else saved it since `expectedVersion` was read; the change and its
 * before → after land in the audit log in the same transaction.
 */
export async function saveSetting<K extends SettingKey>(
  db: Kysely<Database>,
  args: { workspaceId: number; key: K; value: unknown; expectedVersion: number; actorId: number | null },
): Promise<SaveSettingResult<K>> {
  const checked = validateSetting(args.key, args.value);
  if (!checked.ok) return { status: 'invalid', errors: checked.errors };
  const before = (await loadSettings(db, args.workspaceId))[args.key];
  const out = await writeSetting(db, {
    workspaceId: args.workspaceId,
    key: args.key,
    value: checked.value,
    before,
    expectedVersion: args.expectedVersion,
    actorId: args.actorId,
  });
  return out.ok ? { status: 'saved', value: checked.value, version: out.version } : { status: 'conflict', currentVersion: out.currentVersion };
}
