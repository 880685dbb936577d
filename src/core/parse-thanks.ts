import { mentionToken } from './mention';

/**
 * Parses the text of `/thanks` as Slack sends it with escaping on: people as `<@U123>` (legacy
 * `<@U123|name>`), user groups as `<!subteam^S1|@team>`, a channel-named value as `<#C1|empathy>`, and the
 * user's own `&`, `<`, `>` escaped as `&amp;`, `&lt;`, `&gt;`. Teams text is converted to the same form by its
 * adapter. Never throws: any string yields some command.
 */

export type ThanksCommand =
  | { kind: 'open_modal' }
  | { kind: 'help' }
  | { kind: 'stats' }
  | { kind: 'undo' }
  | { kind: 'give'; draft: ParsedThanks };

export interface ParsedThanks {
  /** Platform user ids, in order of first mention, without repeats. */
  recipients: string[];
  /** User groups mentioned (refused for now), by handle for the refusal sentence. */
  userGroups: string[];
  /** Value tags, lower-cased, in order, without repeats. */
  values: string[];
  /** Plain text (unescaped) with people mentioned inside it as `<@id>` tokens. */
  message: string;
}

// A Map, not an object literal: text such as "__proto__" must not find Object.prototype.
const KEYWORDS = new Map<string, 'help' | 'stats' | 'undo'>([
  ['help', 'help'],
  ['?', 'help'],
  ['-h', 'help'],
  ['--help', 'help'],
  ['stats', 'stats'],
  ['stat', 'stats'],
  ['me', 'stats'],
  ['undo', 'undo'],
]);

/** A value slug: starts with a letter, then letters, digits, `-` or `_`. `#1` is not a tag. */
export const VALUE_SLUG = /^[\p{L}][\p{L}\p{N}_-]{0,63}$/u;

type Token =
  | { t: 'mention'; id: string }
  | { t: 'group'; handle: string }
  | { t: 'value'; slug: string; raw: string }
  | { t: 'text'; text: string };

const ENTITY = /<([^<>]*)>/g;
const TAG_IN_TEXT = /(^|[\s(,;:])#([\p{L}][\p{L}\p{N}_-]{0,63})(?=$|[\s),.;:!?])/gu;
const SEPARATOR_WORDS = new Set(['and', '&', '+', ',', 'to', 'thanks', 'thank', 'you']);

export function parseThanks(input: string): ThanksCommand {
  const text = typeof input === 'string' ? input.trim() : '';
  if (text === '') return { kind: 'open_modal' };
  const keyword = KEYWORDS.get(text.toLowerCase());
  if (keyword) return { kind: keyword };
  return { kind: 'give', draft: parseDraft(text) };
}

function parseDraft(text: string): ParsedThanks {
  const tokens = tokenize(text);
  const recipients = unique(tokens.flatMap((k) => (k.t === 'mention' ? [k.id] : [])));
  const userGroups = unique(tokens.flatMap((k) => (k.t === 'group' ? [k.handle] : [])));
  const values = unique(tokens.flatMap((k) => (k.t === 'value' ? [k.slug] : [])));

  // The message is what remains once the leading run of people and the trailing run of value tags are
  // taken away; people and tags in the middle of a sentence stay part of it.
  let start = 0;
  while (start < tokens.length && isLeadingFiller(tokens[start])) start++;
  let end = tokens.length;
  while (end > start && isTrailingFiller(tokens[end - 1])) end--;

  const message = tokens
    .slice(start, end)
    .map((k) => {
      switch (k.t) {
        case 'mention':
          return mentionToken(k.id);
        case 'group':
          return k.handle;
        case 'value':
          return k.raw;
        case 'text':
          return k.text;
      }
    })
    .join('')
    .replace(/[ \t\u00a0]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .trim();
  return { recipients, userGroups, values, message: stripLeadingSeparators(message) };
}

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let last = 0;
  for (const m of text.matchAll(ENTITY)) {
    if (m.index > last) pushText(out, text.slice(last, m.index));
    out.push(entity(m[1]));
    last = m.index + m[0].length;
  }
  if (last < text.length) pushText(out, text.slice(last));
  return out;
}

function entity(inner: string): Token {
  const bar = inner.indexOf('|');
  const target = bar === -1 ? inner : inner.slice(0, bar);
  const label = bar === -1 ? '' : inner.slice(bar + 1);
  // Slack user ids, and Teams user ids (`29:…`), which the Teams adapter writes in the same `<@id>` form.
  if (/^@(?:[UWB][A-Z0-9]+|29:[A-Za-z0-9_.:-]+)$/.test(target)) return { t: 'mention', id: target.slice(1) };
  if (target.startsWith('!subteam^')) {
    const handle = label ? (label.startsWith('@') ? label : `@${label}`) : `@${target.slice(9)}`;
    return { t: 'group', handle: unescape(handle) };
  }
  if (target.startsWith('#')) {
    const name = unescape(label).toLowerCase();
    if (VALUE_SLUG.test(name)) return { t: 'value', slug: name, raw: `#${name}` };
    return { t: 'text', text: label ? `#${unescape(label)}` : '#channel' };
  }
  if (target === '!here' || target === '!channel' || target === '!everyone') return { t: 'text', text: `@${target.slice(1)}` };
  if (target.startsWith('!date^')) return { t: 'text', text: unescape(label) };
  if (/^(https?|mailto):/i.test(target)) return { t: 'text', text: unescape(label && !/^https?:/i.test(label) ? `${label} (${target})` : target) };
  // Anything else between angle brackets is not something Slack sends; keep it as the words it holds.
  return { t: 'text', text: unescape(label || target) };
}

function pushText(out: Token[], raw: string): void {
  const text = unescape(raw);
  let last = 0;
  for (const m of text.matchAll(TAG_IN_TEXT)) {
    const tagStart = m.index + m[1].length;
    if (tagStart > last) out.push({ t: 'text', text: text.slice(last, tagStart) });
    const slug = m[2].toLowerCase();
    out.push({ t: 'value', slug, raw: `#${m[2]}` });
    last = tagStart + 1 + m[2].length;
  }
  if (last < text.length) out.push({ t: 'text', text: text.slice(last) });
}

function isLeadingFiller(k: Token): boolean {
  if (k.t === 'mention' || k.t === 'group') return true;
  if (k.t !== 'text') return false;
  return k.text
    .split(/[\s,]+/)
    .filter(Boolean)
    .every((w) => SEPARATOR_WORDS.has(w.toLowerCase()));
}

function isTrailingFiller(k: Token): boolean {
  if (k.t === 'value') return true;
  return k.t === 'text' && /^[\s,;.!]*$/.test(k.text);
}

function stripLeadingSeparators(message: string): string {
  return message.replace(/^[,:;\-–—]+\s*/, '');
}

function unescape(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}
