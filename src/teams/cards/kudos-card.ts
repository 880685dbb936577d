import { replaceMentions } from '../../core/mention';
import type { KudosView, PersonView, ValueView } from '../../core/types';
import { adaptiveCard, emojiFor, listJoin, mentionOf, textBlock, userText, type AdaptiveCard, type CardElement, type MentionEntity } from './common';

export const KUDOS_CARD_ID = 'kudos-card';

export function valueBadges(values: ValueView[]): string {
  return values.map((v) => `${emojiFor(v.emoji)} **${v.label}**`).join('   ');
}

/**
 * The public card for a kudos: who thanked whom (as Teams mentions, so recipients are notified), the message,
 * the values, and who joined in by reacting. A withdrawn kudos keeps its card but says so.
 */
export function kudosCard(k: KudosView, pileOnNames: readonly string[] = []): AdaptiveCard {
  const mentions: MentionEntity[] = [];
  const people = new Map<string, PersonView>([[k.giver.externalId, k.giver], ...k.recipients.map((r) => [r.externalId, r] as const)]);
  const at = (p: PersonView): string => {
    const m = mentionOf(p.externalId, p.displayName);
    mentions.push(m.entity);
    return m.text;
  };
  const withdrawn = k.revokedAt !== null;
  const who = `${at(k.giver)} gave kudos to ${listJoin(k.recipients.map(at))}`;
  const body: CardElement[] = [
    textBlock(withdrawn ? `~~${who}~~` : `🎉 ${who}`, { id: KUDOS_CARD_ID, weight: 'Bolder', size: 'Medium' }),
  ];
  if (k.message) {
    // People mentioned inside the message are recipients too, so their names are known.
    const message = replaceMentions(userText(k.message), (id) => {
      const p = people.get(id);
      return p ? at(p) : 'someone';
    });
    body.push(textBlock(withdrawn ? `~~${message.replace(/\n/g, ' ')}~~` : message, { spacing: 'Medium' }));
  }
  if (k.values.length) body.push(textBlock(valueBadges(k.values), { isSubtle: true, spacing: 'Small' }));
  if (k.permalink) body.push(textBlock(`[View the message](${k.permalink})`, { isSubtle: true, size: 'Small' }));
  if (withdrawn) {
    body.push(textBlock(`↩️ Withdrawn by ${k.giver.displayName || 'the giver'}`, { isSubtle: true, size: 'Small' }));
  } else {
    if (pileOnNames.length) body.push(textBlock(`🙌 Thanks added by ${pileOnText(pileOnNames)}`, { size: 'Small', spacing: 'Small' }));
    body.push(textBlock('React to this message to add your own thanks.', { isSubtle: true, size: 'Small' }));
  }
  return adaptiveCard(body, { mentions });
}

function pileOnText(names: readonly string[]): string {
  const shown = names.slice(0, 5).map((n) => n || 'someone');
  return names.length > 5 ? `${shown.join(', ')} and ${names.length - 5} more` : listJoin(shown);
}

/** Preview text for notifications and screen readers. */
export function kudosSummary(k: KudosView): string {
  const who = `${k.giver.displayName || 'Someone'} gave kudos to ${listJoin(k.recipients.map((r) => r.displayName || 'someone'))}`;
  return k.revokedAt ? `Withdrawn: ${who}` : who;
}
