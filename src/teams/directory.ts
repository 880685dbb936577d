import { TeamsInfo, type ChannelAccount, type TeamsChannelAccount, type TurnContext } from 'botbuilder';
import type { Kysely } from 'kysely';
import type { Directory, Profile } from '../core/types';
import { findPeople } from '../db/queries/people';
import { listTeamIds } from '../db/queries/teams';
import type { Database, WorkspaceRow } from '../db/schema';
import { clientTimeZone, isBotAccount, mentionEntities } from './activity';

/** How many other teams to ask about a person the current conversation does not know (a personal chat). */
const MAX_TEAMS_TO_ASK = 3;

/** The part of botbuilder's connector client used here (the client class itself is not exported by botbuilder). */
interface MemberClient {
  conversations: { getConversationMember(conversationId: string, memberId: string): Promise<ChannelAccount> };
}

/**
 * People for one turn, from what Teams told us: the sender from the activity itself (name, and time zone from
 * the clientInfo entity when the client sent one), everyone else from the member API of the conversation's
 * team or chat. Teams member records carry no time zone, so a known one is kept.
 */
export class TeamsDirectory implements Directory {
  constructor(
    private readonly tc: TurnContext,
    private readonly db: Kysely<Database>,
    private readonly workspace: WorkspaceRow,
  ) {}

  async lookup(_workspace: string, userId: string): Promise<Profile | null> {
    const a = this.tc.activity;
    const known = (await findPeople(this.db, this.workspace.id, [userId]))[0];
    if (userId === a.from?.id) return senderProfile(a, known?.time_zone ?? null);
    const mentioned = mentionEntities(a).find((m) => m.id === userId);
    if (isBotAccount(a, { id: userId })) return { ...base(userId, mentioned?.name ?? 'Bot', null), isBot: true };
    // Only Teams user ids name a person in the ledger; an Entra id that could not be mapped to one is nobody.
    if (!userId.startsWith('29:')) return null;
    let member: TeamsChannelAccount | null;
    try {
      member = await this.member(userId);
    } catch (err) {
      // Teams vouched for a mentioned person; a member API outage should not lose their kudos.
      if (mentioned) return base(userId, mentioned.name, known?.time_zone ?? null);
      throw err;
    }
    if (!member) return mentioned ? base(userId, mentioned.name, known?.time_zone ?? null) : null;
    return memberProfile(member, known?.time_zone ?? null);
  }

  /**
   * The member record for a Teams user id or an Entra object id (the people picker's), asked of this
   * conversation first and then of the teams the bot is in; null when none knows them.
   */
  async member(userId: string): Promise<TeamsChannelAccount | null> {
    try {
      return await TeamsInfo.getMember(this.tc, userId);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    const client = this.tc.turnState.get<MemberClient>(this.tc.adapter.ConnectorClientKey);
    const current = this.tc.activity.channelData?.team?.id as string | undefined;
    for (const teamId of await listTeamIds(this.db, this.workspace.id, MAX_TEAMS_TO_ASK + 1)) {
      if (teamId === current) continue;
      try {
        const m = (await client.conversations.getConversationMember(teamId, userId)) as TeamsChannelAccount;
        return { ...m, aadObjectId: m.aadObjectId ?? (m as { objectId?: string }).objectId };
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
    return null;
  }
}

/**
 * The directory when there is no turn (the timers' sweep): Teams' member API is only reachable from a
 * conversation, so nobody can be looked up, and the core uses the people it already knows.
 */
export const NO_TURN_DIRECTORY: Directory = {
  async lookup() {
    throw new Error('people cannot be looked up in Teams outside a conversation');
  },
};

function base(id: string, name: string, timeZone: string | null): Profile {
  return { externalId: id, displayName: name || id, timeZone, isBot: false, isDeleted: false, isPlatformAdmin: false };
}

/** The person who sent this activity, as the activity describes them. */
export function senderProfile(a: TurnContext['activity'], knownTimeZone: string | null): Profile {
  const from = a.from;
  return {
    ...base(from.id, from.name ?? '', clientTimeZone(a) ?? knownTimeZone),
    isBot: isBotAccount(a, from),
    platformData: from.aadObjectId ? { aadObjectId: from.aadObjectId } : {},
  };
}

export function memberProfile(m: TeamsChannelAccount, timeZone: string | null): Profile {
  return {
    ...base(m.id, m.name || [m.givenName, m.surname].filter(Boolean).join(' '), timeZone),
    platformData: {
      ...(m.aadObjectId ? { aadObjectId: m.aadObjectId } : {}),
      ...(m.userPrincipalName ? { userPrincipalName: m.userPrincipalName } : {}),
      ...((m as { userRole?: string }).userRole ? { userRole: (m as { userRole?: string }).userRole } : {}),
    },
  };
}

export function isNotFound(err: unknown): boolean {
  const e = err as { statusCode?: number; code?: string; body?: { error?: { code?: string } } };
  return e?.statusCode === 404 || e?.code === 'MemberNotFoundInConversation' || e?.body?.error?.code === 'MemberNotFoundInConversation';
}
