import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Kysely } from 'kysely';
import type { Clock } from '../core/clock';
import { exportKudos, type ExportFormat } from '../core/export';
import { EXPORT_LINK_PATH, resolveExportLink } from '../core/export-links';
import type { Database } from '../db/schema';
import type { Logger } from '../logger';
import { send } from './http';

/** Every answer on this route: nothing cached, the link never sent on as a Referer, no content sniffing. */
const PRIVATE_HEADERS = {
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
} as const;

const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  json: 'application/json',
};

/**
 * GET /export/<token>?format=csv|json: the person's own kudos (or, for an admin's link, the workspace's in a range), streamed as it is read (a slow download holds the
 * queries back instead of filling memory). An unknown, expired or malformed token gets one plain 404, the same
 * for each. The token is a secret: it is never logged, not even in an error's path.
 */
export class ExportRoute {
  constructor(private readonly deps: { db: Kysely<Database>; logger: Logger; clock: Clock }) {}

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const token = url.pathname.startsWith(EXPORT_LINK_PATH) ? url.pathname.slice(EXPORT_LINK_PATH.length) : '';
    const format = url.searchParams.get('format') ?? 'csv';
    if (format !== 'csv' && format !== 'json') {
      return send(res, { status: 400, headers: { ...PRIVATE_HEADERS }, body: 'format must be csv or json' });
    }
    const found = await resolveExportLink(this.deps.db, token, this.deps.clock());
    if (!found) return send(res, { status: 404, headers: { ...PRIVATE_HEADERS }, body: 'not found' });

    const { workspace, person, range } = found;
    this.deps.logger.info({ workspaceId: workspace.id, format, scope: range ? 'workspace' : 'person' }, 'export link used');
    res.writeHead(200, {
      ...PRIVATE_HEADERS,
      'content-type': CONTENT_TYPES[format],
      'content-disposition': `attachment; filename="${range ? 'kudos' : 'my-kudos'}.${format}"`,
    });
    // A workspace link (an admin's): every kudos in its range; a person link: the person's own.
    const query: Parameters<typeof exportKudos>[2] = range ? { from: range.from, to: range.to, format } : { person: { id: person.id }, format };
    try {
      // pipeline waits for the socket to drain between chunks, and stops the export if the client goes away.
      await pipeline(Readable.from(exportKudos(this.deps.db, workspace, query)), res);
    } catch (err) {
      // Headers are sent: all that is left is to cut the response short (pipeline has destroyed it).
      this.deps.logger.warn({ err, workspaceId: workspace.id }, 'export download did not finish');
    }
  }
}
