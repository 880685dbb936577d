/**
 * Adaptive Card building blocks (schema 1.5, the version Teams renders). Pure data: no botbuilder here, so the
 * renderers are tested by their structure and the adapter wraps them in attachments.
 */

export type CardElement = Record<string, unknown> & { type: string };

export interface MentionEntity {
  type: 'mention';
  text: string;
  mentioned: { id: string; name: string };
}

export interface AdaptiveCard {
  type: 'AdaptiveCard';
  $schema: string;
  version: '1.5';
  body: CardElement[];
  actions?: CardElement[];
  msteams?: { entities?: MentionEntity[]; width?: 'Full' };
  refresh?: unknown;
}

export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';

export function adaptiveCard(body: CardElement[], opts: { actions?: CardElement[]; mentions?: MentionEntity[]; fullWidth?: boolean } = {}): AdaptiveCard {
  const card: AdaptiveCard = {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    body,
  };
  if (opts.actions?.length) card.actions = opts.actions;
  const msteams: NonNullable<AdaptiveCard['msteams']> = {};
  if (opts.mentions?.length) msteams.entities = dedupeMentions(opts.mentions);
  if (opts.fullWidth) msteams.width = 'Full';
  if (Object.keys(msteams).length) card.msteams = msteams;
  return card;
}

export function textBlock(text: string, opts: Record<string, unknown> = {}): CardElement {
  return { type: 'TextBlock', text, wrap: true, ...opts };
}

/** A card as a message attachment, the shape botbuilder's CardFactory.adaptiveCard builds. */
export function cardAttachment(card: AdaptiveCard): { contentType: string; content: AdaptiveCard } {
  return { contentType: ADAPTIVE_CARD_CONTENT_TYPE, content: card };
}

/** Names go inside `<at>…</at>` XML-escaped; the entity's text must match the card text exactly. */
export function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function mentionOf(id: string, name: string): { text: string; entity: MentionEntity } {
  const text = `<at>${xmlEscape(name || 'someone')}</at>`;
  return { text, entity: { type: 'mention', text, mentioned: { id, name: name || 'someone' } } };
}

function dedupeMentions(ms: MentionEntity[]): MentionEntity[] {
  const seen = new Set<string>();
  return ms.filter((m) => (seen.has(m.mentioned.id) ? false : (seen.add(m.mentioned.id), true)));
}

/**
 * A person's own words in a TextBlock: Adaptive Card markdown is left alone (it is what people type in Teams),
 * but a typed `<at>` must not turn into a mention.
 */
export function userText(s: string): string {
  return s.replace(/<(\/?at\b)/gi, '‹$1');
}

/** "a", "a and b", "a, b and c" */
export function listJoin(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** Slack-style `*bold*` copy (campaign texts) as Adaptive Card markdown. */
export function boldToMarkdown(s: string): string {
  return s.replace(/(^|[\s(])\*([^*\n]+)\*(?=$|[\s).,:;!?])/g, '$1**$2**');
}

/**
 * Value emoji are stored as Slack short names; Teams shows Unicode. Unknown names (custom values) get a medal.
 */
const EMOJI: Record<string, string> = {
  heart: '❤️',
  speech_balloon: '💬',
  zap: '⚡',
  rocket: '🚀',
  muscle: '💪',
  mag: '🔍',
  sunny: '☀️',
  handshake: '🤝',
  books: '📚',
  hourglass_flowing_sand: '⏳',
  joy: '😂',
  clap: '👏',
  raised_hands: '🙌',
  pray: '🙏',
  'star-struck': '🤩',
  trophy: '🏆',
  tada: '🎉',
  sparkles: '✨',
  star: '⭐',
  smile: '😄',
  bulb: '💡',
  fire: '🔥',
  '+1': '👍',
  thumbsup: '👍',
  gift: '🎁',
  medal: '🏅',
};

export function emojiFor(shortName: string): string {
  return Object.prototype.hasOwnProperty.call(EMOJI, shortName) ? EMOJI[shortName] : '🏅';
}
