import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Activity, InvokeResponse, TurnContext } from 'botbuilder';
import { validateAndFixActivity } from 'botbuilder/lib/activityValidator';
import type { Logger } from '../logger';
import { send, type RouteReply } from '../server/http';
import type { KudosCloudAdapter } from './adapter';

/** A token that is not one we accept. */
const UNAUTHORIZED: RouteReply = { status: 401, body: 'Unauthorized' };
/** A token we could not check (the signing keys could not be fetched); the Bot Connector may send it again. */
const UNAVAILABLE: RouteReply = { status: 503, headers: { 'retry-after': '10' }, body: 'Service unavailable: cannot verify the sender right now' };

/**
 * `POST /api/messages`: parses the body, checks the token, runs the turn and, for an invoke, answers with its
 * response. This is botbuilder's `adapter.process` done here, for two things it gets wrong: it answers every
 * failed check with the SDK's error text (401 for some, 500 for others, a bad signature and unreachable signing
 * keys alike), and it waits on the signing keys without a time limit. A token that is not accepted gets a fixed
 * 401, one that cannot be checked now a fixed 503 with `retry-after`; the cause goes to the log, the token never.
 */
export async function processTeamsRequest(
  adapter: KudosCloudAdapter,
  req: IncomingMessage,
  res: ServerResponse,
  rawBody: Buffer,
  logic: (tc: TurnContext) => Promise<void>,
  logger: Logger,
): Promise<void> {
  let body: unknown;
  try {
    body = JSON.parse(rawBody.toString('utf8'));
  } catch {
    return send(res, { status: 400, body: 'malformed JSON body' });
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body) || typeof (body as { type?: unknown }).type !== 'string') {
    return send(res, { status: 400, body: 'not an activity' });
  }
  // As the SDK's process() does: timestamps become Dates.
  const activity = validateAndFixActivity(body as Activity);
  const type = activity.type;
  const authHeader = req.headers.authorization ?? '';
  // Without a token nothing else needs looking at.
  if (adapter.authEnabled && !authHeader) {
    logger.warn({ type }, 'rejected a Teams request without a token');
    return send(res, UNAUTHORIZED);
  }
  const check = await adapter.checkToken(activity, authHeader);
  if (!check.ok) {
    if (check.outcome === 'rejected') {
      logger.warn({ type, cause: check.cause }, 'rejected a Teams request whose token did not validate');
      return send(res, UNAUTHORIZED);
    }
    logger.warn({ type, cause: check.cause }, "could not check a Teams request's token: the signing keys could not be fetched; answered 503");
    return send(res, UNAVAILABLE);
  }
  let invokeResponse: InvokeResponse | undefined;
  try {
    invokeResponse = await adapter.run(check.auth, activity, logic);
  } catch (err) {
    logger.error({ err, type }, 'Teams request failed');
    return send(res, { status: 500, body: 'internal error' });
  }
  send(res, replyOf(invokeResponse));
}

/** The HTTP answer for a turn: 200, or an invoke's response (no body when it set none, as the SDK does). */
function replyOf(invoke: InvokeResponse | undefined): RouteReply {
  const status = invoke?.status ?? 200;
  const body: unknown = invoke?.body;
  if (!body) return { status };
  if (typeof body === 'string') return { status, body };
  return { status, headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(body) };
}
