import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TurnContext } from 'botbuilder';
import type { Logger } from '../logger';
import { send } from '../server/http';
import type { KudosCloudAdapter } from './adapter';

/**
 * The Express-like response botbuilder's `adapter.process` writes to (`status`, `header`, `send`, `end`), over
 * Node's own ServerResponse: it buffers and writes once on `end`.
 */
export class ResponseShim {
  statusCode = 200;
  body: string | undefined;
  readonly headers: Record<string, string> = {};
  ended = false;

  constructor(private readonly res: ServerResponse) {}

  /** Part of the SDK's declared response type; only its streaming path reads it. */
  get socket(): unknown {
    return this.res.socket;
  }

  status(code: number): this {
    this.statusCode = code;
    return this;
  }

  header(name: string, value: string): this {
    this.headers[name.toLowerCase()] = String(value);
    return this;
  }

  send(body: unknown): this {
    if (body === undefined || body === null) return this;
    if (typeof body === 'string' || Buffer.isBuffer(body)) {
      this.body = body.toString();
      this.headers['content-type'] ??= 'text/plain; charset=utf-8';
    } else {
      this.body = JSON.stringify(body);
      this.headers['content-type'] ??= 'application/json; charset=utf-8';
    }
    return this;
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    send(this.res, { status: this.statusCode, headers: this.headers, body: this.body });
  }
}

/**
 * `POST /api/messages`: parses the body botbuilder expects already parsed, hands the request to the adapter
 * (which validates the token, runs the turn and, for an invoke, answers with its response), and makes sure
 * every request is answered even when the SDK throws (an activity without `type` does).
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
  // Without a token nothing else needs looking at; answering here also keeps the SDK from logging a stack per probe.
  if (adapter.authEnabled && !req.headers.authorization) {
    logger.warn({ type: (body as { type: string }).type }, 'rejected a Teams request without a token');
    return send(res, { status: 401, body: 'Unauthorized' });
  }
  const shim = new ResponseShim(res);
  try {
    await adapter.process({ body: body as Record<string, unknown>, headers: req.headers, method: req.method ?? 'POST' }, shim, logic);
  } catch (err) {
    logger.error({ err }, 'Teams request failed');
    if (!shim.ended) shim.status(500).send('internal error');
  }
  if (shim.statusCode === 401) logger.warn({ type: (body as { type: string }).type }, 'rejected a Teams request whose token did not validate');
  shim.end();
}
