import type { App, BlockAction, ButtonAction, SlackViewMiddlewareArgs, AllMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { chooseTeams, refreshTeamMembers, teamChoices, workspacesToRefresh, type ChooseTeamsResult } from '../../core/cross-team';
import type { GroupsAnswer, TeamSource } from '../../core/ports';
import type { WorkspaceRow } from '../../db/schema';
import type { Logger } from '../../logger';
import { SlackCallError, type SlackApi } from '../api';
import { INPUT, NOT_ADMIN_TEXT } from '../blocks/admin-modal-kit';
import type { HomeNotice } from '../blocks/home';
import { HOME_ACTION } from '../blocks/home-kit';
import { chooseTeamsModal, TEAMS_BLOCK, TEAMS_CALLBACK, TEAMS_TEXT, teamsMessageModal } from '../blocks/teams';
import type { SlackContext } from '../context';
import { listJoin, mrkdwnEscape } from '../blocks/text';
import { contextOf } from '../workspaces';
import { adminButton } from './admin-button';

type ViewArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;
type State = Record<string, Record<string, { selected_options?: Array<{ value: string }> }>>;

/**
 * Teams from the App Home, for admins (checked on the server for the button and again for the submission):
 * "Choose teams…" opens a form listing the workspace's user groups; saving marks the chosen ones as teams, reads
 * their members and redraws the Home. The use cases are in src/core/cross-team.ts; Slack's side of the teams port
 * is slackTeamSource below.
 */
export function register(app: App): void {
  app.action<BlockAction<ButtonAction>>(
    HOME_ACTION.chooseTeams,
    adminButton<BlockAction<ButtonAction>>('choose teams', async (ctx, body) => {
      // The trigger expires three seconds after the click: open the form at once, then fill it.
      const opened = await ctx.api.call<{ ok: boolean; view?: { id?: string } }>('views.open', { trigger_id: body.trigger_id, view: teamsMessageModal('Choose teams', TEAMS_TEXT.loading) });
      const viewId = opened.view?.id;
      if (!viewId) return;
      const choices = await teamChoices(ctx, ctx.workspace(), slackTeamSource(ctx.api, ctx.logger));
      const view =
        choices.status === 'missing_scope'
          ? teamsMessageModal('Choose teams', TEAMS_TEXT.missingScope)
          : choices.status === 'unavailable'
            ? teamsMessageModal('Choose teams', TEAMS_TEXT.unavailable)
            : choices.value.groups.length
              ? chooseTeamsModal(choices.value.groups, choices.value.marked)
              : teamsMessageModal('Choose teams', TEAMS_TEXT.noGroups);
      await ctx.api.call('views.update', { view_id: viewId, view });
    }),
  );

  app.view<ViewSubmitAction>(TEAMS_CALLBACK.choose, async ({ ack, body, view, context }: ViewArgs) => {
    const ctx = contextOf(context);
    const userId = body.user.id;
    const keys = ((view.state?.values as State | undefined)?.[TEAMS_BLOCK.groups]?.[INPUT]?.selected_options ?? []).map((o) => o.value);
    // The server's own check; a refusal is audited by the use case.
    const check = await ctx.home.checkAdmin(userId);
    if (!check.admin) {
      await chooseTeams(ctx, ctx.workspace(), check, keys, slackTeamSource(ctx.api, ctx.logger));
      ctx.logger.warn({ user: userId, action: 'choose teams' }, 'refused an admin action from someone who is not an admin');
      return ack({ response_action: 'update', view: teamsMessageModal('Choose teams', NOT_ADMIN_TEXT) });
    }
    await ack({ response_action: 'update', view: teamsMessageModal('Choose teams', TEAMS_TEXT.saving) });
    // Reading every team's members may take longer than Slack waits for an answer: after the acknowledgement.
    ctx.background.run('choose teams', async () => {
      const out = await chooseTeams(ctx, ctx.workspace(), check, keys, slackTeamSource(ctx.api, ctx.logger));
      await ctx.home.publish(userId, chosenNotice(out));
    });
  });
}

/** What the admin is told on their Home once the teams are saved (or why they were not). */
export function chosenNotice(out: ChooseTeamsResult): HomeNotice {
  switch (out.status) {
    case 'saved': {
      const names = (xs: string[]) => listJoin(xs.map(mrkdwnEscape));
      const changes = [out.added.length ? `added ${names(out.added)}` : '', out.removed.length ? `removed ${names(out.removed)}` : ''].filter(Boolean).join('; ');
      const base = out.teams.length ? `Teams saved${changes ? ` (${changes})` : ''}.` : 'No teams now: the digest no longer counts kudos between teams.';
      const failed = out.refresh.missingScope
        ? ` ${TEAMS_TEXT.missingScope}`
        : out.refresh.failed
          ? ` The members of ${out.refresh.failed === 1 ? 'one team' : `${out.refresh.failed} teams`} could not be read just now; Kudos tries again within the hour.`
          : '';
      return { kind: failed ? 'warn' : 'ok', text: `${base}${failed}` };
    }
    case 'not_allowed':
      return { kind: 'warn', text: NOT_ADMIN_TEXT };
    case 'missing_scope':
      return { kind: 'warn', text: TEAMS_TEXT.missingScope };
    case 'unavailable':
      return { kind: 'warn', text: `Nothing was saved: ${TEAMS_TEXT.unavailable}` };
    case 'unknown_group':
      return { kind: 'warn', text: 'Nothing was saved: a user group you chose is no longer in Slack. Choose teams again.' };
  }
}

/**
 * Reads again the members of teams last read a day ago or more, in every workspace this adapter serves (the
 * adapter runs it on a timer). Returns how many teams were read.
 */
export async function refreshStaleTeams(deps: { forWorkspace(ws: WorkspaceRow): Promise<SlackContext | undefined>; db: SlackContext['db']; clock: SlackContext['clock']; logger: Logger }): Promise<number> {
  let refreshed = 0;
  for (const ws of await workspacesToRefresh(deps, 'slack')) {
    const ctx = await deps.forWorkspace(ws).catch(() => undefined);
    if (!ctx) continue;
    const out = await refreshTeamMembers(ctx, ctx.workspace(), slackTeamSource(ctx.api, ctx.logger));
    if (out.missingScope) deps.logger.warn({ workspace: ws.external_id }, 'cannot read the members of user groups: reinstall Kudos to grant usergroups:read');
    refreshed += out.refreshed;
  }
  return refreshed;
}

interface UserGroup {
  id?: string;
  name?: string;
  handle?: string;
  user_count?: number | string;
  date_delete?: number;
}

/** Slack's side of the teams port: usergroups.list and usergroups.users.list (scope usergroups:read). */
export function slackTeamSource(api: SlackApi, logger: Logger): TeamSource {
  return {
    async groups() {
      try {
        const res = await api.call<{ ok: boolean; usergroups?: UserGroup[] }>('usergroups.list', { include_count: true, include_disabled: false });
        const value = (res.usergroups ?? [])
          .filter((g): g is UserGroup & { id: string } => typeof g.id === 'string' && !!g.id && !g.date_delete)
          .map((g) => ({ key: g.id, name: g.name?.trim() || g.handle || g.id, handle: g.handle ?? null, members: g.user_count === undefined ? null : Number(g.user_count) }));
        return { status: 'ok', value };
      } catch (err) {
        return failure(err, 'usergroups.list', logger);
      }
    },
    async members(key) {
      try {
        const res = await api.call<{ ok: boolean; users?: string[] }>('usergroups.users.list', { usergroup: key, include_disabled: false });
        return { status: 'ok', value: (res.users ?? []).filter((u) => typeof u === 'string') };
      } catch (err) {
        return failure(err, 'usergroups.users.list', logger);
      }
    },
  };
}

function failure(err: unknown, method: string, logger: Logger): GroupsAnswer<never> {
  const code = err instanceof SlackCallError ? err.code : 'error';
  if (code === 'missing_scope') return { status: 'missing_scope' };
  logger.warn({ method, code }, 'could not read user groups');
  return { status: 'unavailable', code };
}

