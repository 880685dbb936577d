import { randomUUID } from 'node:crypto';

/**
 * Teams activities shaped like Microsoft's published examples (a channel message with mentions, a personal
 * message with a clientInfo time zone, conversationUpdate / installationUpdate on install, messageReaction,
 * composeExtension and task invokes, adaptiveCard/action), with the serviceUrl pointing at the fake connector
 * and the envelope fields the shortened examples leave out filled in.
 */

export const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
export const BOT = { id: '28:c9e8c047-2a74-40a2-b28b-b262d5f5327c', name: 'Kudos' };
export const TEAM = { id: '19:efa9296d959346209fea44151c742e73@thread.tacv2', name: 'Support', aadGroupId: '0f9e7a2d-4d3c-4a5e-8e0f-2c1b3a4d5e6f' };
/** The team's General channel shares the team's id. */
export const GENERAL = TEAM.id;
export const CHANNEL = { id: '19:253b1f341670408fb6fe51050b6e6ceb@thread.tacv2', name: 'Wins' };
export const GROUP_CHAT = '19:3b1cd9d0b4a44ca1a2e6f85bc0f7d1c0@thread.v2';

export interface TeamsUser {
  id: string;
  name: string;
  aadObjectId: string;
}

const user = (key: string, name: string, aad: string): TeamsUser => ({ id: `29:1${key}XJKJMvc5GBtc2JwZq0oj8tHZXzZ1Qoo1SDhKWvGBqm0Yi-1W7qd4Ztw`, name, aadObjectId: aad });
export const GINA = user('Gina', 'Gina Giver', '6b3c2a1e-1111-4c5d-9e8f-000000000001');
export const ALICE = user('Alice', 'Alice Archer', '6b3c2a1e-1111-4c5d-9e8f-000000000002');
export const BOB = user('Bob', 'Bob Baker', '6b3c2a1e-1111-4c5d-9e8f-000000000003');
export const CAROL = user('Carol', 'Carol Chen', '6b3c2a1e-1111-4c5d-9e8f-000000000004');
export const DAN = user('Dan', 'Dan Diaz', '6b3c2a1e-1111-4c5d-9e8f-000000000005');
export const PEOPLE = [GINA, ALICE, BOB, CAROL, DAN];

let seq = 1485983408511;
/** Teams message ids are millisecond timestamps. */
export function nextActivityId(): string {
  return String(++seq);
}

export interface Mentionable {
  id: string;
  name: string;
}

/** The `<at>Name</at>` text and its entity, as Teams writes both. */
export function at(who: Mentionable): { text: string; entity: Record<string, unknown> } {
  const text = `<at>${who.name}</at>`;
  return { text, entity: { type: 'mention', mentioned: { id: who.id, name: who.name }, text } };
}

function base(serviceUrl: string, from: TeamsUser) {
  return {
    id: nextActivityId(),
    timestamp: new Date().toISOString(),
    localTimestamp: new Date().toISOString(),
    channelId: 'msteams',
    serviceUrl,
    from: { id: from.id, name: from.name, aadObjectId: from.aadObjectId },
    recipient: { ...BOT },
    locale: 'en-US',
  };
}

function teamChannelData(channel: { id: string; name?: string } = CHANNEL) {
  return {
    teamsChannelId: channel.id,
    teamsTeamId: TEAM.id,
    channel: channel.name ? { id: channel.id, name: channel.name } : { id: channel.id },
    team: { id: TEAM.id, name: TEAM.name, aadGroupId: TEAM.aadGroupId },
    tenant: { id: TENANT },
  };
}

/**
 * A channel message (Microsoft's published channel example): the conversation id carries `;messageid=` of the
 * thread root, text holds `<at>…</at>` tags, entities the mentions and a clientInfo without a time zone.
 */
export function channelMessage(
  serviceUrl: string,
  opts: { from?: TeamsUser; parts: Array<string | Mentionable>; channel?: { id: string; name?: string }; rootId?: string; id?: string },
) {
  const b = base(serviceUrl, opts.from ?? GINA);
  const id = opts.id ?? b.id;
  const { text, entities } = compose(opts.parts);
  const channel = opts.channel ?? CHANNEL;
  return {
    ...b,
    id,
    type: 'message',
    textFormat: 'plain',
    text,
    attachments: [{ contentType: 'text/html', content: `<div>${text}</div>` }],
    conversation: { isGroup: true, conversationType: 'channel', tenantId: TENANT, id: `${channel.id};messageid=${opts.rootId ?? id}` },
    entities: [...entities, { type: 'clientInfo', locale: 'en-US', country: 'US', platform: 'Windows' }],
    channelData: teamChannelData(channel),
  };
}

