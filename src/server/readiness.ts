import { DeadlinePassed, withDeadline } from '../deadline';
import type { RouteReply } from './http';

/** One thing the app needs to do its work: resolves to a problem (a short sentence), or undefined when fine. */
export type ReadinessCheck = () => Promise<string | undefined> | string | undefined;

/** /readyz answers within this long whatever a check is waiting on (a partitioned database, a hung peer). */
export const READINESS_TIMEOUT_MS = 1_500;

/**
 * Runs every check at once, each bounded by `timeoutMs`: 200 when all are fine, else 503 naming each check
 * that is not, with its reason (`checks` holds a boolean per check, `problems` the reasons).
 */
export async function readiness(checks: Record<string, ReadinessCheck>, timeoutMs = READINESS_TIMEOUT_MS): Promise<RouteReply> {
  const names = Object.keys(checks);
  const results = await Promise.all(names.map((name) => bounded(checks[name]!, timeoutMs)));
  const problems: Record<string, string> = {};
  const flags: Record<string, boolean> = {};
  names.forEach((name, i) => {
    flags[name] = results[i] === undefined;
    if (results[i] !== undefined) problems[name] = results[i]!;
  });
  const ok = Object.keys(problems).length === 0;
  const body = ok ? { status: 'ready', checks: flags } : { status: 'not ready', checks: flags, problems };
  return { status: ok ? 200 : 503, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

async function bounded(check: ReadinessCheck, timeoutMs: number): Promise<string | undefined> {
  try {
    return await withDeadline(Promise.resolve().then(check), timeoutMs);
  } catch (err) {
    if (err instanceof DeadlinePassed) return err.message;
    // Only the error's code: a message may carry a host name or a query.
    const code = (err as { code?: unknown } | undefined)?.code;
    return typeof code === 'string' ? `failed (${code})` : 'failed';
  }
}
