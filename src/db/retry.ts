/**
 * Connection-level failures (the server restarted, a pooled connection was cut) are safe to retry for work
 * that is keyed for idempotency: the retry either lands once or finds the first attempt's row.
 */
const CONNECTION_CODES = new Set(['57P01', '57P02', '57P03', '08000', '08003', '08006', '08001', '08004', 'ECONNRESET', 'ECONNREFUSED', 'EPIPE']);

export function isConnectionError(err: unknown): boolean {
  const e = err as { code?: string; message?: string } | undefined;
  if (!e) return false;
  if (e.code && CONNECTION_CODES.has(e.code)) return true;
  return /Connection terminated|connection is closed|Client has encountered a connection error|terminating connection/i.test(e.message ?? '');
}

export async function retryOnConnectionLoss<T>(work: () => Promise<T>, attempts = 3): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await work();
    } catch (err) {
      if (i >= attempts || !isConnectionError(err)) throw err;
    }
  }
}
