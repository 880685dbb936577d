/**
 * The default values recipe every new workspace starts with; admins edit, add and deactivate them later.
 * Emoji are Slack short names (no colons); the Teams renderer maps them to Unicode.
 */
export interface ValueSeed {
  slug: string;
  label: string;
  emoji: string;
}

export const DEFAULT_VALUES: readonly ValueSeed[] = Object.freeze([
  { slug: 'empathy', label: 'Empathy', emoji: 'heart' },
  { slug: 'communication', label: 'Communication', emoji: 'speech_balloon' },
  { slug: 'quick-response', label: 'Quick response', emoji: 'zap' },
  { slug: 'urgency', label: 'Sense of urgency', emoji: 'rocket' },
  { slug: 'ownership', label: 'Ownership', emoji: 'muscle' },
  { slug: 'attention-to-detail', label: 'Attention to detail', emoji: 'mag' },
  { slug: 'positive-attitude', label: 'Positive attitude', emoji: 'sunny' },
  { slug: 'collaboration', label: 'Collaboration', emoji: 'handshake' },
  { slug: 'knowledge', label: 'Knowledge', emoji: 'books' },
  { slug: 'patience', label: 'Patience', emoji: 'hourglass_flowing_sand' },
  { slug: 'humour', label: 'Sense of humour', emoji: 'joy' },
]);

/** Emoji that give a kudos when used as a reaction, besides each value's own emoji. */
export const DEFAULT_REACTION_EMOJI: readonly string[] = Object.freeze(['clap', 'raised_hands', 'pray', 'star-struck', 'trophy']);

/** A value slug from free text: lower case, words joined by '-'. */
export function slugify(label: string): string {
  return label
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64);
}
