/** A wait given up: the work had no answer within its time. */
export class DeadlinePassed extends Error {
  override name = 'DeadlinePassed';
  constructor(readonly ms: number) {
    super(`no answer within ${ms} ms`);
  }
}

/**
 * `work`, or a rejection once `ms` have passed without its answer (`late()`, by default DeadlinePassed). The work
 * is not cancelled: it finishes or fails on its own, and nobody waits for it then (its failure is not left
 * unhandled). `late` may do what giving up needs, such as closing the connection the work was waiting on.
 */
export function withDeadline<T>(work: Promise<T>, ms: number, late: () => Error = () => new DeadlinePassed(ms)): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(late()), ms);
  });
  work.catch(() => undefined);
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
