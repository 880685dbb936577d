import type { Kysely } from 'kysely';
import type { Database, PersonRow, ValueRow, WorkspaceRow } from '../db/schema';
import { allowanceUsed } from '../db/queries/allowance';
import { loadGiveContext, type GiveContextRows } from '../db/queries/give-context';
import { findKudosBySourceKey, loadKudosViews } from '../db/queries/kudos';
import { recordKudos, type RecordKudosArgs } from '../db/queries/record-kudos';
import type { Clock } from './clock';
import { recordTeamOfGive, type TeamOfGive } from './cross-team';
import { POST_LEASE_MS } from './publish';
import { resolvePeople, takesDms } from './people';
import type { Refusal, Skip } from './refusals';
import { storableText } from './mention';
import { checkCaps, checkMessage, checkRecipients, checkValues } from './rules';
import { settingsFromRows, type Settings } from './settings';
import { loadSettings } from './settings-store';
import { localDay, safeZone } from './time';
import type { AllowanceView, Directory, GiveRequest, KudosView } from './types';

export interface CoreDeps {
  db: Kysely<Database>;
  directory: Directory;
  clock: Clock;
  /** Which campaign (if any) a kudos given at `at` belongs to; supplied by the campaigns module. */
  campaignKeyAt?: (db: Kysely<Database>, workspace: WorkspaceRow, at: Date) => Promise<string | null>;
}

export type GiveResult =
  | {
      status: 'given';
      kudos: KudosView;
      skipped: Skip[];
      allowance: AllowanceView;
      giver: PersonRow;
      recipients: PersonRow[];
      /** The people involved as far as they are known (for naming the ones left out). */
      people: PersonRow[];
      /** The settings the kudos was judged by (where to post, …), so callers need not read them again. */
      settings: Settings;
      /** Until when this request holds the claim to post the kudos (pass it to publishKudos). */
      postClaim: Date | null;
      /** Recipients whose DMs were queued with the kudos (pass them to publishKudos, which sends them). */
      notify: PersonRow[];
    }
  | { status: 'duplicate'; kudos: KudosView }
  | {
      status: 'refused';
      refusals: Refusal[];
      allowance?: AllowanceView;
      /** The people involved as far as they are known (for naming them in the refusal). */
      people: PersonRow[];
    };

/** A give the rules accept, ready to record: what to write, and what the caller will want to show. */
export interface GivePlan {
  status: 'planned';
  record: RecordKudosArgs;
  req: GiveRequest;
  giver: PersonRow;
  recipients: PersonRow[];
  values: ValueRow[];
  skipped: Skip[];
  /** Everyone involved as far as they are known, the people left out included. */
  people: PersonRow[];
  settings: Settings;
}

/**
 * Judges a give by the rules, without writing anything but people first seen: what it needs to decide comes
 * in one round trip (or from `preloaded`), and the rules list every problem at once.
 */
export async function planGive(
  deps: CoreDeps,
  workspace: WorkspaceRow,
  req: GiveRequest,
  /** What the caller already loaded with loadGiveContext for these people (saves the round trip). */
  preloaded?: GiveContextRows,
): Promise<GivePlan | { status: 'refused'; refusals: Refusal[]; people: PersonRow[] }> {
  const { db } = deps;
  const now = deps.clock();
  // A NUL or another control character would only fail the write (and fail it again on every retry).
  const message = storableText(req.message);
  const caps = checkCaps(req.recipients, message);
  if (caps.length) return { status: 'refused', refusals: caps, people: [] };
  const ctx = preloaded ?? (await loadGiveContext(db, workspace.id, [req.giver, ...req.recipients]));
  const { settings } = settingsFromRows(ctx.settings);
  const people = await resolvePeople(db, deps.directory, workspace, [req.giver, ...req.recipients], now, ctx.people, [req.giver]);
  const known = [...people.values()].flatMap((r) => (r.found ? [r.person] : []));
  const giverResolved = people.get(req.giver);
  if (!giverResolved?.found) return { status: 'refused', refusals: [{ code: 'unknown_user', userId: req.giver }], people: known };
  const giver = giverResolved.person;

  const recipients = checkRecipients(req.giver, req.recipients, req.userGroups ?? [], people);
  const valueCheck = checkValues(req.values, ctx.values, req.messageOptional ? { valueRequired: false } : settings);
  const refusals: Refusal[] = [
    ...recipients.refusals,
    ...(req.messageOptional ? [] : checkMessage(message, settings)),
    ...valueCheck.refusals,
  ];
  if (refusals.length) return { status: 'refused', refusals, people: known };

  return {
    status: 'planned',
    record: {
      workspaceId: workspace.id,
      giverId: giver.id,
      source: req.source,
      sourceKey: req.sourceKey,
      message,
      channelId: req.channelId ?? null,
      messageTs: req.messageTs ?? null,
      permalink: req.permalink ?? null,
      emoji: req.emoji ?? null,
      parentId: req.parentId ?? null,
      reactionGroup: req.reactionGroup ?? null,
      campaignKey: deps.campaignKeyAt ? await deps.campaignKeyAt(db, workspace, now) : null,
      createdAt: now,
      day: localDay(now, safeZone(giver.time_zone, workspace.time_zone)),
      recipientIds: recipients.valid.map((p) => p.id),
      valueIds: valueCheck.matched.map((v) => v.id),
      limit: settings.allowancePerDay,
      notifyBy: req.notifyBatchMs != null ? new Date(now.getTime() + req.notifyBatchMs) : null,
      // The request posts it right after its answer (core/publish.ts): it holds the claim from the start.
      postLease: req.reactionGroup ? null : new Date(now.getTime() + POST_LEASE_MS),
    },
    req,
    giver,
    recipients: recipients.valid,
    values: valueCheck.matched,
    skipped: recipients.skipped,
    people: known,
    settings,
  };
}

