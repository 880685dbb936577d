import type { KudosView } from '../../src/core/types';

/** A kudos as the renderers see it: a giver, two recipients and one value, nothing posted yet; `over` changes any of it. */
export function kudosView(over: Partial<KudosView> = {}): KudosView {
  return {
    id: 1,
    workspaceId: 1,
    source: 'command',
    giver: { id: 1, externalId: 'UG', displayName: 'Gina' },
    recipients: [
      { id: 2, externalId: 'UA', displayName: 'Alice' },
      { id: 3, externalId: 'UB', displayName: 'Bob' },
    ],
    message: 'for the fix and the docs',
    values: [{ slug: 'ownership', label: 'Ownership', emoji: 'muscle' }],
    createdAt: new Date('2026-11-20T10:00:00Z'),
    channelId: null,
    messageTs: null,
    permalink: null,
    emoji: null,
    postChannelId: null,
    postTs: null,
    parentId: null,
    campaignKey: null,
    revokedAt: null,
    revokedReason: null,
    ...over,
  };
}
