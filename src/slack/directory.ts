import type { Directory, Profile } from '../core/types';
import { SlackApi, SlackCallError } from './api';

interface SlackUser {
  id: string;
  name?: string;
  real_name?: string;
  deleted?: boolean;
  is_bot?: boolean;
  is_app_user?: boolean;
  is_admin?: boolean;
  is_owner?: boolean;
  is_primary_owner?: boolean;
  is_restricted?: boolean;
  tz?: string;
  team_id?: string;
  profile?: { display_name?: string; real_name?: string };
}

/** People from `users.info` (Tier 4); results are cached in the person table by the core. */
export class SlackDirectory implements Directory {
  constructor(private readonly api: SlackApi) {}

  async lookup(_workspace: string, userId: string): Promise<Profile | null> {
    try {
      const res = await this.api.call<{ ok: boolean; user?: SlackUser }>('users.info', { user: userId });
      return res.user ? toProfile(res.user) : null;
    } catch (err) {
      if (err instanceof SlackCallError && (err.code === 'user_not_found' || err.code === 'user_not_visible')) return null;
      throw err;
    }
  }
}

export function toProfile(u: SlackUser): Profile {
  return {
    externalId: u.id,
    displayName: u.profile?.display_name || u.profile?.real_name || u.real_name || u.name || u.id,
    timeZone: u.tz ?? null,
    // Slackbot is a user, not flagged as a bot.
    isBot: !!u.is_bot || !!u.is_app_user || u.id === 'USLACKBOT',
    isDeleted: !!u.deleted,
    isPlatformAdmin: !!(u.is_admin || u.is_owner || u.is_primary_owner),
    platformData: { teamId: u.team_id ?? null, restricted: !!u.is_restricted },
  };
}
