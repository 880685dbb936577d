import { WALL_EXPIRY_MAX_DAYS, WALL_NAME_MAX, type WallLinkSummary } from '../../core/wall';
import type { KnownBlock, ModalView } from '../types';
import { context, input, modal, plain, section, textInput } from './admin-modal-kit';
import { button, HOME_ACTION, slackDate } from './home-kit';
import { mrkdwnEscape } from './text';

/**
 * "Kudos Wall" on the admin part of the App Home, and its forms: make a named link (shown once, to the admin
 * only), revoke one, and choose which sites may show the wall in a frame. Pure renderers; the listeners are in
 * ../listeners/wall.ts and the use case in src/core/wall.ts.
 */

export const WALL_CALLBACK = Object.freeze({ create: 'wall_link_create', framing: 'wall_framing', result: 'wall_result' });
export const WALL_BLOCK = Object.freeze({ name: 'wall_name', days: 'wall_days', framing: 'wall_frame_ancestors', section: 'admin_wall' });

/** What the Home's wall section needs. */
export interface WallAdminView {
  links: WallLinkSummary[];
  /** PUBLIC_URL is set: without it there is no address to give out. */
  publicUrl: boolean;
  frameAncestors: readonly string[];
}

const actions = (elements: unknown[], blockId?: string): KnownBlock => ({ type: 'actions', ...(blockId ? { block_id: blockId } : {}), elements }) as unknown as KnownBlock;

function linkLine(l: WallLinkSummary): string {
  const made = `made ${slackDate(l.createdAt, '{date_short_pretty}')}`;
  const until =
    l.state === 'revoked'
      ? `revoked ${slackDate(l.revokedAt ?? l.createdAt, '{date_short_pretty}')}`
      : l.state === 'expired'
        ? `expired ${slackDate(l.expiresAt ?? l.createdAt, '{date_short_pretty}')}`
        : l.expiresAt
          ? `expires ${slackDate(l.expiresAt, '{date_short_pretty} {time}')}`
          : 'does not expire';
  return `${l.state === 'live' ? ':large_green_circle:' : ':white_circle:'} *${mrkdwnEscape(l.name)}*: ${made}, ${until}`;
}

/** The section on the admin Home. */
export function wallAdminBlocks(w: WallAdminView): KnownBlock[] {
  const blocks: KnownBlock[] = [
    section(
      '*Kudos Wall*\nA read-only page of recent kudos for an office screen, a video call or a phone, updated live. Only kudos given in public channels appear, and it shows no rankings. Anyone with a link can open it: revoke a link to close it everywhere.',
    ),
  ];
  if (!w.publicUrl) {
    blocks.push(context("Wall links need the address people reach Kudos at: ask whoever runs Kudos to set PUBLIC_URL and restart it. Then you can make links here."));
  } else {
    blocks.push(actions([button('Create a wall link…', HOME_ACTION.wallCreate, 'create', { style: 'primary' }), button('Framing…', HOME_ACTION.wallFraming, 'framing')], WALL_BLOCK.section));
  }
  for (const l of w.links) {
    const line = section(
      linkLine(l),
      l.state === 'live'
        ? button('Revoke', HOME_ACTION.wallRevoke, String(l.id), {
            style: 'danger',
            confirm: {
              title: plain('Revoke this wall link?'),
              text: plain(`Every page open on "${l.name.slice(0, 80)}" stops updating and says the link no longer works. This cannot be undone.`.slice(0, 300)),
              confirm: plain('Revoke'),
              deny: plain('Cancel'),
            },
          })
        : undefined,
    );
    blocks.push(line);
  }
  if (w.publicUrl && !w.links.length) blocks.push(context('No wall links yet.'));
  blocks.push(context(w.frameAncestors.length ? `Sites allowed to show the wall in a frame: ${w.frameAncestors.map((o) => `\`${mrkdwnEscape(o)}\``).join(', ')}` : 'No other site may show the wall in a frame.'));
  return blocks;
}

/** "Create a wall link…": a name and an optional expiry. */
export function wallCreateModal(): ModalView {
  return modal({
    callbackId: WALL_CALLBACK.create,
    title: 'Create a wall link',
    submit: 'Create link',
    blocks: [
      input(WALL_BLOCK.name, 'Name', textInput(null, { max_length: WALL_NAME_MAX, placeholder: plain('Lobby screen') }), { hint: 'So you can tell your links apart, and revoke the right one.' }),
      input(WALL_BLOCK.days, 'Expires after (days)', textInput(null, { placeholder: plain('Never') }), {
        optional: true,
        hint: `A whole number from 1 to ${WALL_EXPIRY_MAX_DAYS}. Leave it empty for a link that works until you revoke it.`,
      }),
      context('Only kudos given in public channels appear on the wall. Making the link is recorded in the audit log.'),
    ],
  });
}

/** After creating: the address, shown this once. */
export function wallCreatedModal(name: string, url: string, expiresAt: Date | null): ModalView {
  return modal({
    callbackId: WALL_CALLBACK.result,
    title: 'Wall link ready',
    submit: null,
    close: 'Done',
    blocks: [
      section(`*${mrkdwnEscape(name)}*\n\`\`\`${url}\`\`\``),
      context(
        `Copy it now: for your safety Kudos keeps no copy and will not show it again. Anyone with it can see the wall${expiresAt ? ` until ${slackDate(expiresAt, '{date_short_pretty} {time}')}` : ''}; revoke it from the App Home at any time.`,
      ),
    ],
  });
}

/** "Framing…": the origins allowed to show the wall in a frame (an intranet page, a dashboard). */
export function wallFramingModal(frameAncestors: readonly string[], version: number): ModalView {
  return modal({
    callbackId: WALL_CALLBACK.framing,
    title: 'Wall framing',
    metadata: { v: version },
    blocks: [
      input(WALL_BLOCK.framing, 'Sites allowed to show the wall in a frame', textInput(frameAncestors.join('\n'), { multiline: true, placeholder: plain('https://intranet.example.com') }), {
        optional: true,
        hint: 'One origin per line, such as https://intranet.example.com. Leave it empty so that no other site can frame the wall (the safest).',
      }),
    ],
  });
}

/** A modal saying how it went. */
export function wallResultModal(text: string): ModalView {
  return modal({ callbackId: WALL_CALLBACK.result, title: 'Kudos Wall', submit: null, close: 'Close', blocks: [section(text)] });
}
