import type { PersonRow, WorkspaceRow } from '../db/schema';
import { insertAudit } from '../db/queries/audit';
import {
  auditMatching,
  blankProcessedDeliveries,
  cancelPendingDms,
  containsPattern,
  conversationRefsMatching,
  deactivatedSince,
  givenMessages,
  kudosTextMatching,
  lockPersonByExternalId,
  markErased,
  postedKudosInvolving,
  replaceGivenMessages,
  setAuditJson,
  setConversationRefText,
  setKudosText,
} from '../db/queries/erasure';
import { loadKudosViews } from '../db/queries/kudos';
import { findPeople } from '../db/queries/people';
import type { AdminCheck } from './admin';
import { mentionToken } from './mention';
import type { UseCaseDeps } from './ports';
import { redrawKudosPost } from './reverse';

/**
 * Erasing a person: an admin erases someone, or a person erases themselves; deactivated people are erased by
 * the nightly retention job (eraseDeactivatedPeople).
 *
 * What goes: their name and profile (the name becomes ERASED_NAME; time zone and platform data are cleared),
 * the messages of the kudos they gave (REMOVED_MESSAGE), every mention of them in other people's kudos and
 * withdrawal reasons (their `<@id>` token, and their name written out, become ERASED_NAME), their name and
 * messages wherever Kudos kept a copy (audit entries, Teams conversation references, processed platform
 * deliveries), their pending DMs. They are no longer ranked nor sent DMs (rankings and DMs off). A refresh from
 * the platform's directory keeps the placeholder and the cleared profile (keepErased, core/people.ts).
 *
 * What stays: every kudos, recipient and value, so totals, rankings of others and an old week's digest add up
 * as before (naming ERASED_NAME). Their platform id stays on their row, so the platform's directory finds the
 * erased row again instead of making a new person.
 *
 * The database part is one transaction; then the platform posts that showed them are redrawn (updateKudosPost),
 * whose failures are counted, not thrown. Erasing twice changes nothing the second time.
 */

/** How an erased person is named everywhere. */
export const ERASED_NAME = 'Former teammate';
/** What stands for a message an erased person wrote. */
export const REMOVED_MESSAGE = '(message removed)';

/** Written names shorter than this are not searched for in free text (they would match ordinary words). */
const MIN_NAME_LENGTH = 3;
/** Copies of messages shorter than this are not searched for in other text. */
const MIN_MESSAGE_LENGTH = 8;

export type EraseActor = { kind: 'admin'; check: AdminCheck } | { kind: 'self'; externalId: string };

export type EraseResult =
  | {
      status: 'erased';
      /** Posts redrawn without them. */
      kudosUpdated: number;
      /** Posts the platform would not redraw (counted, not retried). */
      updateFailures: number;
      /** The posted kudos that showed them (given, received, or mentioning them), whose posts were redrawn. */
      kudosIds: number[];
      /** The name they had, for the admin's confirmation only (it is stored nowhere any more). */
      formerName: string;
    }
  | { status: 'already_erased' }
  | { status: 'not_found' }
  | { status: 'not_allowed' };

/** Why an erasure was refused (kept in the audit log). */
export type EraseRefusal = 'not_admin' | 'not_self';

/** What an erasure changed, in numbers: the audit entry keeps these and never a name or a message. */
export interface ErasureCounts {
  messagesRemoved: number;
  kudosMentionsRemoved: number;
  auditEntriesScrubbed: number;
  conversationsScrubbed: number;
  deliveriesEmptied: number;
  dmsCancelled: number;
  postsToUpdate: number;
}

/**
 * Erases `target` as `actor`: an admin (by a check made for this request, checkAdmin) or the person themselves
 * (their id as the platform's signed payload says, never as a form or button carries it). A refusal is audited
 * ('person.erase.refused'); the erasure too ('person.erase', with counts only).
 */
export async function erasePerson(
  deps: UseCaseDeps,
  workspace: WorkspaceRow,
  target: { externalId: string },
  actor: EraseActor,
): Promise<EraseResult> {
  const refusal = refusalOf(workspace, target, actor);
  if (refusal) {
    const actorId = actor.kind === 'admin' ? (actor.check.person?.id ?? null) : await personId(deps, workspace, actor.externalId);
    await insertAudit(deps.db, {
      workspaceId: workspace.id,
      actorId,
      action: 'person.erase.refused',
      target: target.externalId,
      before: null,
      after: { reason: refusal },
    });
    return { status: 'not_allowed' };
  }
  const by = actor.kind === 'admin' ? { actorId: actor.check.person?.id ?? null } : { actorId: 'target' as const };
  return eraseOne(deps, workspace, target.externalId, by, deps.clock(), null);
}

