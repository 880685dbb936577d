import type { PersonRow, WorkspaceRow } from '../db/schema';
import type { CoreDeps } from './give';
import type { Refusal } from './refusals';
import type { KudosView } from './types';

/**
 * The ports through which the core's use cases reach a platform. Slack and Teams each implement them once
 * (slack/notifier.ts, teams/notifier.ts); the use cases in core/ decide what happens and when, the ports
 * only carry it out and report what the platform said.
 */

/** Where a kudos is posted: a channel (or conversation), and a thread in it when the kudos answers a message. */
export interface PostPlace {
  channelId: string | null;
  threadTs?: string | null;
}

/** What one attempt to post a kudos came to. */
export type PostAttempt =
  /** Posted where asked; `ts` is the platform's message id (Slack ts, Teams activity id). */
  | { status: 'posted'; channelId: string; ts: string }
  /** Posted another way (Slack's response_url) because the bot is not a member of the channel. */
  | { status: 'fallback'; channelId: string | null; reason: string }
  /** Not posted, and trying again will not help (archived, not a member, no channel). */
  | { status: 'failed'; channelId: string | null; reason: string }
  /** Not posted because the platform said "not now" (a rate limit): try again after `afterMs`. */
  | { status: 'later'; channelId: string | null; afterMs: number; reason: string };

/**
 * A way of answering that only the live request has (Slack's response_url, the Teams turn the kudos came in):
 * the notifier may use it when the channel itself cannot be posted in. A recovered delivery has none.
 */
export interface LiveReply {
  post(kudos: KudosView): Promise<PostAttempt>;
}

/** What a person is told privately by the core's use cases (the platform renders it). */
export type Note =
  /** Once a day: their reactions stopped counting because the daily allowance is used up. */
  | { kind: 'reaction_allowance'; refusal: Extract<Refusal, { code: 'allowance' }>; channelId: string; names: Map<string, string> }
  /** Customer Service Week: they thanked three different people. */
  | { kind: 'three_notes' };

/** Whether a private message went out; `gone` means it never will (an inactive account): do not retry. */
export type SendResult = 'sent' | 'retry' | 'gone';

/** The notifier port: posting and updating kudos, private messages, and finding a post again after a stop. */
export interface Notifier {
  /** Posts a kudos where asked, carrying its id with the post (Slack message metadata) so it can be found again. */
  postKudos(workspace: WorkspaceRow, kudos: KudosView, place: PostPlace, live?: LiveReply): Promise<PostAttempt>;
  /**
   * Looks for a post of this kudos made by an attempt that stopped before recording it (by the id it carries).
   * Returns where it is, `null` when it is certainly not there, `undefined` when the platform cannot tell.
   */
  findKudosPost(workspace: WorkspaceRow, kudos: KudosView, place: PostPlace, postedAfter: Date): Promise<{ channelId: string; ts: string } | null | undefined>;
  /**
   * Redraws the post of a kudos from what is stored now (withdrawn, or naming an erased person); `pileOnNames` are
   * who joined it by a pile-on, for a platform that draws them on the post. False when it could not be updated.
   */
  updateKudosPost(workspace: WorkspaceRow, kudos: KudosView, pileOnNames: readonly string[]): Promise<boolean>;
  /** One private message to a recipient about the kudos they received since the last one. */
  sendKudosDm(workspace: WorkspaceRow, recipient: PersonRow, kudos: KudosView[]): Promise<SendResult>;
  /** A private note to a person. */
  sendNote(workspace: WorkspaceRow, person: PersonRow, note: Note): Promise<SendResult>;
  /**
   * Shows who joined a kudos with a pile-on on its post (Teams redraws the card). Platforms that show reactions
   * on the post themselves (Slack) leave it out.
   */
  showPileOns?(workspace: WorkspaceRow, kudos: KudosView, names: string[]): Promise<boolean>;
}

/** What every use case gets: the core's dependencies (database, directory, clock) and the platform's notifier. */
export interface UseCaseDeps extends CoreDeps {
  notifier: Notifier;
}

/** A group of people on the platform that an admin may mark as a team (a Slack user group). */
export interface PlatformGroup {
  /** The platform's id for it (Slack: S…). */
  key: string;
  name: string;
  /** Slack: the @handle. */
  handle: string | null;
  /** How many people are in it, when the platform says. */
  members: number | null;
}

/** What the platform answered: `missing_scope` means the app must be reinstalled to ask for it. */
export type GroupsAnswer<T> = { status: 'ok'; value: T } | { status: 'missing_scope' } | { status: 'unavailable'; code: string };

/**
 * The teams port (core/cross-team.ts): the groups an admin may mark as teams, and who is in one. Slack
 * implements it with usergroups.list and usergroups.users.list; a platform whose teams come with each kudos
 * (Teams) has none.
 */
export interface TeamSource {
  groups(): Promise<GroupsAnswer<PlatformGroup[]>>;
  /** The platform user ids of a group's members. */
  members(key: string): Promise<GroupsAnswer<string[]>>;
}
