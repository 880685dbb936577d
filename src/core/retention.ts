import type { Kysely } from 'kysely';
import { DateTime } from 'luxon';
import { clearOldMessages, deleteProcessedEvents } from '../db/queries/retention';
import type { Database, WorkspaceRow } from '../db/schema';
import { eraseDeactivatedPeople } from './erasure';
import type { UseCaseDeps } from './ports';
import type { RetentionSettings } from './settings';

/**
 * A workspace's retention settings applied once: what Kudos keeps of what people sent it, and for how long.
 * Run nightly per workspace by jobs/retention-job.ts, claimed once across replicas; idempotent, so a run
 * taken over after a crash, or a second run the same day, does no harm and nothing more.
 *
 *   1. Platform deliveries (event_inbox) processed and received more than `eventBodyDays` ago are deleted. A
 *      delivery's row is also what recognises a re-delivery, but Slack stops retrying an event within about an
 *      hour and Teams does not retry one at all, so a row that old recognises nothing any more; a kudos is
 *      counted once by its own unique key in any case. Deliveries from no known workspace are deleted after
 *      UNKNOWN_WORKSPACE_EVENT_DAYS by every workspace's run (whichever comes first does the work).
 *   2. With `messageMonths` set, the message text of kudos older than that is cleared (not the kudos: counts stay).
 *   3. With `eraseDeactivatedAfterDays` set, people deactivated for that long are erased (core/erasure.ts). That
 *      redraws the platform posts that showed them, so it needs the workspace's use-case dependencies (its
 *      notifier); without them (`deps.useCase` unset) it is left undone and the summary says 'unavailable'.
 */

/** Days a processed delivery that names no known workspace is kept. */
export const UNKNOWN_WORKSPACE_EVENT_DAYS = 7;

/** What one run did: counts only, never what anyone wrote. */
export interface RetentionSummary {
  eventsDeleted: number;
  unknownWorkspaceEventsDeleted: number;
  /** null when messages are kept forever. */
  messagesCleared: number | null;
  erasure: { status: 'off' } | { status: 'unavailable' } | { status: 'done'; erased: number; postsNotRedrawn: number };
}

export interface RetentionDeps {
  db: Kysely<Database>;
  /** For erasing people who left (core/erasure.ts needs the platform's notifier); unset: erasure is left undone. */
  useCase?: UseCaseDeps;
}

export async function applyRetention(
  deps: RetentionDeps,
  workspace: WorkspaceRow,
  retention: RetentionSettings,
  now: Date,
): Promise<RetentionSummary> {
  const { db } = deps;
  const daysAgo = (days: number) => DateTime.fromJSDate(now, { zone: 'utc' }).minus({ days }).toJSDate();
  const eventsDeleted = await deleteProcessedEvents(db, { workspaceId: workspace.id, before: daysAgo(retention.eventBodyDays) });
  const unknownWorkspaceEventsDeleted = await deleteProcessedEvents(db, { workspaceId: null, before: daysAgo(UNKNOWN_WORKSPACE_EVENT_DAYS) });
  const messagesCleared =
    retention.messageMonths === null
      ? null
      : await clearOldMessages(db, { workspaceId: workspace.id, before: DateTime.fromJSDate(now, { zone: 'utc' }).minus({ months: retention.messageMonths }).toJSDate() });

  // ── Erasure of people who left: core/erasure.ts (eraseDeactivatedPeople) ──────────────────────────────────
  let erasure: RetentionSummary['erasure'] = { status: 'off' };
  if (retention.eraseDeactivatedAfterDays !== null) {
    if (!deps.useCase) erasure = { status: 'unavailable' };
    else {
      const r = await eraseDeactivatedPeople(deps.useCase, workspace, retention.eraseDeactivatedAfterDays, now);
      erasure = { status: 'done', erased: r.erased.length, postsNotRedrawn: r.updateFailures };
    }
  }

  return { eventsDeleted, unknownWorkspaceEventsDeleted, messagesCleared, erasure };
}

/** One line for the log: counts only. */
export function retentionSummaryText(s: RetentionSummary): string {
  return [
    `events deleted ${s.eventsDeleted}`,
    `unknown-workspace events deleted ${s.unknownWorkspaceEventsDeleted}`,
    `messages cleared ${s.messagesCleared ?? 'off'}`,
    `people erased ${s.erasure.status === 'done' ? `${s.erasure.erased} (posts not redrawn ${s.erasure.postsNotRedrawn})` : s.erasure.status}`,
  ].join(', ');
}
