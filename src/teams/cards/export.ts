import { adaptiveCard, textBlock, type AdaptiveCard } from './common';

/** `export` in a personal chat: the person's own kudos, as two download links (CSV and JSON). */
export function exportCard(links: { csv: string; json: string }, minutes: number): AdaptiveCard {
  return adaptiveCard(
    [
      textBlock('**Your kudos**', { size: 'Medium' }),
      textBlock('Download every kudos you gave or received: CSV for a spreadsheet, JSON for a program.'),
      textBlock(`These links work for ${minutes} minutes and only for you: please don't share them. Say \`export\` again for new ones.`, {
        isSubtle: true,
        spacing: 'Medium',
      }),
    ],
    {
      actions: [
        { type: 'Action.OpenUrl', title: 'Download CSV', url: links.csv },
        { type: 'Action.OpenUrl', title: 'Download JSON', url: links.json },
      ],
    },
  );
}

/** `export` said in a channel or group chat: the links are personal, so never sent there. */
export const EXPORT_IN_PERSONAL_CHAT = 'Your kudos download is personal: say `export` to me in our personal chat.';

/** `export` while PUBLIC_URL is unset: no link can be made. */
export const EXPORT_NOT_CONFIGURED =
  "Downloading your kudos isn't set up here yet: an admin must set PUBLIC_URL (the address people reach Kudos at) and restart Kudos.";
