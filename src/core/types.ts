import type { KudosSource, Platform } from '../db/schema';

export type { KudosSource, Platform };

/**
 * A stored platform delivery (an inbox row) being processed. The ledger may settle it (mark it processed) in
 * the same transaction as the write the delivery caused; `settled` then says the caller need not mark it.
 */
export interface InboxDelivery {
  readonly id: number;
  settled: boolean;
}

/** A person as the renderers need them. */
export interface PersonView {
  id: number;
  externalId: string;
  displayName: string;
  /** Erased (src/core/erasure.ts): shown by the placeholder name only, never by a platform mention. */
  erased?: boolean;
}

export interface ValueView {
  slug: string;
  label: string;
  emoji: string;
}

export interface KudosView {
  id: number;
  workspaceId: number;
  source: KudosSource;
  giver: PersonView;
  recipients: PersonView[];
  message: string;
  values: ValueView[];
  createdAt: Date;
  channelId: string | null;
  messageTs: string | null;
  permalink: string | null;
  /** The reaction that gave it (reaction kudos and pile-ons). */
  emoji: string | null;
  postChannelId: string | null;
  postTs: string | null;
  parentId: number | null;
  campaignKey: string | null;
  revokedAt: Date | null;
  revokedReason: string | null;
}

export interface AllowanceView {
  /** null = unlimited */
  limit: number | null;
  used: number;
  /** null = unlimited */
  left: number | null;
}

/** What an adapter hands the core to give a kudos. Ids are the platform's user ids. */
export interface GiveRequest {
  workspaceId: number;
  giver: string;
  recipients: string[];
  userGroups?: string[];
  message: string;
  values: string[];
  source: KudosSource;
  /** The platform's natural idempotency key; the same key never records twice. */
  sourceKey: string;
  channelId?: string | null;
  messageTs?: string | null;
  permalink?: string | null;
  emoji?: string | null;
  parentId?: number | null;
  /**
   * A one-click kudos (a reaction, a pile-on): it carries no message of its own, and a workspace's
   * "value required" rule does not apply to it.
   */
  messageOptional?: boolean;
  /** Reaction kudos: the reaction (or reactor's pile-on) this kudos answers for. */
  reactionGroup?: string | null;
  /** Queue recipient DMs to go out together within this many ms (one DM for a burst), recorded with the kudos. */
  notifyBatchMs?: number | null;
}

/** A person the platform told us about. */
export interface Profile {
  externalId: string;
  displayName: string;
  timeZone: string | null;
  isBot: boolean;
  isDeleted: boolean;
  isPlatformAdmin: boolean;
  platformData?: Record<string, unknown>;
}

/**
 * The port through which the core learns about people. An adapter answers from the platform
 * (Slack users.info, Teams member APIs). `null` means the platform says there is no such user;
 * a thrown error means it could not be asked right now.
 */
export interface Directory {
  lookup(workspaceExternalId: string, userId: string): Promise<Profile | null>;
}
