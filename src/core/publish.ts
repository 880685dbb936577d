import type { Kysely } from 'kysely';
import type { Database, Platform, PersonRow, WorkspaceRow } from '../db/schema';
import { listWorkspacesWithDueWork } from '../db/queries/workspaces';
import { claimDueDms, markDmsSent, queueDms, takeOverOwedDms } from '../db/queries/dm-outbox';
import { claimLeftoverPosts, claimPost, loadKudosViews, settlePost } from '../db/queries/kudos';
import { forgetNotice } from '../db/queries/campaigns';
import { firstNotice } from '../db/queries/notices';
import { findPeople, findPeopleByIds } from '../db/queries/people';
import { progressInCampaign, THREE_NOTES_NOTICE } from './campaigns';
import { takesDms } from './people';
import type { LiveReply, PostAttempt, PostPlace, UseCaseDeps } from './ports';
import type { Settings } from './settings';
import { loadSettings } from './settings-store';
import type { KudosView } from './types';

/**
 * Publishing a recorded kudos: claim its post, post it through the notifier, record where it went, send the
 * recipients' DMs, and congratulate a giver who completed Customer Service Week's three notes. The kudos
 * already counts when this starts, so nothing here can lose it:
 *
 * - the claim (pending → posting) is held until a lease runs out; a stop mid-post leaves a claim that the sweep
 *   (`publishLeftovers`) takes over, first looking for the post by the kudos id it carries, so a post the
 *   platform accepted is recorded, not made twice;
 * - a rate limit is never waited out while holding the claim: the kudos goes back to pending, not to be tried
 *   before the platform's Retry-After, and the sweep posts it then (or after a restart);
 * - recipients' DMs are owed from the moment the kudos is recorded (same transaction): on the kudos row while
 *   the recording request publishes it and sends them itself, in the outbox (`dm_outbox`) otherwise. Owed DMs
 *   the request did not send by their due time are moved into the outbox (`sendDueDms`), which sends them,
 *   whatever happened to the request. Reaction kudos queue theirs in the outbox at once, to go out in batches.
 */

/** How long a claim to post a kudos holds; an attempt never takes this long unless the process stopped. */
export const POST_LEASE_MS = 2 * 60_000;
/**
 * How long a kudos owes its recipients' DMs to the request that records and publishes it: past that, the outbox
 * sends them (the request stopped, or the post waits for a rate limit).
 */
export const PUBLISH_DM_GRACE_MS = POST_LEASE_MS;
/** A kudos still pending this long after it was recorded was left behind by a stop between ack and post. */
export const LEFTOVER_AFTER_MS = 2 * 60_000;
/** A post that cannot be verified (the platform cannot be asked) is tried for this long, then reported failed. */
const UNVERIFIED_GIVE_UP_MS = 24 * 60 * 60_000;

export type PublishOutcome =
  | PostAttempt
  /** Someone else (a re-delivery, the sweep) has the post; nothing was done here. */
  | { status: 'claimed_elsewhere' }
  /** The platform did not answer: the post may exist. The sweep looks for it and posts it if it does not. */
  | { status: 'unknown'; channelId: string | null; reason: string };

/**
 * Where a kudos is posted: the kudos channel when the workspace has one, else where it was given (in the
 * given thread, when the kudos answers a message there).
 */
export function placeFor(settings: Pick<Settings, 'kudosChannel'>, given: { channelId: string | null; threadTs?: string | null }): PostPlace {
  const channelId = settings.kudosChannel ?? given.channelId;
  return { channelId, threadTs: channelId && channelId === given.channelId ? (given.threadTs ?? null) : null };
}

/** Where a kudos was given: the conversation, and the thread in it when it answers a message there. */
export interface GivenAt {
  channelId: string | null;
  threadTs?: string | null;
  /** The kudos thanks a particular message (the message shortcut or message action); its post links to it. */
  forMessage?: boolean;
}

/**
 * Where a kudos goes, as the giver is told it: by the form before they send it, and by the confirmation after.
 * It is read off the place the post is actually made in (`whereFor`), so the words cannot disagree with the post.
 */
export type PostWhere =
  /** In the thread of the message being thanked (or of the thread it was given in). */
  | { kind: 'thread'; channelId: string }
  /** In the kudos channel an admin chose; the post links to the message being thanked when it thanks one. */
  | { kind: 'kudos_channel'; channelId: string; linksToMessage: boolean }
  /** In the conversation where it was given (or chosen in the form); null when there is none. */
  | { kind: 'here'; channelId: string | null };

