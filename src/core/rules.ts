import type { PersonRow, ValueRow } from '../db/schema';
import { visibleLength } from './mention';
import type { Resolved } from './people';
import type { Refusal, Skip } from './refusals';
import { MAX_MESSAGE_LENGTH, MAX_RECIPIENTS, type Settings } from './settings';

/**
 * The rules users expect, as pure functions over what the core has looked up. They list every problem at
 * once rather than stopping at the first.
 */

export interface RecipientCheck {
  valid: PersonRow[];
  skipped: Skip[];
  refusals: Refusal[];
}

export function checkRecipients(
  giverId: string,
  requested: string[],
  userGroups: string[],
  people: Map<string, Resolved>,
): RecipientCheck {
  const refusals: Refusal[] = [];
  if (userGroups.length) refusals.push({ code: 'user_group', handles: userGroups });
  const ids = [...new Set(requested)];
  const tooMany = recipientCap(ids);
  if (tooMany.length) return { valid: [], skipped: [], refusals: [...refusals, ...tooMany] };
  // Someone the platform could not be asked about may be a bot: the whole kudos waits for a retry.
  const unavailable = ids.filter((id) => {
    const r = people.get(id);
    return id !== giverId && r && !r.found && r.unavailable;
  });
  if (unavailable.length) return { valid: [], skipped: [], refusals: [...refusals, { code: 'lookup_failed', userIds: unavailable }] };
  const valid: PersonRow[] = [];
  const skipped: Skip[] = [];
  for (const id of ids) {
    const r = people.get(id);
    if (id === giverId) skipped.push({ userId: id, code: 'self' });
    else if (!r || !r.found) skipped.push({ userId: id, code: 'unknown_user' });
    else if (r.person.is_bot) skipped.push({ userId: id, code: 'bot' });
    else if (r.person.is_deleted) skipped.push({ userId: id, code: 'deleted' });
    else valid.push(r.person);
  }
  if (valid.length === 0 && !userGroups.length) {
    // Nobody left: explain why, as a refusal, rather than as skipped people.
    if (skipped.length === 0) refusals.push({ code: 'no_recipients' });
    for (const s of skipped) refusals.push(s.code === 'self' ? { code: 'self' } : { code: s.code, userId: s.userId });
    return { valid, skipped: [], refusals };
  }
  return { valid, skipped, refusals };
}

/**
 * The hard limits, which need nothing looked up: checked before any platform call or row, so a kudos to 500
 * people is refused without asking about one of them.
 */
export function checkCaps(recipientIds: readonly string[], message: string): Refusal[] {
  return [...recipientCap(recipientIds), ...lengthCap(message)];
}

function recipientCap(recipientIds: readonly string[]): Refusal[] {
  const given = new Set(recipientIds).size;
  return given > MAX_RECIPIENTS ? [{ code: 'too_many_recipients', max: MAX_RECIPIENTS, given }] : [];
}

function lengthCap(message: string): Refusal[] {
  const length = visibleLength(message);
  return length > MAX_MESSAGE_LENGTH ? [{ code: 'message_too_long', max: MAX_MESSAGE_LENGTH, length }] : [];
}

export function checkMessage(message: string, settings: Pick<Settings, 'minMessageLength'>): Refusal[] {
  const length = visibleLength(message);
  if (length === 0) return [{ code: 'message_missing' }];
  const tooLong = lengthCap(message);
  if (tooLong.length) return tooLong;
  if (length < settings.minMessageLength) return [{ code: 'message_too_short', min: settings.minMessageLength }];
  return [];
}

/** Matches tags to the workspace's active values by slug (or by label written as a slug). */
export function checkValues(
  tags: string[],
  values: ValueRow[],
  settings: Pick<Settings, 'valueRequired'>,
): { matched: ValueRow[]; refusals: Refusal[] } {
  const slugs = values.map((v) => v.slug);
  const matched: ValueRow[] = [];
  const unknown: string[] = [];
  for (const tag of tags) {
    const t = tag.toLowerCase();
    const v = values.find((x) => x.slug === t || x.label.toLowerCase().replace(/\s+/g, '-') === t);
    if (!v) unknown.push(t);
    else if (!matched.includes(v)) matched.push(v);
  }
  if (unknown.length) return { matched, refusals: [{ code: 'unknown_value', unknown, values: slugs }] };
  if (settings.valueRequired && matched.length === 0) return { matched, refusals: [{ code: 'value_required', values: slugs }] };
  return { matched, refusals: [] };
}
