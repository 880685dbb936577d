import { TurnContext, type Activity, type ConversationReference } from 'botbuilder';
import { findPersonalRef, upsertConversationRef } from '../db/queries/teams';
import type { ConversationRefRow } from '../db/schema';
import { channelData, conversationBase, conversationKind, referenceTo, teamIdOf } from './activity';
import type { TeamsContext, Turn } from './context';

/**
 * Conversation references and proactive sends. A reference is stored (or refreshed: the serviceUrl can change)
 * from every activity a person sends the bot, so the digest, campaign posts and private notes can reach a
 * channel or a person later, from any replica.
 */
export async function storeReference(ctx: TeamsContext, turn: Turn): Promise<void> {
  const a = turn.tc.activity;
  if (!a.conversation?.id || !a.serviceUrl) return;
  const kind = conversationKind(a);
  const conversationId = conversationBase(a.conversation.id);
  const data = channelData(a);
  const teamId = teamIdOf(a);
  const channelId = kind === 'channel' ? (data.channel?.id ?? conversationId) : null;
  await upsertConversationRef(ctx.db, {
    workspaceId: turn.ws.id,
    conversationId,
    kind,
    teamId,
    channelId,
    personId: kind === 'personal' ? (turn.sender?.id ?? null) : null,
    name: kind === 'channel' ? channelName(data, channelId) : (a.conversation.name ?? null),
    reference: referenceTo(TurnContext.getConversationReference(a), conversationId) as Record<string, unknown>,
    now: ctx.clock(),
  });
}

/** "Support › General": the team's General channel has the team's id and comes without a name. */
function channelName(data: ReturnType<typeof channelData>, channelId: string | null): string | null {
  const channel = data.channel?.name ?? (channelId && channelId === data.team?.id ? 'General' : null);
  if (!channel) return data.team?.name ?? null;
  return data.team?.name ? `${data.team.name} › ${channel}` : channel;
}

/** Sends into a stored conversation (a new post in a channel); returns the new activity's id. */
export async function sendProactive(
  ctx: TeamsContext,
  reference: Partial<ConversationReference>,
  activity: Partial<Activity>,
): Promise<string | undefined> {
  let id: string | undefined;
  await ctx.adapter.proactive(referenceTo(reference), async (tc) => {
    id = (await tc.sendActivity(activity))?.id;
  });
  return id;
}

export function storedReference(row: ConversationRefRow): Partial<ConversationReference> {
  return row.reference as Partial<ConversationReference>;
}

export type PrivateDelivery = 'here' | 'private' | 'public';

/**
 * Tells the sender something only they should see. In a personal chat that is a reply; elsewhere it goes to
 * their personal chat with the bot (the stored one, else a new one: Teams allows that where the app is
 * installed for them or in one of their teams), and only when neither works, as a reply where they wrote.
 */
export async function tellPrivately(ctx: TeamsContext, turn: Turn, message: Partial<Activity>): Promise<PrivateDelivery> {
  const a = turn.tc.activity;
  if (conversationKind(a) === 'personal') {
    await turn.tc.sendActivity(message);
    return 'here';
  }
  const stored = turn.sender ? await findPersonalRef(ctx.db, turn.ws.id, turn.sender.id) : undefined;
  if (stored) {
    try {
      await sendProactive(ctx, storedReference(stored), message);
      return 'private';
    } catch (err) {
      // The person may have removed the app from their personal scope: a new chat may still work.
      ctx.logger.info({ err: errorCode(err) }, 'the stored personal chat did not take a message');
    }
  }
  try {
    await openPersonalChat(ctx, turn, message);
    return 'private';
  } catch (err) {
    ctx.logger.info({ err: errorCode(err) }, 'could not reach a person privately; replying where they wrote');
  }
  await turn.tc.sendActivity(message);
  return 'public';
}

/** Creates the sender's personal chat with the bot, sends `message` there, and remembers the chat. */
async function openPersonalChat(ctx: TeamsContext, turn: Turn, message: Partial<Activity>): Promise<void> {
  const a = turn.tc.activity;
  const params = { isGroup: false, bot: a.recipient, members: [{ id: a.from.id, name: a.from.name }], tenantId: turn.tenant, channelData: { tenant: { id: turn.tenant } } };
  await ctx.adapter.createConversation(a.channelId, a.serviceUrl, params as never, async (tc) => {
    await tc.sendActivity(message);
    const conversationId = tc.activity.conversation?.id;
    if (!conversationId) return;
    await upsertConversationRef(ctx.db, {
      workspaceId: turn.ws.id,
      conversationId,
      kind: 'personal',
      teamId: null,
      channelId: null,
      personId: turn.sender?.id ?? null,
      name: null,
      reference: {
        channelId: a.channelId,
        serviceUrl: a.serviceUrl,
        bot: a.recipient,
        user: { id: a.from.id, name: a.from.name, aadObjectId: a.from.aadObjectId },
        conversation: { id: conversationId, conversationType: 'personal', tenantId: turn.tenant },
      },
      now: ctx.clock(),
    });
  });
}

export function errorCode(err: unknown): string {
  const e = err as { statusCode?: number; code?: string; message?: string };
  return [e?.statusCode, e?.code].filter(Boolean).join(' ') || (err instanceof Error ? err.name : String(err));
}