/**
 * Records one kudos exactly once: judged by planGive, then one round trip records it, keyed by the
 * platform's idempotency key (a re-delivery records nothing) and consuming the allowance in the same
 * statement that checks it.
 */
export async function giveKudos(
  deps: CoreDeps,
  workspace: WorkspaceRow,
  req: GiveRequest & {
    /** The platform team the kudos was given in (Teams: the team of the channel): its giver and recipients join it. */
    team?: TeamOfGive | null;
  },
  /** What the caller already loaded with loadGiveContext for these people (saves the round trip). */
  preloaded?: GiveContextRows,
): Promise<GiveResult> {
  const { db } = deps;
  const plan = await planGive(deps, workspace, req, preloaded);
  if (plan.status === 'refused') {
    // A re-delivery of something that was recorded is a duplicate, even if the rules would now say no.
    const earlier = await findKudosBySourceKey(db, workspace.id, req.sourceKey);
    return earlier ? duplicate(db, workspace.id, earlier.id) : plan;
  }
  // Keyed by source_key, so the ledger's retry after a dropped connection records once or finds the first attempt.
  const outcome = await recordKudos(db, plan.record);
  if (outcome.status === 'duplicate') {
    const earlier = await findKudosBySourceKey(db, workspace.id, req.sourceKey);
    const again = await duplicate(db, workspace.id, earlier!.id);
    // Joining is idempotent: a re-delivery completes what a stop right after the kudos may have left undone.
    if (again.status === 'duplicate' && req.team) await recordTeamOfGive(db, workspace.id, req.team, [again.kudos.giver.id, ...again.kudos.recipients.map((r) => r.id)]);
    return again;
  }
  if (outcome.status === 'allowance_exceeded') return allowanceRefusal(plan, outcome.used);
  // Only a kudos given in a platform team's channel (Teams) joins anyone to a team; Slack's teams are user groups.
  if (req.team) await recordTeamOfGive(db, workspace.id, req.team, [plan.giver.id, ...plan.recipients.map((r) => r.id)]);
  return {
    status: 'given',
    kudos: plannedView(plan, outcome.id),
    skipped: plan.skipped,
    allowance: allowanceView(plan.record.limit, outcome.used),
    giver: plan.giver,
    recipients: plan.recipients,
    people: plan.people,
    settings: plan.settings,
    postClaim: plan.record.postLease ?? null,
    notify: plan.record.notifyBy ? plan.recipients.filter(takesDms) : [],
  };
}

/** The refusal for a plan the allowance cannot cover, `used` being what the giver's day already holds. */
export function allowanceRefusal(plan: GivePlan, used: number): Extract<GiveResult, { status: 'refused' }> {
  const limit = plan.record.limit;
  return {
    status: 'refused',
    refusals: [{ code: 'allowance', left: Math.max(0, (limit ?? 0) - used), limit: limit ?? 0, wanted: plan.recipients.length }],
    allowance: allowanceView(limit, used),
    people: [plan.giver, ...plan.recipients],
  };
}

export function allowanceView(limit: number | null, used: number): AllowanceView {
  return { limit, used, left: limit === null ? null : Math.max(0, limit - used) };
}

/** Today's allowance for a person, in their own time zone. */
export async function allowanceToday(
  deps: Pick<CoreDeps, 'db' | 'clock'>,
  workspace: WorkspaceRow,
  person: PersonRow,
): Promise<AllowanceView> {
  const settings = await loadSettings(deps.db, workspace.id);
  const day = localDay(deps.clock(), safeZone(person.time_zone, workspace.time_zone));
  return allowanceView(settings.allowancePerDay, await allowanceUsed(deps.db, person.id, day));
}

async function duplicate(db: Kysely<Database>, workspaceId: number, id: number): Promise<GiveResult> {
  const [kudos] = await loadKudosViews(db, workspaceId, [id]);
  return { status: 'duplicate', kudos };
}

/** The view of a kudos just recorded from a plan, from what is already in hand (no read-back). */
export function plannedView(plan: GivePlan, id: number): KudosView {
  const { req, record } = plan;
  const person = (p: PersonRow) => ({ id: p.id, externalId: p.external_id, displayName: p.display_name });
  return {
    id,
    workspaceId: record.workspaceId,
    source: record.source,
    giver: person(plan.giver),
    recipients: plan.recipients.map(person),
    message: record.message,
    values: [...plan.values].sort((a, b) => a.position - b.position || a.id - b.id).map((v) => ({ slug: v.slug, label: v.label, emoji: v.emoji })),
    createdAt: record.createdAt,
    channelId: req.channelId ?? null,
    messageTs: req.messageTs ?? null,
    permalink: req.permalink ?? null,
    emoji: req.emoji ?? null,
    postChannelId: null,
    postTs: null,
    parentId: req.parentId ?? null,
    campaignKey: record.campaignKey,
    revokedAt: null,
    revokedReason: null,
  };
}
