import type { Kysely } from 'kysely';
import { insertAudit } from '../db/queries/audit';
import type { Database, WorkspaceRow } from '../db/schema';

/** What an undelivered answer keeps of the text it could not deliver. */
const SAID_MAX = 200;

/**
 * An answer Kudos owed a person (a confirmation, a refusal, a delivery problem) that could not reach them by
 * any channel: recorded in the workspace's log, which admins read in the App Home, so the failure is seen.
 */
export async function reportUndelivered(
  db: Kysely<Database>,
  ws: WorkspaceRow,
  what: { person: string; said: string; reason: string },
): Promise<void> {
  const said = what.said.length > SAID_MAX ? `${what.said.slice(0, SAID_MAX - 1)}…` : what.said;
  await insertAudit(db, { workspaceId: ws.id, actorId: null, action: 'notice.undelivered', target: what.person, before: null, after: { said, reason: what.reason } });
}
