import { settingLabel } from './setting-labels';

/**
 * One audit log entry as a sentence: what changed, before → after. Platform-neutral: the caller supplies how
 * to show a person, a channel, an emoji and a literal. Long changes are cut ("and 3 more changes").
 */

export interface AuditFormat {
  person(id: string): string;
  channel(id: string): string;
  emoji(name: string): string;
  /** A literal value (a time, a number, a zone), e.g. in backticks. */
  literal(text: string): string;
}

const MAX_CHANGES = 3;
const MAX_TEXT = 80;

export function describeAudit(entry: { action: string; target: string; before: unknown; after: unknown }, f: AuditFormat): string {
  switch (entry.action) {
    case 'setting.update':
      return `${settingLabel(entry.target)}: ${describeSetting(entry.target, entry.before, entry.after, f)}`;
    case 'value.create': {
      const v = asRecord(entry.after);
      return `Value added: ${v.emoji ? `${f.emoji(String(v.emoji))} ` : ''}${cut(String(v.label ?? entry.target))} (#${entry.target})`;
    }
    case 'value.update': {
      const b = asRecord(entry.before);
      const a = asRecord(entry.after);
      const parts: string[] = [];
      if (b.label !== a.label) parts.push(`name ${text(b.label)} → ${text(a.label)}`);
      if (b.emoji !== a.emoji) parts.push(`emoji ${f.emoji(String(b.emoji))} → ${f.emoji(String(a.emoji))}`);
      if (b.active !== a.active) parts.push(a.active ? 'reactivated' : 'deactivated');
      return `Value #${entry.target}: ${parts.length ? parts.join('; ') : 'saved unchanged'}`;
    }
    case 'digest.post': {
      const a = asRecord(entry.after);
      const outcome = String(a.outcome ?? '');
      const said =
        outcome === 'posted'
          ? `posted${typeof a.channel === 'string' ? ` in ${f.channel(a.channel)}` : ''}`
          : outcome === 'already_posted'
            ? 'it was already posted, so nothing was posted again'
            : outcome.replace(/_/g, ' ') || 'no outcome';
      return `Post digest now for ${entry.target}: ${said}`;
    }
    case 'notice.undelivered': {
      const a = asRecord(entry.after);
      return `Could not tell ${f.person(entry.target)} ${text(a.said)} (${cut(String(a.reason ?? 'no reason given'))})`;
    }
    case 'data.export': {
      const a = asRecord(entry.after);
      return `Exported the kudos from ${text(a.fromDay)} to ${text(a.toDay)} as ${String(a.format ?? 'csv').toUpperCase()}`;
    }
    case 'data.export.self': {
      const a = asRecord(entry.after);
      return `${f.person(entry.target)} downloaded their own kudos${a.via === 'link' ? ' (a download link)' : typeof a.kudos === 'number' ? ` (${a.kudos})` : ''}`;
    }
    case 'data.export.refused':
      return 'Refused an export: not an admin';
    case 'person.erase': {
      const a = asRecord(entry.after);
      const how = a.reason === 'deactivated' ? ' (deactivated long enough)' : '';
      return `Erased ${f.person(entry.target)}${how}: ${Number(a.messagesRemoved ?? 0)} messages removed, ${Number(a.postsToUpdate ?? 0)} posts to redraw`;
    }
    case 'person.erase.refused': {
      const a = asRecord(entry.after);
      return `Refused to erase ${f.person(entry.target)}: ${a.reason === 'not_self' ? 'someone asked for another person' : 'not an admin'}`;
    }
    case 'data.delete_all': {
      const b = asRecord(entry.before);
      return `${entry.target ? f.person(entry.target) : 'An admin'} deleted all of Kudos's data here (${Number(b.kudos ?? 0)} kudos, ${Number(b.people ?? 0)} people); Kudos started over`;
    }
    case 'teams.choose':
      // Group names are written by people: angle brackets would read as markup on a platform.
      return `Teams: ${listChange(entry.before, entry.after, (name) => text(name.replace(/</g, '‹').replace(/>/g, '›')), 'teams')}`;
    case 'teams.choose.refused':
      return 'Refused to choose teams: not an admin';
    case 'data.delete_all.refused':
      return `Refused to delete all data${entry.target ? ` for ${f.person(entry.target)}` : ''}: not an admin`;
    case 'wall.link.create': {
      const a = asRecord(entry.after);
      const until = typeof a.expiresAt === 'string' ? `, until ${f.literal(a.expiresAt.slice(0, 16).replace('T', ' ') + ' UTC')}` : ', no expiry';
      return `Made a Kudos Wall link ${text(a.name)}${until}`;
    }
    case 'wall.link.revoke':
      return `Revoked the Kudos Wall link ${text(asRecord(entry.before).name)}`;
    case 'wall.link.refused':
      return `Refused to ${entry.target === 'revoke' ? 'revoke' : 'make'} a Kudos Wall link: not an admin`;
    default:
      return `${entry.action} ${entry.target}`;
  }
}

