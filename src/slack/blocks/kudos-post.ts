import type { KnownBlock } from '../types';
import type { KudosView, ValueView } from '../../core/types';
import { emoji, listJoin, messageMrkdwn, personRef, quote, truncate } from './text';

export const KUDOS_POST_EVENT = 'kudos_posted';

export function valueBadges(values: ValueView[]): string {
  return values.map((v) => `${emoji(v.emoji)} *${v.label}*`).join('   ');
}

function headline(k: KudosView): string {
  return `:tada: ${personRef(k.giver)} gave kudos to ${listJoin(k.recipients.map((r) => personRef(r)))}`;
}

/** The public post for a kudos. Withdrawn kudos keep their place but say so, with the text struck through. */
export function kudosPostBlocks(k: KudosView): KnownBlock[] {
  const blocks: KnownBlock[] = [];
  const withdrawn = k.revokedAt !== null;
  blocks.push({ type: 'section', block_id: `kudos:${k.id}`, text: { type: 'mrkdwn', text: truncate(withdrawn ? `~${headline(k).replace(':tada: ', '')}~` : headline(k), 3000) } });
  if (k.message) {
    const body = messageMrkdwn(k.message);
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: truncate(withdrawn ? `~${body.replace(/\n/g, ' ')}~` : quote(body), 3000) } });
  }
  const context: string[] = [];
  if (k.values.length) context.push(valueBadges(k.values));
  // The message being thanked: in its thread that is the message above; in the kudos channel, the way to it.
  if (k.permalink) context.push(`For <${k.permalink}|this message>`);
  if (context.length) blocks.push({ type: 'context', elements: context.map((text) => ({ type: 'mrkdwn', text })) });
  if (withdrawn) {
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `:leftwards_arrow_with_hook: Withdrawn by ${personRef(k.giver)}` }] });
  } else {
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: 'React to this post to add your own thanks.' }] });
  }
  return blocks;
}

/** Notification text (shown in previews and screen readers) for the same post. */
export function kudosPostText(k: KudosView): string {
  const who = `${personRef(k.giver)} gave kudos to ${listJoin(k.recipients.map((r) => personRef(r)))}`;
  return k.revokedAt ? `Withdrawn: ${who}` : truncate(`${who}: ${messageMrkdwn(k.message)}`, 3000);
}

/** The DM a recipient gets. */
export function recipientDmBlocks(k: KudosView, where: string | null): KnownBlock[] {
  const lines = [`:sparkles: ${personRef(k.giver)} just thanked you${where ? ` in ${where}` : ''}!`];
  const blocks: KnownBlock[] = [{ type: 'section', text: { type: 'mrkdwn', text: lines.join('\n') } }];
  if (k.message) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: truncate(quote(messageMrkdwn(k.message)), 3000) } });
  if (k.values.length) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: valueBadges(k.values) }] });
  blocks.push({
    type: 'context',
    elements: [{ type: 'mrkdwn', text: 'You can turn these messages off in the Kudos app Home tab.' }],
  });
  return blocks;
}

export function recipientDmText(k: KudosView): string {
  return `${personRef(k.giver)} just thanked you: ${truncate(messageMrkdwn(k.message), 500)}`;
}

/** One DM for several kudos that arrived close together (reactions, pile-ons). */
export function batchedDmBlocks(kudos: KudosView[]): KnownBlock[] {
  const head = kudos.length === 1 ? ':sparkles: You received a kudos!' : `:sparkles: You received ${kudos.length} kudos!`;
  const lines = kudos.slice(0, 20).map((k) => {
    const how = k.source === 'pileon' ? 'added their thanks to a kudos for you' : `appreciated your message${k.emoji ? ` with ${emoji(k.emoji)}` : ''}`;
    const link = k.permalink ? ` <${k.permalink}|View>` : '';
    const values = k.values.length ? ` (${k.values.map((v) => v.label).join(', ')})` : '';
    return `• ${personRef(k.giver)} ${how}${values}${link}`;
  });
  if (kudos.length > 20) lines.push(`…and ${kudos.length - 20} more.`);
  return [
    { type: 'section', text: { type: 'mrkdwn', text: head } },
    { type: 'section', text: { type: 'mrkdwn', text: truncate(lines.join('\n'), 3000) } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: 'You can turn these messages off in the Kudos app Home tab.' }] },
  ];
}

export function batchedDmText(kudos: KudosView[]): string {
  const givers = [...new Set(kudos.map((k) => personRef(k.giver)))];
  return `You received ${kudos.length} kudos from ${listJoin(givers)}.`;
}
