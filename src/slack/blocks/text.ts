import { replaceMentions } from '../../core/mention';

/** Slack mrkdwn: escape only &, < and > (Slack's rule), then turn mention tokens back into mentions. */
export function mrkdwnEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A stored message (plain text with `<@id>` tokens) as mrkdwn. */
export function messageMrkdwn(message: string): string {
  const MARK = '\u0000';
  const ids: string[] = [];
  const withMarks = replaceMentions(message, (id) => {
    ids.push(id);
    return `${MARK}${ids.length - 1}${MARK}`;
  });
  return mrkdwnEscape(withMarks).replace(new RegExp(`${MARK}(\\d+)${MARK}`, 'g'), (_m, i: string) => `<@${ids[Number(i)]}>`);
}

export const mention = (userId: string): string => `<@${userId}>`;

/**
 * A person in a message: a Slack mention (Slack shows their current name), or for an erased person the
 * placeholder name as plain text, since a mention would bring their name back.
 */
export const personRef = (p: { externalId: string; displayName: string; erased?: boolean }): string => (p.erased ? `_${mrkdwnEscape(p.displayName)}_` : mention(p.externalId));

/** "a", "a and b", "a, b and c" */
export function listJoin(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

export function quote(mrkdwn: string): string {
  return mrkdwn
    .split('\n')
    .map((l) => `>${l}`)
    .join('\n');
}

/** Cuts text to Slack's limits without breaking a mention or an escape in half. */
export function truncate(s: string, max: number): string {
  if (s.length <= max) return s;
  let cut = s.slice(0, max - 1);
  const open = Math.max(cut.lastIndexOf('<'), cut.lastIndexOf('&'));
  if (open > cut.lastIndexOf('>') && open > cut.lastIndexOf(';')) cut = cut.slice(0, open);
  return `${cut}…`;
}

export function emoji(name: string): string {
  return `:${name}:`;
}
