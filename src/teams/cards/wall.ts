import { WALL_EXPIRY_MAX_DAYS, WALL_NAME_MAX, type WallLinkSummary } from '../../core/wall';
import { adaptiveCard, textBlock, type AdaptiveCard, type CardElement } from './common';

/**
 * "Kudos Wall" on the Teams settings card: make a named link (sent to the admin privately), revoke one, and say
 * which sites may frame the wall. Each button is an Action.Submit that the server checks again
 * (../handlers/wall.ts).
 */

export const WALL_VERBS = Object.freeze({ create: 'createWallLink', revoke: 'revokeWallLink', framing: 'saveWallFraming' });
export const WALL_INPUTS = Object.freeze({ name: 'wallName', days: 'wallDays', framing: 'wallFrameAncestors', link: 'wallLink', version: 'wallVersion' });

export interface WallCardInput {
  links: WallLinkSummary[];
  publicUrl: boolean;
  frameAncestors: readonly string[];
  /** The framing setting's version, so a save from an old card is caught. */
  version: number;
}

const day = (d: Date) => d.toISOString().slice(0, 10);

function linkText(l: WallLinkSummary): string {
  const until = l.state === 'revoked' ? 'revoked' : l.state === 'expired' ? `expired ${day(l.expiresAt ?? l.createdAt)}` : l.expiresAt ? `expires ${day(l.expiresAt)} (UTC)` : 'does not expire';
  return `**${l.name.replace(/[*_~`[\]]/g, '')}**: made ${day(l.createdAt)}, ${until}`;
}

/** The section's elements, for the settings card. */
export function wallCardSection(w: WallCardInput): CardElement[] {
  const out: CardElement[] = [
    textBlock('**Kudos Wall**', { spacing: 'Medium' }),
    textBlock('A read-only page of recent kudos for an office screen, a call or a phone, updated live. Only kudos given in team channels appear; it shows no rankings. Anyone with a link can open it.', { isSubtle: true }),
  ];
  if (!w.publicUrl) {
    out.push(textBlock('Wall links need the address people reach Kudos at: ask whoever runs Kudos to set PUBLIC_URL and restart it.', { color: 'Attention' }));
  } else {
    out.push(
      { type: 'Input.Text', id: WALL_INPUTS.name, label: 'New wall link: name', placeholder: 'Lobby screen', maxLength: WALL_NAME_MAX },
      { type: 'Input.Number', id: WALL_INPUTS.days, label: `Expires after (days, 1 to ${WALL_EXPIRY_MAX_DAYS}; empty: never)`, min: 1, max: WALL_EXPIRY_MAX_DAYS, placeholder: 'Never' },
      { type: 'ActionSet', actions: [{ type: 'Action.Submit', title: 'Create wall link', data: { kudosAction: WALL_VERBS.create } }] },
    );
  }
  for (const l of w.links) {
    out.push(textBlock(linkText(l), { spacing: 'Small' }));
    if (l.state === 'live') {
      out.push({ type: 'ActionSet', actions: [{ type: 'Action.Submit', title: `Revoke "${l.name.slice(0, 40)}"`, style: 'destructive', data: { kudosAction: WALL_VERBS.revoke, [WALL_INPUTS.link]: l.id } }] });
    }
  }
  out.push(
    {
      type: 'Input.Text',
      id: WALL_INPUTS.framing,
      label: 'Sites allowed to show the wall in a frame (one origin per line; empty: none)',
      isMultiline: true,
      placeholder: 'https://intranet.example.com',
      value: w.frameAncestors.join('\n'),
    },
    { type: 'ActionSet', actions: [{ type: 'Action.Submit', title: 'Save framing', data: { kudosAction: WALL_VERBS.framing, [WALL_INPUTS.version]: w.version } }] },
  );
  return out;
}

/** The link, for the admin's eyes only (their personal chat). */
export function wallLinkCard(name: string, url: string, expiresAt: Date | null): AdaptiveCard {
  return adaptiveCard(
    [
      textBlock('**Kudos Wall link**', { size: 'Medium' }),
      textBlock(`"${name}": ${url}`),
      textBlock(
        `Copy it now: Kudos keeps no copy and will not show it again. Anyone with it can see the wall${expiresAt ? ` until ${expiresAt.toISOString().slice(0, 16).replace('T', ' ')} UTC` : ''}; revoke it from the settings card at any time.`,
        { isSubtle: true, spacing: 'Medium' },
      ),
    ],
    { actions: [{ type: 'Action.OpenUrl', title: 'Open the wall', url }] },
  );
}
