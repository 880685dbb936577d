import { adaptiveCard, textBlock, type AdaptiveCard } from './common';

/** `erase my data` in a personal chat: what it does, and the button that confirms it. */
export function eraseConfirmCard(verb: string): AdaptiveCard {
  return adaptiveCard(
    [
      textBlock('**Erase your data?**', { size: 'Medium' }),
      textBlock(
        "Kudos will forget you: your name and profile are removed, the messages you wrote are replaced with \"(message removed)\", kudos you received no longer name you, and you get no more messages from Kudos. Counts stay as they were. This can't be undone; say `export` first to keep a copy.",
      ),
    ],
    { actions: [{ type: 'Action.Submit', title: 'Erase my data', data: { kudosAction: verb } }] },
  );
}

export const ERASE_IN_PERSONAL_CHAT = 'Erasing your data is personal: say `erase my data` to me in our personal chat.';
export const ERASE_DONE = 'Done: Kudos has forgotten you. Your name and messages are gone, and you will get no more messages from Kudos.';
export const ERASE_NOTHING = 'Kudos has nothing about you to erase.';
