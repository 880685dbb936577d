import type { PersonRow, WorkspaceRow } from '../db/schema';
import { findLatestGiven, findLatestUndone, loadKudosViews, revokeRecorded } from '../db/queries/kudos';
import { firstNotice } from '../db/queries/notices';
import { activePileOnNames } from '../db/queries/reactions';
import { allowanceToday, type CoreDeps } from './give';
import type { UseCaseDeps } from './ports';
import type { AllowanceView, KudosSource, KudosView } from './types';

/** How long after giving a kudos its giver can still take it back with `undo`. */
export const UNDO_WINDOW_MS = 15 * 60 * 1000;

/** The notice kind that records an undo request as handled (its period is the request's key). */
const UNDO_REQUEST = 'undo-request';

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

export type UndoResult =
  | { status: 'undone'; kudos: KudosView; allowance: AllowanceView }
  | { status: 'nothing_to_undo'; windowMinutes: number };

/**
 * `/thanks undo` (or `undo` in Teams): the caller's latest kudos given within the undo window is withdrawn.
 * The request's own key (Slack's trigger_id, the Teams activity id) makes it happen once: a replay of the same
 * request withdraws nothing more and answers with the kudos the first one withdrew.
 */
export async function undoLastKudos(
  deps: Pick<CoreDeps, 'db' | 'clock'>,
  workspace: WorkspaceRow,
  giver: PersonRow,
  requestKey: string,
): Promise<UndoResult> {
  const since = new Date(deps.clock().getTime() - UNDO_WINDOW_MS);
  const first = await firstNotice(deps.db, { workspaceId: workspace.id, personId: giver.id, kind: UNDO_REQUEST, period: requestKey });
  if (!first) {
    const earlier = await findLatestUndone(deps.db, workspace.id, giver.id, since);
    if (!earlier) return { status: 'nothing_to_undo', windowMinutes: UNDO_WINDOW_MS / 60_000 };
    const [kudos] = await loadKudosViews(deps.db, workspace.id, [earlier.id]);
    return { status: 'undone', kudos, allowance: await allowanceToday(deps, workspace, giver) };
  }
  for (;;) {
    const latest = await findLatestGiven(deps.db, workspace.id, giver.id, since, UNDOABLE);
    if (!latest) return { status: 'nothing_to_undo', windowMinutes: UNDO_WINDOW_MS / 60_000 };
    const r = await revokeKudos(deps, workspace, latest.id, { personId: giver.id, reason: 'undo' });
    if (r.status === 'revoked') return { status: 'undone', kudos: r.kudos, allowance: await allowanceToday(deps, workspace, giver) };
    // Revoked concurrently by another request: look again.
  }
}

/**
 * Redraws the post of a withdrawn kudos (struck through, "withdrawn"). False when it has no post or the platform
 * would not update it; the kudos is withdrawn either way.
 */
export function withdrawPost(deps: Pick<UseCaseDeps, 'notifier' | 'db'>, workspace: WorkspaceRow, kudos: KudosView): Promise<boolean> {
  return redrawKudosPost(deps, workspace, kudos);
}

/**
 * Redraws a kudos's post from what is stored now (withdrawn, or naming an erased person), with the names of those
 * who joined it by a pile-on, which a platform that draws them on the post (Teams) would otherwise drop. False
 * when it has no post or the platform would not update it.
 */
export async function redrawKudosPost(deps: Pick<UseCaseDeps, 'notifier' | 'db'>, workspace: WorkspaceRow, kudos: KudosView): Promise<boolean> {
  if (!kudos.postChannelId || !kudos.postTs) return false;
  const pileOns = await activePileOnNames(deps.db, workspace.id, kudos.id);
  return deps.notifier.updateKudosPost(workspace, kudos, pileOns).catch(() => false);
}
