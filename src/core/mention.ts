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

/** The length a reader sees: each mention counts as a short name. */
export function visibleLength(text: string): number {
  return [...replaceMentions(text, () => '@someone').trim()].length;
}