/** A personal (1:1) message (Microsoft's published personal example), with the client's IANA time zone. */
export function personalMessage(serviceUrl: string, opts: { from?: TeamsUser; parts: Array<string | Mentionable>; timezone?: string; conversationId?: string }) {
  const from = opts.from ?? GINA;
  const b = base(serviceUrl, from);
  const { text, entities } = compose(opts.parts);
  return {
    ...b,
    type: 'message',
    textFormat: 'plain',
    text,
    conversation: { conversationType: 'personal', tenantId: TENANT, id: opts.conversationId ?? personalChatId(from) },
    entities: [...entities, { type: 'clientInfo', locale: 'en-US', country: 'US', platform: 'Web', timezone: opts.timezone ?? 'America/Los_Angeles' }],
    channelData: { tenant: { id: TENANT } },
  };
}

export function personalChatId(u: TeamsUser): string {
  return `a:1${u.aadObjectId.replace(/-/g, '')}personalchat`;
}

export function groupChatMessage(serviceUrl: string, opts: { from?: TeamsUser; parts: Array<string | Mentionable> }) {
  const b = base(serviceUrl, opts.from ?? GINA);
  const { text, entities } = compose(opts.parts);
  return {
    ...b,
    type: 'message',
    textFormat: 'plain',
    text,
    conversation: { isGroup: true, conversationType: 'groupChat', tenantId: TENANT, id: GROUP_CHAT },
    entities: [...entities, { type: 'clientInfo', locale: 'en-US', country: 'US', platform: 'Mac' }],
    channelData: { tenant: { id: TENANT } },
  };
}

function compose(parts: Array<string | Mentionable>): { text: string; entities: Array<Record<string, unknown>> } {
  const entities: Array<Record<string, unknown>> = [];
  const text = parts
    .map((p) => {
      if (typeof p === 'string') return p;
      const m = at(p);
      entities.push(m.entity);
      return m.text;
    })
    .join('');
  return { text, entities };
}

/** A reaction on one of the bot's messages (`replyToId` is that message's id). */
export function reaction(
  serviceUrl: string,
  opts: { from?: TeamsUser; replyToId: string; conversationId: string; added?: string[]; removed?: string[]; timestamp?: Date },
) {
  const b = base(serviceUrl, opts.from ?? CAROL);
  return {
    ...b,
    ...(opts.timestamp ? { timestamp: opts.timestamp.toISOString() } : {}),
    type: 'messageReaction',
    replyToId: opts.replyToId,
    ...(opts.added ? { reactionsAdded: opts.added.map((type) => ({ type })) } : {}),
    ...(opts.removed ? { reactionsRemoved: opts.removed.map((type) => ({ type })) } : {}),
    conversation: { isGroup: true, conversationType: 'channel', tenantId: TENANT, id: opts.conversationId },
    channelData: { ...teamChannelData(), legacy: { replyToId: opts.replyToId } },
  };
}

/** The bot added to a team (published conversationUpdate example): the installer is `from`. */
export function botAddedToTeam(serviceUrl: string, opts: { from?: TeamsUser } = {}) {
  const b = base(serviceUrl, opts.from ?? GINA);
  return {
    ...b,
    type: 'conversationUpdate',
    membersAdded: [{ id: BOT.id }],
    conversation: { isGroup: true, conversationType: 'channel', tenantId: TENANT, id: GENERAL },
    channelData: { ...teamChannelData({ id: GENERAL }), eventType: 'teamMemberAdded', settings: { selectedChannel: { id: GENERAL } } },
  };
}

export function botRemovedFromTeam(serviceUrl: string, opts: { from?: TeamsUser } = {}) {
  const b = base(serviceUrl, opts.from ?? GINA);
  return {
    ...b,
    type: 'conversationUpdate',
    membersRemoved: [{ id: BOT.id }],
    conversation: { isGroup: true, conversationType: 'channel', tenantId: TENANT, id: GENERAL },
    channelData: { ...teamChannelData({ id: GENERAL }), eventType: 'teamMemberRemoved' },
  };
}

/** installationUpdate (the published example, repaired: it is not valid JSON as printed). */
export function installationUpdate(serviceUrl: string, action: 'add' | 'remove' | 'add-upgrade', opts: { from?: TeamsUser } = {}) {
  const b = base(serviceUrl, opts.from ?? GINA);
  return {
    ...b,
    type: 'installationUpdate',
    action,
    conversation: { isGroup: true, conversationType: 'channel', tenantId: TENANT, id: GENERAL, name: TEAM.name },
    channelData: { ...teamChannelData({ id: GENERAL }), settings: { selectedChannel: { id: GENERAL } }, source: { name: 'message' } },
  };
}

