import { reportUndelivered } from '../core/undelivered';
import type { WorkspaceRow } from '../db/schema';
import type { SlackContext } from './context';

/** A response_url takes five uses in 30 minutes: a failed answer is tried twice more, a little apart. */
const ATTEMPTS = 3;
const BACKOFF_MS = 500;

/**
 * Tells a person something through their request's response_url. It is tried a few times; when it still
 * cannot be delivered, the failure is recorded where admins see it (the App Home's log), so a person is never
 * left without an answer that nobody knows about. Never throws; true when the person was told.
 */
export async function tellPerson(
  ctx: Pick<SlackContext, 'api' | 'db' | 'logger'> & { workspace(): WorkspaceRow },
  to: { responseUrl: string | undefined; userId: string },
  body: Record<string, unknown>,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): Promise<boolean> {
  let reason = 'no response_url';
  if (to.responseUrl) {
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try {
        await ctx.api.respond(to.responseUrl, body);
        return true;
      } catch (err) {
        reason = err instanceof Error ? err.message : String(err);
        if (attempt < ATTEMPTS) await sleep(BACKOFF_MS * attempt);
      }
    }
  }
  ctx.logger.error({ user: to.userId, reason }, 'could not tell a person the outcome of their request');
  try {
    await reportUndelivered(ctx.db, ctx.workspace(), { person: to.userId, said: String(body.text ?? ''), reason });
  } catch (err) {
    ctx.logger.error({ err }, 'could not record an undelivered answer');
  }
  return false;
}