/** Why this actor may not erase this person, or null when they may. */
export function refusalOf(workspace: Pick<WorkspaceRow, 'id'>, target: { externalId: string }, actor: EraseActor): EraseRefusal | null {
  if (actor.kind === 'admin') return actor.check.admin && actor.check.workspaceId === workspace.id ? null : 'not_admin';
  return actor.externalId === target.externalId ? null : 'not_self';
}

export interface DeactivatedErasure {
  /** Platform ids of the people erased by this run. */
  erased: string[];
  kudosUpdated: number;
  updateFailures: number;
}

/**
 * Erases the workspace's people deactivated on the platform for more than `afterDays` days (the nightly
 * retention job). The platform does not say when someone was deactivated, so the rule uses what Kudos knows:
 * a person counts as deactivated since at least the last time their profile was read and said so. They are
 * erased when `is_deleted` is true and that read (`profile_fetched_at`) is `afterDays` days old or older. A
 * later read moves that time forward (never earlier), so nobody is erased before being deactivated that long;
 * someone reactivated is read as active and is not erased. Bots and placeholders never read are left alone.
 * Audited like an admin's erasure, with no actor and `reason: 'deactivated'`.
 */
export async function eraseDeactivatedPeople(deps: UseCaseDeps, workspace: WorkspaceRow, afterDays: number, now: Date): Promise<DeactivatedErasure> {
  const readBefore = new Date(now.getTime() - afterDays * 24 * 60 * 60 * 1000);
  const out: DeactivatedErasure = { erased: [], kudosUpdated: 0, updateFailures: 0 };
  for (const externalId of await deactivatedSince(deps.db, workspace.id, readBefore)) {
    const r = await eraseOne(deps, workspace, externalId, { actorId: null }, now, 'deactivated');
    if (r.status !== 'erased') continue;
    out.erased.push(externalId);
    out.kudosUpdated += r.kudosUpdated;
    out.updateFailures += r.updateFailures;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------

/** What to look for in stored text: their mention token, their written names, the messages they wrote. */
export interface Traces {
  token: string;
  names: string[];
  messages: string[];
}

/** Their names as they may be written: the display name, and a Teams user principal name (an email). */
export function namesOf(person: Pick<PersonRow, 'display_name' | 'platform_data' | 'external_id'>): string[] {
  const upn = person.platform_data?.userPrincipalName;
  const names = [person.display_name.trim(), typeof upn === 'string' ? upn.trim() : ''];
  return [...new Set(names.filter((n) => n.length >= MIN_NAME_LENGTH && n !== ERASED_NAME && n !== person.external_id))];
}

/**
 * Text with every trace of the person replaced: copies of their messages by REMOVED_MESSAGE, their mention
 * token and their names (whole words, any case) by ERASED_NAME.
 */
export function scrubText(text: string, t: Traces): string {
  let out = text;
  for (const m of t.messages) if (m.length >= MIN_MESSAGE_LENGTH && out.includes(m)) out = out.split(m).join(REMOVED_MESSAGE);
  out = out.split(t.token).join(ERASED_NAME);
  for (const n of t.names) out = out.replace(wordPattern(n), ERASED_NAME);
  return out;
}

/** A JSON value with scrubText applied to every string in it (keys are left as they are). */
export function scrubJson(value: unknown, t: Traces): unknown {
  if (typeof value === 'string') return scrubText(value, t);
  if (Array.isArray(value)) return value.map((v) => scrubJson(v, t));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubJson(v, t)]));
  return value;
}