function describeSetting(key: string, before: unknown, after: unknown, f: AuditFormat): string {
  switch (key) {
    case 'allowancePerDay': {
      const show = (v: unknown) => (v === null || v === undefined ? 'unlimited' : `${v} a day`);
      return `${show(before)} → ${show(after)}`;
    }
    case 'minMessageLength':
      return `${before ?? '?'} → ${after ?? '?'} characters`;
    case 'valueRequired':
      return `${yesNo(before)} → ${yesNo(after)}`;
    case 'kudosChannel': {
      const show = (v: unknown) => (typeof v === 'string' ? f.channel(v) : 'where each kudos was given');
      return `${show(before)} → ${show(after)}`;
    }
    case 'reactionEmoji':
      return listChange(before, after, f.emoji, 'emoji');
    case 'admins':
      return listChange(before, after, f.person, 'admins');
    default:
      return objectChange(before, after, f);
  }
}

function listChange(before: unknown, after: unknown, show: (s: string) => string, noun: string): string {
  const b = Array.isArray(before) ? before.map(String) : [];
  const a = Array.isArray(after) ? after.map(String) : [];
  const added = a.filter((x) => !b.includes(x));
  const removed = b.filter((x) => !a.includes(x));
  const parts: string[] = [];
  const list = (xs: string[]) => (xs.length > 5 ? `${xs.slice(0, 5).map(show).join(', ')} and ${xs.length - 5} more` : xs.map(show).join(', '));
  if (added.length) parts.push(`added ${list(added)}`);
  if (removed.length) parts.push(`removed ${list(removed)}`);
  return parts.length ? parts.join('; ') : `no change (${a.length} ${noun})`;
}

/** Changed leaves of two objects as `path before → after`, the first few of them. */
function objectChange(before: unknown, after: unknown, f: AuditFormat): string {
  const b = flatten(before);
  const a = flatten(after);
  const paths = [...new Set([...Object.keys(b), ...Object.keys(a)])].filter((p) => JSON.stringify(b[p]) !== JSON.stringify(a[p]));
  if (!paths.length) return 'saved unchanged';
  const shown = paths.slice(0, MAX_CHANGES).map((p) => `${p} ${leaf(p, b[p], f)} → ${leaf(p, a[p], f)}`);
  const more = paths.length - shown.length;
  return `${shown.join('; ')}${more ? `; and ${more} more ${more === 1 ? 'change' : 'changes'}` : ''}`;
}

function flatten(v: unknown, prefix = '', out: Record<string, unknown> = {}): Record<string, unknown> {
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) flatten(x, prefix ? `${prefix}.${k}` : k, out);
  } else if (Array.isArray(v) && v.some((x) => x && typeof x === 'object')) {
    // Lists of objects (custom observances) are compared by their names.
    out[prefix] = v.map((x) => (x && typeof x === 'object' ? String((x as Record<string, unknown>).name ?? (x as Record<string, unknown>).id ?? '?') : String(x)));
  } else if (prefix) {
    out[prefix] = v;
  }
  return out;
}

function leaf(path: string, v: unknown, f: AuditFormat): string {
  if (v === undefined || v === null) return 'none';
  if (typeof v === 'boolean') return v ? 'on' : 'off';
  if (typeof v === 'string' && /(^|\.)channel$/.test(path)) return f.channel(v);
  if (Array.isArray(v)) return v.length ? cut(v.join(', ')) : 'none';
  if (typeof v === 'string') return f.literal(cut(v));
  return f.literal(String(v));
}

function yesNo(v: unknown): string {
  return v === true ? 'yes' : v === false ? 'no' : '?';
}

function text(v: unknown): string {
  return `“${cut(String(v ?? ''))}”`;
}

function cut(s: string): string {
  const one = s.replace(/\s+/g, ' ');
  return one.length > MAX_TEXT ? `${one.slice(0, MAX_TEXT - 1)}…` : one;
}

function asRecord(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' ? (v as Record<string, unknown>) : {};
}
