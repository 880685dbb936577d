import type { Activity, ChannelAccount, ConversationReference, Entity } from 'botbuilder';
import type { ConversationKind } from '../db/schema';

/**
 * Reading what Teams sends. `channelData.tenant.id`, `channelData.team.id` and `channelData.channel.id` are
 * authoritative; everything else here is a fallback for the Bot Framework Emulator, which has no tenant.
 */

type ChannelData = {
  tenant?: { id?: string };
  team?: { id?: string; name?: string; aadGroupId?: string };
  channel?: { id?: string; name?: string };
  eventType?: string;
  settings?: { selectedChannel?: { id?: string } };
};

/** The tenant key every workspace row uses for the Emulator, which sends none. */
export const EMULATOR_TENANT = 'emulator';

export function channelData(a: Partial<Activity>): ChannelData {
  return (a.channelData ?? {}) as ChannelData;
}

export function tenantOf(a: Partial<Activity>): string | null {
  const t = channelData(a).tenant?.id ?? a.conversation?.tenantId;
  if (typeof t === 'string' && t) return t;
  return a.channelId === 'emulator' ? EMULATOR_TENANT : null;
}

export function teamIdOf(a: Partial<Activity>): string | null {
  return channelData(a).team?.id ?? null;
}

/** A channel reply's conversation id carries `;messageid=<root>`; the channel itself is what comes before. */
export function conversationBase(conversationId: string): string {
  const i = conversationId.indexOf(';');
  return i === -1 ? conversationId : conversationId.slice(0, i);
}

export function conversationKind(a: Partial<Activity>): ConversationKind {
  const type = a.conversation?.conversationType;
  if (type === 'channel' || channelData(a).channel?.id) return 'channel';
  if (type === 'groupChat' || a.conversation?.isGroup) return 'groupChat';
  return 'personal';
}

/** The bot itself is `recipient`; Teams bot ids start with `28:`. */
export function isBotAccount(a: Partial<Activity>, account: Partial<ChannelAccount> | undefined): boolean {
  return !!account?.id && (account.id === a.recipient?.id || account.id.startsWith('28:'));
}

export function mentionEntities(a: Partial<Activity>): Array<{ id: string; name: string; text: string }> {
  return (a.entities ?? []).flatMap((e: Entity) => {
    const m = e as Entity & { mentioned?: { id?: string; name?: string }; text?: string };
    if (e.type !== 'mention' || !m.mentioned?.id) return [];
    return [{ id: m.mentioned.id, name: m.mentioned.name ?? '', text: m.text ?? '' }];
  });
}

/** The sender's IANA time zone from the clientInfo entity, when the client sent one (personal chats do). */
export function clientTimeZone(a: Partial<Activity>): string | null {
  const info = (a.entities ?? []).find((e) => e.type === 'clientInfo') as (Entity & { timezone?: unknown }) | undefined;
  return typeof info?.timezone === 'string' && info.timezone ? info.timezone : null;
}

/**
 * What an inbound activity is, for the inbox: a re-delivery carries the same id in the same conversation.
 * Invokes are answered in the HTTP response and never stored.
 */
export function deliveryKey(a: Partial<Activity>, tenant: string): string | null {
  if (!a.id || !a.conversation?.id) return null;
  return `${tenant}|${a.type}|${conversationBase(a.conversation.id)}|${a.id}`;
}

/** The reference a proactive post needs, to the conversation as a whole (not a reply to one activity). */
export function referenceTo(ref: Partial<ConversationReference>, conversationId?: string): Partial<ConversationReference> {
  const { activityId: _ignored, ...rest } = ref;
  return conversationId ? { ...rest, conversation: { ...(rest.conversation ?? {}), id: conversationId } as ConversationReference['conversation'] } : rest;
}
