import type { PersonRow, WorkspaceRow } from '../db/schema';
import { findLatestGiven, loadKudosViews, revokeRecorded } from '../db/queries/kudos';
import type { CoreDeps } from './give';
import type { KudosSource, KudosView } from './types';

/** How long after giving a kudos its giver can still take it back with `undo`. */
export const UNDO_WINDOW_MS = 15 * 60 * 1000;

/** Sources a giver can undo by command; reactions are undone by removing the reaction. */
const UNDOABLE: KudosSource[] = ['command', 'modal', 'shortcut', 'teams_message', 'teams_form'];

export type RevokeResult = { status: 'revoked'; kudos: KudosView } | { status: 'already_revoked' | 'not_found' };

/**
 * Reversal is a record: the kudos is marked revoked (who, when, why), never deleted, and its allowance goes
 * back to the local day it was taken from. Revoking twice is a no-op.
 */
export async function revokeKudos(
  deps: Pick<CoreDeps, 'db' | 'clock'>,
  workspace: WorkspaceRow,
  kudosId: number,
  by: { personId: number | null; reason: string },
): Promise<RevokeResult> {
  // Not retried on a lost connection: a first attempt that landed would make the retry say 'already_revoked'.
  const status = await revokeRecorded(deps.db, workspace.id, kudosId, by.personId, by.reason, deps.clock());
  if (status !== 'revoked') return { status };
  const [kudos] = await loadKudosViews(deps.db, workspace.id, [kudosId]);
  return { status, kudos };
}

export type UndoResult = { status: 'undone'; kudos: KudosView } | { status: 'nothing_to_undo'; windowMinutes: number };

/** `/thanks undo`: the caller's latest kudos given within the undo window. */
export async function undoLastKudos(
  deps: Pick<CoreDeps, 'db' | 'clock'>,
  workspace: WorkspaceRow,
  giver: PersonRow,
): Promise<UndoResult> {
  const since = new Date(deps.clock().getTime() - UNDO_WINDOW_MS);
  for (;;) {
    const latest = await findLatestGiven(deps.db, workspace.id, giver.id, since, UNDOABLE);
    if (!latest) return { status: 'nothing_to_undo', windowMinutes: UNDO_WINDOW_MS / 60_000 };
    const r = await revokeKudos(deps, workspace, latest.id, { personId: giver.id, reason: 'undo' });
    if (r.status === 'revoked') return { status: 'undone', kudos: r.kudos };
    // Revoked concurrently by another request: look again.
  }
}