/** Describes a place decided for a kudos given at `given` (see PostWhere). */
export function whereFor(settings: Pick<Settings, 'kudosChannel'>, place: PostPlace, given: GivenAt): PostWhere {
  const channelId = place.channelId;
  if (channelId && channelId === given.channelId && (place.threadTs ?? given.threadTs)) return { kind: 'thread', channelId };
  if (channelId && channelId === settings.kudosChannel) return { kind: 'kudos_channel', channelId, linksToMessage: !!given.forMessage };
  return { kind: 'here', channelId };
}

/** The place for a kudos given at `given` (placeFor) and how the giver is told it (whereFor): one decision for both. */
export function planPost(settings: Pick<Settings, 'kudosChannel'>, given: GivenAt): { place: PostPlace; where: PostWhere } {
  const place = placeFor(settings, given);
  return { place, where: whereFor(settings, place, given) };
}

/** Where a kudos is after its publish, against where the giver was told it would go. */
export interface PostReport {
  /** Where it is now; null when it is not posted (yet): the outcome's own notice says why and what happens next. */
  where: PostWhere | null;
  /** Where the giver was told it would go. */
  told: PostWhere;
  /** Posted, but not where the giver was told: that place could not be used, and it went to `where` instead. */
  moved: boolean;
  /** The post's id (Slack ts, Teams activity id), when the platform gave one: for a link to it. */
  ts: string | null;
}

/** What a publish came to, as the giver's confirmation tells it (see PostReport). */
export function reportPost(settings: Pick<Settings, 'kudosChannel'>, given: GivenAt, told: PostWhere, outcome: PublishOutcome): PostReport {
  // Slack's response_url posts where the request came from, which is where the giver was told.
  if (outcome.status === 'fallback') return { where: told, told, moved: false, ts: null };
  if (outcome.status !== 'posted') return { where: null, told, moved: false, ts: null };
  if (outcome.channelId === told.channelId) return { where: told, told, moved: false, ts: outcome.ts };
  return { where: whereFor(settings, { channelId: outcome.channelId }, given), told, moved: true, ts: outcome.ts };
}

/** What the request that recorded a kudos hands its publish. */
export interface PublishOptions {
  /** The request's own way of answering (Slack's response_url, the Teams turn), tried when the place cannot be used. */
  live?: LiveReply;
  /** The claim the give recorded the kudos with (giveKudos' `postClaim`); without one it is claimed here first. */
  held?: Date | null;
  /** Recipients whose DMs were queued with the kudos (giveKudos' `notify`): sent once the post is settled. */
  notify?: PersonRow[];
}

/** Publishes a kudos just recorded (see the file comment). */
export async function publishKudos(deps: UseCaseDeps, workspace: WorkspaceRow, kudos: KudosView, place: PostPlace, opts: PublishOptions = {}): Promise<PublishOutcome> {
  const now = deps.clock();
  const held = opts.held ?? null;
  const lease = held ?? new Date(now.getTime() + POST_LEASE_MS);
  if (!held && !(await claimPost(deps.db, workspace.id, kudos.id, { now, leaseUntil: lease, channelId: place.channelId }))) {
    return { status: 'claimed_elsewhere' };
  }
  const outcome = await attempt(deps, workspace, kudos, place, lease, opts.live, opts.notify);
  if (isSettled(outcome)) await congratulateOnThreeNotes(deps, workspace, kudos);
  return outcome;
}

/**
 * Hands a claimed post back to the queue, due now: the process is stopping before it could post. The next
 * sweep (here, or in the next process at its start) posts it; its owed DMs stay on its row.
 */
export async function handBackPost(deps: Pick<UseCaseDeps, 'db' | 'clock'>, workspace: WorkspaceRow, kudosId: number, held: Date): Promise<boolean> {
  return settlePost(deps.db, workspace.id, kudosId, held, { status: 'pending', leaseUntil: deps.clock() });
}

