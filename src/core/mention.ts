/**
 * Messages are stored as plain text (no platform escaping) in which people mentioned inside the text are
 * written as neutral `<@id>` tokens. Renderers turn them into Slack mentions or Teams names.
 */
export const MENTION_TOKEN = /<@([A-Za-z0-9:_.\-]+)>/g;

export function mentionToken(userId: string): string {
  return `<@${userId}>`;
}

/** Replaces mention tokens with whatever the caller renders for each id. */
export function replaceMentions(text: string, render: (userId: string) => string): string {
  return text.replace(MENTION_TOKEN, (_m, id: string) => render(id));
}

/** Characters that take no space on screen: zero-width spaces and joiners, the word joiner, the BOM. */
const INVISIBLE = /[\u200B-\u200D\u2060\uFEFF]/g;
/** Control characters a message cannot usefully hold (and Postgres text cannot hold NUL); tabs and line breaks stay. */
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

/** A message as it can be stored and shown: control characters (NUL among them) removed. */
export function storableText(text: string): string {
  return text.replace(CONTROL, '');
}

/** The length a reader sees: each mention counts as a short name, invisible characters count for nothing. */
export function visibleLength(text: string): number {
  return [...replaceMentions(text, () => '@someone').replace(INVISIBLE, '').trim()].length;
}
