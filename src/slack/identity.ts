import type { SlackApi } from './api';

/** Who the bot is, from auth.test. */
export interface SlackIdentity {
  teamId: string | null;
  enterpriseId: string | null;
  isEnterpriseInstall: boolean;
  botUserId: string;
  botId: string | null;
  teamName: string | null;
  /** The workspace's web address (https://acme.slack.com/), for permalinks built without an API call. */
  url: string | null;
}

/** Asks Slack who the bot is (auth.test). */
export async function fetchIdentity(api: SlackApi): Promise<SlackIdentity> {
  const res = await api.call<{
    ok: boolean;
    team_id?: string;
    team?: string;
    user_id?: string;
    bot_id?: string;
    enterprise_id?: string;
    is_enterprise_install?: boolean;
    url?: string;
  }>('auth.test', {});
  return {
    teamId: res.team_id ?? null,
    enterpriseId: res.enterprise_id ?? null,
    isEnterpriseInstall: !!res.is_enterprise_install,
    botUserId: String(res.user_id),
    botId: res.bot_id ?? null,
    teamName: res.team ?? null,
    url: res.url ?? null,
  };
}

/** A message's permalink, as Slack writes them, without spending a chat.getPermalink call. */
export function permalinkFor(id: SlackIdentity, channelId: string, ts: string, threadTs?: string | null): string | null {
  if (!id.url) return null;
  const base = `${id.url.replace(/\/?$/, '/')}archives/${channelId}/p${ts.replace('.', '')}`;
  return threadTs && threadTs !== ts ? `${base}?thread_ts=${threadTs}&cid=${channelId}` : base;
}

/** The workspace's key in the core: the org for an org-wide Grid install, else the team. */
export function workspaceKey(id: SlackIdentity): string {
  return id.isEnterpriseInstall && id.enterpriseId ? id.enterpriseId : (id.teamId ?? id.enterpriseId ?? 'unknown');
}

interface TeamRefs {
  teamIds: string[];
  enterpriseIds: string[];
}

/**
 * The teams and orgs a payload speaks for, following Bolt's own rules: an Events API envelope is authorised by
 * `authorizations[0]` (in Slack Connect the top-level team may be the *other* org); interactions carry
 * `team`, `enterprise` and the user's team; commands carry `team_id` and `enterprise_id`.
 */
export function payloadTeams(body: Record<string, unknown>): TeamRefs {
  const teamIds: string[] = [];
  const enterpriseIds: string[] = [];
  const add = (list: string[], v: unknown) => {
    if (typeof v === 'string' && v) list.push(v);
  };
  if (body.type === 'event_callback') {
    const auth = Array.isArray(body.authorizations) ? (body.authorizations[0] as Record<string, unknown> | undefined) : undefined;
    if (auth) {
      add(teamIds, auth.team_id);
      add(enterpriseIds, auth.enterprise_id);
    } else {
      add(teamIds, body.team_id);
      add(enterpriseIds, body.enterprise_id);
    }
    return { teamIds, enterpriseIds };
  }
  if (typeof body.command === 'string') {
    add(teamIds, body.team_id);
    add(enterpriseIds, body.enterprise_id);
    return { teamIds, enterpriseIds };
  }
  const team = body.team as Record<string, unknown> | null | undefined;
  const enterprise = body.enterprise as Record<string, unknown> | null | undefined;
  const user = body.user as Record<string, unknown> | undefined;
  add(teamIds, team?.id);
  add(enterpriseIds, team?.enterprise_id);
  add(enterpriseIds, enterprise?.id);
  if (!team) add(teamIds, user?.team_id);
  const view = body.view as Record<string, unknown> | undefined;
  if (!team && view) add(teamIds, view.team_id);
  return { teamIds, enterpriseIds };
}

/** True when the payload belongs to the installed workspace (or, for an org-wide install, its org). */
export function belongsTo(body: Record<string, unknown>, id: SlackIdentity): boolean {
  const refs = payloadTeams(body);
  if (id.isEnterpriseInstall) return !!id.enterpriseId && refs.enterpriseIds.includes(id.enterpriseId);
  return !!id.teamId && refs.teamIds.includes(id.teamId);
}
