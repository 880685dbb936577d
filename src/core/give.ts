import type { Kysely } from 'kysely';
import type { Database, PersonRow, ValueRow, WorkspaceRow } from '../db/schema';
import { allowanceUsed } from '../db/queries/allowance';
import { loadGiveContext, type GiveContextRows } from '../db/queries/give-context';
import { findKudosBySourceKey, loadKudosViews } from '../db/queries/kudos';
import { recordKudos } from '../db/queries/record-kudos';
import { retryOnConnectionLoss } from '../db/retry';
import type { Clock } from './clock';
import { resolvePeople } from './people';
import type { Refusal, Skip } from './refusals';
import { checkMessage, checkRecipients, checkValues } from './rules';
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
      /** The settings the kudos was judged by (where to post, …), so callers need not read them again. */
      settings: Settings;
    }
  | { status: 'duplicate'; kudos: KudosView }
  | { status: 'refused'; refusals: Refusal[]; allowance?: AllowanceView };

/**
 * Records one kudos exactly once. What it needs to decide comes in one round trip; the rules list every
 * problem at once; then one statement records it, keyed by the platform's idempotency key (a re-delivery
 * records nothing) and consuming the allowance in the same statement that checks it.
 */
export async function giveKudos(
  deps: CoreDeps,
  workspace: WorkspaceRow,
  req: GiveRequest,
  /** What the caller already loaded with loadGiveContext for these people (saves the round trip). */
  preloaded?: GiveContextRows,
): Promise<GiveResult> {
  const { db } = deps;
  const now = deps.clock();
  const ctx = preloaded ?? (await retryOnConnectionLoss(() => loadGiveContext(db, workspace.id, [req.giver, ...req.recipients])));
  const { settings } = settingsFromRows(ctx.settings);
  const people = await resolvePeople(db, deps.directory, workspace, [req.giver, ...req.recipients], now, ctx.people);
  const giverResolved = people.get(req.giver);
  if (!giverResolved?.found) return { status: 'refused', refusals: [{ code: 'unknown_user', userId: req.giver }] };
  const giver = giverResolved.person;

  const recipients = checkRecipients(req.giver, req.recipients, req.userGroups ?? [], people);
  const valueCheck = checkValues(req.values, ctx.values, req.messageOptional ? { valueRequired: false } : settings);
  const refusals: Refusal[] = [
    ...recipients.refusals,
    ...(req.messageOptional ? [] : checkMessage(req.message, settings)),
    ...valueCheck.refusals,
  ];
  if (refusals.length) {
    // A re-delivery of something that was recorded is a duplicate, even if the rules would now say no.
    const earlier = await findKudosBySourceKey(db, workspace.id, req.sourceKey);
    return earlier ? duplicate(db, workspace.id, earlier.id) : { status: 'refused', refusals };
  }

  const day = localDay(now, safeZone(giver.time_zone, workspace.time_zone));
  const limit = settings.allowancePerDay;
  const campaignKey = deps.campaignKeyAt ? await deps.campaignKeyAt(db, workspace, now) : null;
  // Keyed by source_key, so a retry after a dropped connection records once or finds the first attempt.
  const outcome = await retryOnConnectionLoss(() =>
    recordKudos(db, {
      workspaceId: workspace.id,
      giverId: giver.id,
      source: req.source,
      sourceKey: req.sourceKey,
      message: req.message,
      channelId: req.channelId ?? null,
      messageTs: req.messageTs ?? null,
      permalink: req.permalink ?? null,
      emoji: req.emoji ?? null,
      parentId: req.parentId ?? null,
      reactionGroup: req.reactionGroup ?? null,
      campaignKey,
      createdAt: now,
      day,
      recipientIds: recipients.valid.map((p) => p.id),
      valueIds: valueCheck.matched.map((v) => v.id),
      limit,
      notifyBy: req.notifyBatchMs != null ? new Date(now.getTime() + req.notifyBatchMs) : null,
    }),
  );
  if (outcome.status === 'duplicate') {
    const earlier = await findKudosBySourceKey(db, workspace.id, req.sourceKey);
    return duplicate(db, workspace.id, earlier!.id);
  }
  if (outcome.status === 'allowance_exceeded') {
    const used = await allowanceUsed(db, giver.id, day);
    const wanted = recipients.valid.length;
    return {
      status: 'refused',
      refusals: [{ code: 'allowance', left: Math.max(0, (limit ?? 0) - used), limit: limit ?? 0, wanted }],
      allowance: allowanceView(limit, used),
    };
  }
  return {
    status: 'given',
    kudos: viewOf(outcome.id, workspace.id, req, giver, recipients.valid, valueCheck.matched, now, campaignKey),
    skipped: recipients.skipped,
    allowance: allowanceView(limit, outcome.used),
    giver,
    recipients: recipients.valid,
    settings,
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

/** The view of a kudos just recorded, from what is already in hand (no read-back). */
function viewOf(
  id: number,
  workspaceId: number,
  req: GiveRequest,
  giver: PersonRow,
  recipients: PersonRow[],
  values: ValueRow[],
  at: Date,
  campaignKey: string | null,
): KudosView {
  const person = (p: PersonRow) => ({ id: p.id, externalId: p.external_id, displayName: p.display_name });
  return {
    id,
    workspaceId,
    source: req.source,
    giver: person(giver),
    recipients: recipients.map(person),
    message: req.message,
    values: [...values].sort((a, b) => a.position - b.position || a.id - b.id).map((v) => ({ slug: v.slug, label: v.label, emoji: v.emoji })),
    createdAt: at,
    channelId: req.channelId ?? null,
    messageTs: req.messageTs ?? null,
    permalink: req.permalink ?? null,
    emoji: req.emoji ?? null,
    postChannelId: null,
    postTs: null,
    parentId: req.parentId ?? null,
    campaignKey,
    revokedAt: null,
    revokedReason: null,
  };
}
