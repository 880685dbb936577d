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
