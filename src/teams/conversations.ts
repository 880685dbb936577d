import { TurnContext, type Activity, type ChannelAccount, type ConversationReference } from 'botbuilder';
import type { SendResult } from '../core/ports';
import { findConversationRef, findLatestRef, findPersonalRef, upsertConversationRef } from '../db/queries/teams';
import type { ConversationRefRow, PersonRow, WorkspaceRow } from '../db/schema';
import { channelData, conversationBase, conversationKind, referenceTo, teamIdOf } from './activity';
import type { TeamsContext, Turn } from './context';

/**
 * Conversation references and proactive sends. A reference is stored (or refreshed: the serviceUrl can change)
 * from every activity a person sends the bot, so kudos cards, the digest, campaign posts and private notes can
 * reach a channel or a person later, from any replica, with or without a turn at hand.
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

/**
 * The reference for sending into a conversation the bot has heard from, or undefined when it has not. A channel
 * thread (`<channel>;messageid=<root>`) is reached through its channel's reference.
 */
export async function referenceFor(ctx: TeamsContext, ws: WorkspaceRow, conversationId: string): Promise<Partial<ConversationReference> | undefined> {
  const row = await findConversationRef(ctx.db, ws.id, conversationBase(conversationId));
  return row && referenceTo(storedReference(row), conversationId);
}

export function storedReference(row: ConversationRefRow): Partial<ConversationReference> {
  return row.reference as Partial<ConversationReference>;
}

export type PrivateDelivery = 'here' | 'private' | 'public';

/**
 * Tells the sender something only they should see. In a personal chat that is a reply; elsewhere it goes to
 * their personal chat with the bot (see sendPrivately), and only when that cannot be reached, as a reply where
 * they wrote.
 */
export async function tellPrivately(ctx: TeamsContext, turn: Turn, message: Partial<Activity>): Promise<PrivateDelivery> {
  const a = turn.tc.activity;
  if (conversationKind(a) === 'personal') {
    await turn.tc.sendActivity(message);
    return 'here';
  }
  if (turn.sender) {
    const via = { serviceUrl: a.serviceUrl, channelId: a.channelId, bot: a.recipient };
    if ((await sendPrivately(ctx, turn.ws, turn.sender, message, via)) === 'sent') return 'private';
    ctx.logger.info('could not reach a person privately; replying where they wrote');
  }
  await turn.tc.sendActivity(message);
  return 'public';
}

/** Where a new conversation can be opened: the tenant's Bot Connector, and the bot's account there. */
export interface ConnectorPlace {
  serviceUrl: string;
  channelId: string;
  bot: ChannelAccount;
}

/**
 * A private message to a person: in their personal chat with the bot (the stored one), else in a new one
 * (Teams allows that where the app is installed for them or in one of their teams), opened through `via` or,
 * with no turn at hand, through the connector the tenant was last seen on. `gone` when the person cannot be
 * reached at all (no way to open a chat, or Teams refuses it), `retry` when Teams did not answer.
 */
export async function sendPrivately(
  ctx: TeamsContext,
  ws: WorkspaceRow,
  person: PersonRow,
  message: Partial<Activity>,
  via?: ConnectorPlace,
): Promise<SendResult> {
  const stored = await findPersonalRef(ctx.db, ws.id, person.id);
  if (stored) {
    try {
      await sendProactive(ctx, storedReference(stored), message);
      return 'sent';
    } catch (err) {
      // The person may have removed the app from their personal scope: a new chat may still work.
      ctx.logger.info({ err: errorCode(err) }, 'the stored personal chat did not take a message');
    }
  }
  const place = via ?? connectorPlaceOf(stored ?? (await findLatestRef(ctx.db, ws.id)));
  if (!place) return 'gone';
  try {
    await openPersonalChat(ctx, ws, person, place, message);
    return 'sent';
  } catch (err) {
    ctx.logger.info({ err: errorCode(err) }, 'could not open a personal chat');
    return connectorAnswer(err) === 'unknown' ? 'retry' : 'gone';
  }
}

function connectorPlaceOf(row: ConversationRefRow | undefined): ConnectorPlace | undefined {
  const ref = row && storedReference(row);
  return ref?.serviceUrl && ref.channelId && ref.bot ? { serviceUrl: ref.serviceUrl, channelId: ref.channelId, bot: ref.bot } : undefined;
}

/** Creates a person's personal chat with the bot, sends `message` there, and remembers the chat. */
async function openPersonalChat(ctx: TeamsContext, ws: WorkspaceRow, person: PersonRow, place: ConnectorPlace, message: Partial<Activity>): Promise<void> {
  const tenant = ws.external_id;
  const member = { id: person.external_id, name: person.display_name };
  const params = { isGroup: false, bot: place.bot, members: [member], tenantId: tenant, channelData: { tenant: { id: tenant } } };
  await ctx.adapter.createConversation(place.channelId, place.serviceUrl, params as never, async (tc) => {
    await tc.sendActivity(message);
    const conversationId = tc.activity.conversation?.id;
    if (!conversationId) return;
    const aadObjectId = typeof person.platform_data?.aadObjectId === 'string' ? person.platform_data.aadObjectId : undefined;
    await upsertConversationRef(ctx.db, {
      workspaceId: ws.id,
      conversationId,
      kind: 'personal',
      teamId: null,
      channelId: null,
      personId: person.id,
      name: null,
      reference: {
        channelId: place.channelId,
        serviceUrl: place.serviceUrl,
        bot: place.bot,
        user: { ...member, ...(aadObjectId ? { aadObjectId } : {}) },
        conversation: { id: conversationId, conversationType: 'personal', tenantId: tenant },
      },
      now: ctx.clock(),
    });
  });
}

/** Bot Connector answers that mean the message certainly was not sent, and will not be by trying again. */
const PERMANENT = new Set([400, 403, 404]);
/** Answers that mean "not now" (after botbuilder's own retries of 429). */
const TRANSIENT = new Set([412, 429]);

/**
 * What a failed connector call came to: `permanent` (refused for good: not a member, removed, gone),
 * `transient` (throttled: try again later), or `unknown` (no answer, or a server error: it may have been done).
 */
export function connectorAnswer(err: unknown): 'permanent' | 'transient' | 'unknown' {
  const status = (err as { statusCode?: number })?.statusCode;
  if (status !== undefined && PERMANENT.has(status)) return 'permanent';
  if (status !== undefined && TRANSIENT.has(status)) return 'transient';
  return 'unknown';
}

/** The Retry-After of a throttled call, in seconds, when the connector sent one. */
export function retryAfterSec(err: unknown): number | undefined {
  const headers = (err as { response?: { headers?: { get?: (k: string) => string | undefined } } })?.response?.headers;
  const v = Number(headers?.get?.('retry-after'));
  return Number.isFinite(v) && v > 0 ? v : undefined;
}

export function errorCode(err: unknown): string {
  const e = err as { statusCode?: number; code?: string; message?: string };
  return [e?.statusCode, e?.code].filter(Boolean).join(' ') || (err instanceof Error ? err.name : String(err));
}