function wordPattern(name: string): RegExp {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?<![\\p{L}\\p{N}_])${escaped}(?![\\p{L}\\p{N}_])`, 'giu');
}

async function personId(deps: UseCaseDeps, workspace: WorkspaceRow, externalId: string): Promise<number | null> {
  const [p] = await findPeople(deps.db, workspace.id, [externalId]);
  return p?.id ?? null;
}

/** Erases one person (authorisation already decided); `actorId: 'target'` is the person themselves. */
async function eraseOne(
  deps: UseCaseDeps,
  workspace: WorkspaceRow,
  externalId: string,
  by: { actorId: number | null | 'target' },
  now: Date,
  reason: 'deactivated' | null,
): Promise<EraseResult> {
  const done = await deps.db.transaction().execute(async (trx) => {
    const person = await lockPersonByExternalId(trx, workspace.id, externalId);
    if (!person) return { status: 'not_found' as const };
    if (person.erased_at) return { status: 'already_erased' as const };
    const traces: Traces = {
      token: mentionToken(person.external_id),
      names: namesOf(person),
      messages: await givenMessages(trx, workspace.id, person.id, REMOVED_MESSAGE),
    };
    const namePatterns = [traces.token, ...traces.names].map(containsPattern);
    const messagePatterns = traces.messages.filter((m) => m.length >= MIN_MESSAGE_LENGTH).map(containsPattern);

    const messagesRemoved = await replaceGivenMessages(trx, workspace.id, person.id, REMOVED_MESSAGE);

    const mentioning: number[] = [];
    for (const k of await kudosTextMatching(trx, workspace.id, namePatterns)) {
      const next = { ...k, message: scrubText(k.message, traces), revoked_reason: k.revoked_reason === null ? null : scrubText(k.revoked_reason, traces) };
      if (next.message === k.message && next.revoked_reason === k.revoked_reason) continue;
      await setKudosText(trx, workspace.id, next);
      mentioning.push(k.id);
    }

    let auditEntriesScrubbed = 0;
    for (const a of await auditMatching(trx, workspace.id, person.external_id, namePatterns)) {
      const next = { id: a.id, before: scrubJson(a.before, traces), after: scrubJson(a.after, traces) };
      if (JSON.stringify(next.before) === JSON.stringify(a.before) && JSON.stringify(next.after) === JSON.stringify(a.after)) continue;
      await setAuditJson(trx, workspace.id, next);
      auditEntriesScrubbed++;
    }

    let conversationsScrubbed = 0;
    for (const c of await conversationRefsMatching(trx, workspace.id, person.id, namePatterns)) {
      const next = { id: c.id, name: c.name === null ? null : scrubText(c.name, traces), reference: scrubJson(c.reference, traces) as Record<string, unknown> };
      if (next.name === c.name && JSON.stringify(next.reference) === JSON.stringify(c.reference)) continue;
      await setConversationRefText(trx, workspace.id, next);
      conversationsScrubbed++;
    }

    // A delivery naming their platform id is one they sent or were in: its raw body may hold their name too.
    const deliveriesEmptied = await blankProcessedDeliveries(trx, workspace, [person.external_id, ...traces.names].map(containsPattern).concat(messagePatterns));
    const dmsCancelled = await cancelPendingDms(trx, workspace.id, person.id);
    await markErased(trx, workspace.id, person.id, { displayName: ERASED_NAME, at: now });
    const kudosIds = await postedKudosInvolving(trx, workspace.id, person.id, mentioning);

    const counts: ErasureCounts = {
      messagesRemoved,
      kudosMentionsRemoved: mentioning.length,
      auditEntriesScrubbed,
      conversationsScrubbed,
      deliveriesEmptied,
      dmsCancelled,
      postsToUpdate: kudosIds.length,
    };
    await insertAudit(trx, {
      workspaceId: workspace.id,
      actorId: by.actorId === 'target' ? person.id : by.actorId,
      action: 'person.erase',
      target: person.external_id,
      before: null,
      after: reason ? { ...counts, reason } : counts,
    });
    return { status: 'erased' as const, kudosIds, formerName: person.display_name };
  });
  if (done.status !== 'erased') return done;

  // After the commit: the posts are redrawn from what is stored now, naming ERASED_NAME.
  let kudosUpdated = 0;
  let updateFailures = 0;
  for (const view of await loadKudosViews(deps.db, workspace.id, done.kudosIds)) {
    const ok = await redrawKudosPost(deps, workspace, view);
    if (ok) kudosUpdated++;
    else updateFailures++;
  }
  return { status: 'erased', kudosUpdated, updateFailures, kudosIds: done.kudosIds, formerName: done.formerName };
}