/** Posts under a held claim and records what came of it. */
async function attempt(
  deps: UseCaseDeps,
  workspace: WorkspaceRow,
  kudos: KudosView,
  place: PostPlace,
  lease: Date,
  live?: LiveReply,
  /** The recipients to DM, when this attempt deals with the DMs the kudos owes (a live publish); else the outbox does. */
  notify?: PersonRow[],
): Promise<PublishOutcome> {
  let result: PostAttempt;
  try {
    result = await deps.notifier.postKudos(workspace, kudos, place, live);
  } catch (err) {
    // No answer: the post may exist. The claim stays until its lease runs out; the sweep then looks for it.
    return { status: 'unknown', channelId: place.channelId, reason: err instanceof Error ? err.message : String(err) };
  }
  const now = deps.clock();
  if (result.status === 'later') {
    await settlePost(deps.db, workspace.id, kudos.id, lease, { status: 'pending', leaseUntil: new Date(now.getTime() + result.afterMs) });
    return result;
  }
  // The recipients hear now, with where it was posted. The kudos owed their DMs on its own row (recorded with
  // it); recording the post clears that, and a DM Slack would not take now goes to the outbox, which retries
  // it. The post is recorded only while the claim is still ours: an attempt that outlived its lease leaves the
  // kudos to the sweep that took it over (which finds this post by its id), and the DMs to the outbox.
  const posted: KudosView = { ...kudos, postChannelId: result.channelId, postTs: result.status === 'posted' ? result.ts : null };
  const dms = notify ? await sendDms(deps, workspace, posted, notify) : undefined;
  const settled = await settlePost(deps.db, workspace.id, kudos.id, lease, {
    status: result.status,
    channelId: result.channelId,
    ts: result.status === 'posted' ? result.ts : null,
    dmsDone: !!dms,
  });
  if (settled && dms) await queueDms(deps.db, workspace.id, kudos.id, dms.retry, deps.clock());
  return result;
}

/** DMs the recipients (those giveKudos queued DMs for) about a kudos just published; the ids of those to try again later. */
async function sendDms(deps: UseCaseDeps, workspace: WorkspaceRow, kudos: KudosView, recipients: PersonRow[]): Promise<{ retry: number[] }> {
  const retry: number[] = [];
  for (const person of recipients) {
    const result = await deps.notifier.sendKudosDm(workspace, person, [kudos]).catch(() => 'retry' as const);
    if (result === 'retry') retry.push(person.id);
  }
  return { retry };
}

/** True when the post is done with (posted, or posted another way, or failed for good). */
function isSettled(outcome: PublishOutcome): outcome is Extract<PublishOutcome, { status: 'posted' | 'fallback' | 'failed' }> {
  return outcome.status === 'posted' || outcome.status === 'fallback' || outcome.status === 'failed';
}

export interface LeftoverSummary {
  /** Posted now (or posted another way, or failed for good). */
  published: number;
  /** Found already posted by an attempt that stopped before recording it. */
  found: number;
}

/**
 * Publishes kudos an earlier stop left unpublished (also run on a timer): pending ones are posted; ones left
 * claimed are first looked for by the id they carry, and recorded where they are found, else posted.
 */
/**
 * The workspaces of a platform with leftover posts or DMs due now, for a sweep over a fleet: the sweep visits
 * those, not every workspace in turn.
 */
export function workspacesWithDueWork(db: Kysely<Database>, platform: Platform, kind: 'leftovers' | 'dms', now: Date, limit = 50): Promise<WorkspaceRow[]> {
  const work = kind === 'leftovers' ? { kind, now, recordedBefore: new Date(now.getTime() - LEFTOVER_AFTER_MS) } : { kind, now };
  return listWorkspacesWithDueWork(db, platform, work, limit);
}

