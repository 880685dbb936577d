import type { Context } from '@slack/bolt';
import type { InboxDelivery } from '../core/types';

/**
 * A stored event travels through Bolt with its inbox row (as a custom context property), so that a listener
 * can hand it to the ledger, which marks it processed in the same transaction as the write it causes.
 */
const KEY = 'kudosDelivery';

export function deliveryProperties(delivery: InboxDelivery): Record<string, InboxDelivery> {
  return { [KEY]: delivery };
}

export function deliveryOf(context: Context): InboxDelivery | undefined {
  const d = context[KEY] as InboxDelivery | undefined;
  return d && typeof d.id === 'number' ? d : undefined;
}
