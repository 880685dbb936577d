import type { Kysely } from 'kysely';
import { saveSettingAsAdmin } from '../../core/admin';
import { readSettingForm } from '../../core/settings-form';
import {
  createWallLink,
  listWallLinks,
  revokeWallLink,
  revokeWallLinkText,
  storedConversationKinds,
  tooManyWallLinksText,
  wallLinkUrl,
  type ChannelVisibility,
  type ChannelVisibilityPort,
} from '../../core/wall';
import type { Database, WorkspaceRow } from '../../db/schema';
import { conversationBase, conversationKind } from '../activity';
import { cardAttachment } from '../cards/common';
import { WALL_INPUTS, WALL_VERBS, wallLinkCard, type WallCardInput } from '../cards/wall';
import type { TeamsContext, Turn } from '../context';
import { checkSender } from './settings';

export const WALL_NOT_ADMIN = 'Only Kudos admins can manage Kudos Wall links.';
export const WALL_IN_PERSONAL = 'Open settings in our personal chat to make a wall link: it is shown only to you.';
export const WALL_NO_PUBLIC_URL = "Wall links aren't set up here yet: set PUBLIC_URL (the address people reach Kudos at) and restart Kudos.";

const text = (v: unknown): string => (typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : '');

/** Whether a submitted card's verb is one of the wall's. */
export function isWallVerb(verb: unknown): boolean {
  return typeof verb === 'string' && (Object.values(WALL_VERBS) as string[]).includes(verb);
}

/** The wall section of the settings card, for this workspace. */
export async function wallCardInput(ctx: TeamsContext, ws: WorkspaceRow, frame: { frameAncestors: readonly string[]; version: number }): Promise<WallCardInput> {
  return { links: await listWallLinks(ctx.db, ws.id, ctx.clock()), publicUrl: !!ctx.publicUrl, frameAncestors: frame.frameAncestors, version: frame.version };
}

/**
 * A wall button on the settings card (Action.Submit). The sender must be an admin now, by the server's own check;
 * making and revoking are audited (src/core/wall.ts). A new link is sent only in the admin's personal chat.
 */
export async function wallFromCard(ctx: TeamsContext, turn: Turn, data: Record<string, unknown>): Promise<void> {
  const verb = data.kudosAction;
  const check = await checkSender(ctx, turn);
  const now = ctx.clock();
  if (verb === WALL_VERBS.create) {
    if (check.admin && !ctx.publicUrl) return void (await turn.tc.sendActivity(WALL_NO_PUBLIC_URL));
    if (check.admin && conversationKind(turn.tc.activity) !== 'personal') return void (await turn.tc.sendActivity(WALL_IN_PERSONAL));
    const out = await createWallLink(ctx.db, turn.ws, check, { name: text(data[WALL_INPUTS.name]), expiresInDays: text(data[WALL_INPUTS.days]) }, now);
    if (out.status === 'not_allowed') {
      ctx.logger.warn({ tenant: turn.tenant, user: turn.tc.activity.from.id }, 'refused a wall link from someone who is not an admin');
      return void (await turn.tc.sendActivity(WALL_NOT_ADMIN));
    }
    if (out.status === 'invalid') return void (await turn.tc.sendActivity(Object.values(out.errors).join(' ')));
    if (out.status === 'too_many') return void (await turn.tc.sendActivity(tooManyWallLinksText(out.max)));
    ctx.logger.info({ tenant: turn.tenant, link: out.link.id }, 'wall link made in Teams');
    await turn.tc.sendActivity({ type: 'message', summary: 'Kudos Wall link', attachments: [cardAttachment(wallLinkCard(out.link.name, wallLinkUrl(ctx.publicUrl as string, out.token), out.link.expiresAt))] });
    return;
  }
  if (verb === WALL_VERBS.revoke) {
    const out = await revokeWallLink(ctx.db, turn.ws, check, Number(text(data[WALL_INPUTS.link])), now);
    if (out.status === 'not_allowed') ctx.logger.warn({ tenant: turn.tenant, user: turn.tc.activity.from.id }, 'refused to revoke a wall link for someone who is not an admin');
    await turn.tc.sendActivity(revokeWallLinkText(out, WALL_NOT_ADMIN).text);
    return;
  }
  if (verb === WALL_VERBS.framing) {
    if (!check.admin) return void (await turn.tc.sendActivity(WALL_NOT_ADMIN));
    const read = readSettingForm('wall', { frameAncestors: text(data[WALL_INPUTS.framing]) }, check.snapshot.settings);
    if (!read.ok) return void (await turn.tc.sendActivity(`Framing: ${Object.values(read.errors).join(' ')}`));
    const v = Number(text(data[WALL_INPUTS.version]));
    const out = await saveSettingAsAdmin(ctx.db, check, { key: 'wall', value: read.value, expectedVersion: Number.isInteger(v) ? v : -1 });
    await turn.tc.sendActivity(
      out.status === 'saved'
        ? 'Saved: who may frame the Kudos Wall.'
        : out.status === 'conflict'
          ? 'Someone else changed this meanwhile: open settings again and make your change.'
          : out.status === 'invalid'
            ? `Framing: ${Object.values(out.errors).join(' ')}`
            : WALL_NOT_ADMIN,
    );
  }
}

/**
 * Whether Teams conversations are public for the Kudos Wall: a team channel is; a personal or group chat is
 * not. Learned from the conversation references the bot stored when it heard from each conversation.
 */
export function teamsChannelVisibility(db: Kysely<Database>): ChannelVisibilityPort {
  return async (workspace, channelIds) => {
    const bases = new Map(channelIds.map((id) => [id, conversationBase(id)]));
    const kinds = await storedConversationKinds(db, workspace, [...new Set(bases.values())]);
    const out = new Map<string, ChannelVisibility>();
    for (const [id, base] of bases) {
      const kind = kinds.get(base);
      if (kind) out.set(id, kind === 'channel' ? 'public' : 'private');
    }
    return out;
  };
}
