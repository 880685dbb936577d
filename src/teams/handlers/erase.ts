import { erasePerson } from '../../core/erasure';
import { conversationKind } from '../activity';
import { cardAttachment } from '../cards/common';
import { ERASE_DONE, ERASE_IN_PERSONAL_CHAT, ERASE_NOTHING, eraseConfirmCard } from '../cards/erase';
import type { TeamsContext, Turn } from '../context';

/** The Action.Submit verb of the confirmation card's button. */
export const ERASE_ME_VERB = 'erase_me';

/**
 * `erase my data` (`forget me`): a card saying what erasing does, with a button to confirm. Only in the personal
 * chat, so nobody confirms it by a click in a shared conversation.
 */
export async function askToErase(_ctx: TeamsContext, turn: Turn): Promise<void> {
  if (conversationKind(turn.tc.activity) !== 'personal') {
    await turn.tc.sendActivity(ERASE_IN_PERSONAL_CHAT);
    return;
  }
  await turn.tc.sendActivity({ type: 'message', summary: 'Erase your data?', attachments: [cardAttachment(eraseConfirmCard(ERASE_ME_VERB))] });
}

/**
 * The confirmation: whoever Teams says clicked (the activity's sender, from a verified token) is erased, never
 * anyone the card's data names.
 */
export async function eraseMe(_ctx: TeamsContext, turn: Turn): Promise<void> {
  if (conversationKind(turn.tc.activity) !== 'personal' || !turn.sender) {
    await turn.tc.sendActivity(ERASE_IN_PERSONAL_CHAT);
    return;
  }
  const me = turn.sender.external_id;
  const out = await erasePerson(turn.core, turn.ws, { externalId: me }, { kind: 'self', externalId: me });
  await turn.tc.sendActivity(out.status === 'erased' || out.status === 'already_erased' ? ERASE_DONE : ERASE_NOTHING);
}