/** The bot added in someone's personal scope. */
export function botAddedPersonally(serviceUrl: string, opts: { from?: TeamsUser } = {}) {
  const from = opts.from ?? GINA;
  const b = base(serviceUrl, from);
  return {
    ...b,
    type: 'conversationUpdate',
    membersAdded: [{ id: BOT.id }],
    conversation: { conversationType: 'personal', tenantId: TENANT, id: personalChatId(from) },
    channelData: { tenant: { id: TENANT } },
  };
}

function invoke(serviceUrl: string, name: string, value: unknown, opts: { from?: TeamsUser; conversation?: Record<string, unknown>; channelData?: Record<string, unknown> }) {
  const b = base(serviceUrl, opts.from ?? GINA);
  return {
    ...b,
    id: `f:${randomUUID()}`,
    type: 'invoke',
    name,
    value,
    conversation: opts.conversation ?? { isGroup: true, conversationType: 'channel', tenantId: TENANT, id: `${CHANNEL.id};messageid=1485983194839` },
    channelData: opts.channelData ?? teamChannelData(),
  };
}

/** The "Give kudos" message action opened on a message (composeExtension/fetchTask with its messagePayload). */
export function messageActionFetch(serviceUrl: string, opts: { from?: TeamsUser; author?: TeamsUser; content?: string } = {}) {
  const author = opts.author ?? ALICE;
  return invoke(
    serviceUrl,
    'composeExtension/fetchTask',
    {
      commandId: 'giveKudos',
      commandContext: 'message',
      context: { theme: 'default' },
      messagePayload: {
        id: '1485983194839',
        replyToId: null,
        createdDateTime: '2026-11-20T10:00:00.000Z',
        messageType: 'message',
        importance: 'normal',
        locale: 'en-us',
        linkToMessage: `https://teams.microsoft.com/l/message/${encodeURIComponent(CHANNEL.id)}/1485983194839`,
        from: { user: { id: author.id, displayName: author.name, userIdentityType: 'aadUser' }, application: null, conversation: null },
        body: { contentType: 'html', content: opts.content ?? '<p>I fixed the refund flow &amp; the export</p>' },
        attachments: [],
        mentions: [],
        reactions: [],
      },
    },
    { from: opts.from },
  );
}

/** The form submitted from the message action (composeExtension/submitAction). */
export function messageActionSubmit(serviceUrl: string, data: Record<string, unknown>, opts: { from?: TeamsUser } = {}) {
  return invoke(serviceUrl, 'composeExtension/submitAction', { commandId: 'giveKudos', commandContext: 'message', context: { theme: 'default' }, data }, opts);
}

export function taskFetch(serviceUrl: string, opts: { from?: TeamsUser; personal?: boolean } = {}) {
  const from = opts.from ?? GINA;
  return invoke(
    serviceUrl,
    'task/fetch',
    { type: 'task/fetch', data: { kudosTask: 'giveKudos' }, context: { theme: 'default' } },
    opts.personal ? { from, conversation: { conversationType: 'personal', tenantId: TENANT, id: personalChatId(from) }, channelData: { tenant: { id: TENANT } } } : { from },
  );
}

export function taskSubmit(serviceUrl: string, data: Record<string, unknown>, opts: { from?: TeamsUser; personal?: boolean } = {}) {
  const from = opts.from ?? GINA;
  return invoke(
    serviceUrl,
    'task/submit',
    { type: 'task/submit', data, context: { theme: 'default' } },
    opts.personal ? { from, conversation: { conversationType: 'personal', tenantId: TENANT, id: personalChatId(from) }, channelData: { tenant: { id: TENANT } } } : { from },
  );
}

/** Universal Action (`Action.Execute`) from a card in a personal chat. */
export function adaptiveCardAction(serviceUrl: string, verb: string, data: Record<string, unknown>, opts: { from?: TeamsUser } = {}) {
  const from = opts.from ?? GINA;
  return invoke(
    serviceUrl,
    'adaptiveCard/action',
    { action: { type: 'Action.Execute', id: 'save', verb, data }, trigger: 'manual' },
    { from, conversation: { conversationType: 'personal', tenantId: TENANT, id: personalChatId(from) }, channelData: { tenant: { id: TENANT } } },
  );
}