export async function publishLeftovers(deps: UseCaseDeps, workspace: WorkspaceRow): Promise<LeftoverSummary> {
  const now = deps.clock();
  const lease = new Date(now.getTime() + POST_LEASE_MS);
  const rows = await claimLeftoverPosts(deps.db, workspace.id, {
    now,
    recordedBefore: new Date(now.getTime() - LEFTOVER_AFTER_MS),
    leaseUntil: lease,
    limit: 50,
  });
  const summary: LeftoverSummary = { published: 0, found: 0 };
  if (!rows.length) return summary;
  const settings = await loadSettings(deps.db, workspace.id);
  const views = new Map((await loadKudosViews(deps.db, workspace.id, rows.map((r) => r.id))).map((k) => [k.id, k]));
  for (const row of rows) {
    const kudos = views.get(row.id);
    if (!kudos) continue;
    const given = { channelId: kudos.channelId, threadTs: kudos.source === 'shortcut' ? kudos.messageTs : null };
    // A claimed kudos keeps the place its claim recorded; a pending one goes where the settings say now.
    const place = placeFor({ kudosChannel: row.postChannelId ?? settings.kudosChannel }, given);
    if (row.was === 'posting') {
      const earlier = await deps.notifier.findKudosPost(workspace, kudos, place, kudos.createdAt).catch(() => undefined);
      if (earlier) {
        // Its DMs are left to the outbox, which takes them over once they are due (by now, or soon).
        await settlePost(deps.db, workspace.id, kudos.id, lease, { status: 'posted', channelId: earlier.channelId, ts: earlier.ts });
        summary.found++;
        await congratulateOnThreeNotes(deps, workspace, kudos);
        continue;
      }
      if (earlier === undefined) {
        // Cannot tell whether it was posted: try again later rather than risk a second post, up to a day.
        const gaveUp = now.getTime() - kudos.createdAt.getTime() > UNVERIFIED_GIVE_UP_MS;
        if (gaveUp) await settlePost(deps.db, workspace.id, kudos.id, lease, { status: 'failed', channelId: place.channelId });
        continue;
      }
    }
    const outcome = await attempt(deps, workspace, kudos, place, lease);
    if (!isSettled(outcome)) continue;
    summary.published++;
    await congratulateOnThreeNotes(deps, workspace, kudos);
  }
  return summary;
}

/**
 * Sends the recipient DMs whose time has come: one message per person for everything queued for them,
 * leaving out kudos withdrawn meanwhile and people who turned DMs off. A DM that did not go out is left for
 * the next flush (its claim expires); one that never can is not retried.
 */
export async function sendDueDms(deps: UseCaseDeps, workspace: WorkspaceRow): Promise<number> {
  const now = deps.clock();
  // DMs a publish owed but did not send in time (it stopped, or the post waits for a rate limit) join the queue.
  await takeOverOwedDms(deps.db, workspace.id, now);
  const due = await claimDueDms(deps.db, workspace.id, now);
  if (!due.length) return 0;
  const views = new Map((await loadKudosViews(deps.db, workspace.id, [...new Set(due.map((d) => d.kudos_id))])).map((k) => [k.id, k]));
  const people = new Map((await findPeopleByIds(deps.db, workspace.id, [...new Set(due.map((d) => d.recipient_id))])).map((p) => [p.id, p]));
  const byRecipient = new Map<number, typeof due>();
  for (const d of due) byRecipient.set(d.recipient_id, [...(byRecipient.get(d.recipient_id) ?? []), d]);
  let sent = 0;
  for (const [recipientId, rows] of byRecipient) {
    const person = people.get(recipientId);
    const kudos = rows.flatMap((r) => {
      const k = views.get(r.kudos_id);
      return k && !k.revokedAt ? [k] : [];
    });
    const ids = rows.map((r) => r.id);
    if (!person || !takesDms(person) || kudos.length === 0) {
      await markDmsSent(deps.db, ids, now);
      continue;
    }
    const result = await deps.notifier.sendKudosDm(workspace, person, kudos).catch(() => 'retry' as const);
    if (result === 'sent') sent++;
    if (result !== 'retry') await markDmsSent(deps.db, ids, now);
  }
  return sent;
}

/**
 * After a kudos tagged with a campaign: when it brings its giver to three different people thanked, sends them
 * a congratulation, once per campaign (the notice row is the "once", even with gives racing). A message the
 * platform refuses gives the notice back, so their next kudos tries again.
 */
export async function congratulateOnThreeNotes(deps: UseCaseDeps, workspace: WorkspaceRow, kudos: Pick<KudosView, 'campaignKey' | 'giver'>, giverRow?: PersonRow): Promise<boolean> {
  if (!kudos.campaignKey) return false;
  const giver = giverRow ?? (await findPeople(deps.db, workspace.id, [kudos.giver.externalId]))[0];
  if (!giver || !takesDms(giver)) return false;
  const progress = await progressInCampaign(deps.db, workspace.id, giver.id, kudos.campaignKey);
  if (!progress.completed) return false;
  const notice = { workspaceId: workspace.id, personId: giver.id, kind: THREE_NOTES_NOTICE, period: kudos.campaignKey };
  if (!(await firstNotice(deps.db, notice))) return false;
  const result = await deps.notifier.sendNote(workspace, giver, { kind: 'three_notes' }).catch(() => 'retry' as const);
  if (result === 'sent') return true;
  await forgetNotice(deps.db, notice);
  return false;
}
