import type { AllMiddlewareArgs, App, BlockAction, ButtonAction, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { saveSettingAsAdmin } from '../../core/admin';
import { readSettingForm } from '../../core/settings-form';
import { createWallLink, revokeWallLink, revokeWallLinkText, tooManyWallLinksText, wallLinkUrl, type ChannelVisibility, type ChannelVisibilityPort } from '../../core/wall';
import type { Logger } from '../../logger';
import { SlackCallError, type SlackApi } from '../api';
import { CONFLICT_TEXT, INPUT, NOT_ADMIN_TEXT } from '../blocks/admin-modal-kit';
import { HOME_ACTION } from '../blocks/home-kit';
import { WALL_BLOCK, WALL_CALLBACK, wallCreatedModal, wallCreateModal, wallFramingModal, wallResultModal } from '../blocks/wall';
import { contextOf } from '../workspaces';
import { adminButton } from './admin-button';

type ViewArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;
type State = Record<string, Record<string, { value?: string | null }>>;

const NO_PUBLIC_URL_TEXT = "Wall links need the address people reach Kudos at. Ask whoever runs Kudos to set PUBLIC_URL and restart it; then you can make links here.";

const textOf = (view: ViewSubmitAction['view'], block: string): string => (view.state?.values as State | undefined)?.[block]?.[INPUT]?.value ?? '';

/**
 * The Kudos Wall from the App Home: an admin makes a named link (the address is shown once, in the modal, to
 * that admin only), revokes one, and says which sites may frame the wall. Every button and submission checks
 * the acting user on the server; making and revoking are in the audit log (src/core/wall.ts).
 */
export function register(app: App, deps: { publicUrl?: string }): void {
  app.action<BlockAction<ButtonAction>>(
    HOME_ACTION.wallCreate,
    adminButton<BlockAction<ButtonAction>>('open wall link form', (ctx, body) =>
      ctx.api.call('views.open', { trigger_id: body.trigger_id, view: deps.publicUrl ? wallCreateModal() : wallResultModal(NO_PUBLIC_URL_TEXT) }),
    ),
  );

  app.view<ViewSubmitAction>(WALL_CALLBACK.create, async ({ ack, body, view, context }: ViewArgs) => {
    const ctx = contextOf(context);
    const userId = body.user.id;
    if (!deps.publicUrl) return ack({ response_action: 'update', view: wallResultModal(NO_PUBLIC_URL_TEXT) });
    const check = await ctx.home.checkAdmin(userId);
    const out = await createWallLink(ctx.db, ctx.workspace(), check, { name: textOf(view, WALL_BLOCK.name), expiresInDays: textOf(view, WALL_BLOCK.days) }, ctx.clock());
    if (out.status === 'not_allowed') {
      ctx.logger.warn({ user: userId, action: 'create wall link' }, 'refused an admin action from someone who is not an admin');
      return ack({ response_action: 'update', view: wallResultModal(NOT_ADMIN_TEXT) });
    }
    if (out.status === 'invalid') {
      const errors: Record<string, string> = {};
      if (out.errors.name) errors[WALL_BLOCK.name] = out.errors.name;
      if (out.errors.expiresInDays) errors[WALL_BLOCK.days] = out.errors.expiresInDays;
      return ack({ response_action: 'errors', errors });
    }
    if (out.status === 'too_many') return ack({ response_action: 'errors', errors: { [WALL_BLOCK.name]: tooManyWallLinksText(out.max) } });
    await ack({ response_action: 'update', view: wallCreatedModal(out.link.name, wallLinkUrl(deps.publicUrl, out.token), out.link.expiresAt) });
    ctx.logger.info({ user: userId, link: out.link.id }, 'wall link made in the App Home');
    ctx.background.run('refresh admin home', () => ctx.home.publish(userId, { kind: 'ok', text: `Wall link "${out.link.name}" made.` }));
  });

  app.action<BlockAction<ButtonAction>>(HOME_ACTION.wallRevoke, async ({ ack, body, context }) => {
    await ack();
    const ctx = contextOf(context);
    const userId = body.user.id;
    const check = await ctx.home.checkAdmin(userId);
    const out = await revokeWallLink(ctx.db, ctx.workspace(), check, Number(body.actions[0]?.value ?? ''), ctx.clock());
    if (out.status === 'not_allowed') ctx.logger.warn({ user: userId, action: 'revoke wall link' }, 'refused an admin action from someone who is not an admin');
    else ctx.logger.info({ user: userId, status: out.status }, 'wall link revoked in the App Home');
    const said = revokeWallLinkText(out, NOT_ADMIN_TEXT);
    await ctx.home.publish(userId, { kind: said.ok ? 'ok' : 'warn', text: said.text });
  });

  app.action<BlockAction<ButtonAction>>(
    HOME_ACTION.wallFraming,
    adminButton<BlockAction<ButtonAction>>('open wall framing', (ctx, body, check) =>
      ctx.api.call('views.open', { trigger_id: body.trigger_id, view: wallFramingModal(check.snapshot.settings.wall.frameAncestors, check.snapshot.versions.wall) }),
    ),
  );

  app.view<ViewSubmitAction>(WALL_CALLBACK.framing, async ({ ack, body, view, context }: ViewArgs) => {
    const ctx = contextOf(context);
    const check = await ctx.home.requireAdmin(body.user.id, 'save wall framing');
    if (!check) return ack({ response_action: 'update', view: wallResultModal(NOT_ADMIN_TEXT) });
    let version: unknown;
    try {
      version = (JSON.parse(view.private_metadata || '{}') as { v?: unknown }).v;
    } catch {
      version = undefined;
    }
    if (typeof version !== 'number' || !Number.isInteger(version)) return ack({ response_action: 'errors', errors: { [WALL_BLOCK.framing]: CONFLICT_TEXT } });
    const read = readSettingForm('wall', { frameAncestors: textOf(view, WALL_BLOCK.framing) }, check.snapshot.settings);
    if (!read.ok) return ack({ response_action: 'errors', errors: { [WALL_BLOCK.framing]: Object.values(read.errors)[0] ?? 'Check the origins.' } });
    const out = await saveSettingAsAdmin(ctx.db, check, { key: 'wall', value: read.value, expectedVersion: version });
    if (out.status === 'not_admin') return ack({ response_action: 'update', view: wallResultModal(NOT_ADMIN_TEXT) });
    if (out.status === 'invalid') return ack({ response_action: 'errors', errors: { [WALL_BLOCK.framing]: Object.values(out.errors)[0] ?? 'Check the origins.' } });
    if (out.status === 'conflict') return ack({ response_action: 'errors', errors: { [WALL_BLOCK.framing]: CONFLICT_TEXT } });
    await ack();
    ctx.background.run('refresh admin home', () => ctx.home.publish(body.user.id, { kind: 'ok', text: 'Saved: who may frame the Kudos Wall.' }));
  });
}

interface ConversationInfo {
  ok: boolean;
  channel?: { is_channel?: boolean; is_group?: boolean; is_im?: boolean; is_mpim?: boolean; is_private?: boolean };
}

/**
 * Whether Slack channels are public, for the Kudos Wall: DMs ('D…') and old-style private groups ('G…') are
 * private by their id; others are asked with conversations.info (channels:read). A channel the bot cannot see
 * is private; an answer Slack could not give (a rate limit, a missing scope) is no answer, asked again later.
 */
export function slackChannelVisibility(api: SlackApi, logger: Logger, warned: { scope: boolean } = { scope: false }): ChannelVisibilityPort {
  return async (_workspace, channelIds) => {
    const out = new Map<string, ChannelVisibility>();
    for (const id of channelIds) {
      if (/^[DG]/.test(id)) {
        out.set(id, 'private');
        continue;
      }
      try {
        const r = await api.call<ConversationInfo>('conversations.info', { channel: id }, { waitOnRateLimit: false });
        const c = r.channel;
        if (!c) continue;
        if (c.is_im || c.is_mpim || c.is_private || c.is_group) out.set(id, 'private');
        else if (c.is_channel) out.set(id, 'public');
      } catch (err) {
        const code = err instanceof SlackCallError ? err.code : 'network';
        if (code === 'channel_not_found') out.set(id, 'private');
        else if (code === 'missing_scope' && !warned.scope) {
          warned.scope = true;
          logger.warn('the Kudos Wall cannot tell public channels without the channels:read scope: reinstall Kudos to grant it');
        }
        if (code === 'ratelimited') break;
      }
    }
    return out;
  };
}
