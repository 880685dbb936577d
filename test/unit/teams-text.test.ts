import type { Activity } from 'botbuilder';
import { parseThanks } from '../../src/core/parse-thanks';
import { conversationBase, conversationKind, deliveryKey, tenantOf } from '../../src/teams/activity';
import { plainCommand, thanksTextFromActivity } from '../../src/teams/text';

const BOT = { id: '28:c9e8c047-2a74-40a2-b28b-b262d5f5327c', name: 'Teams TestBot' };
const JING = { id: '29:1jnFbZYs0qXMkAqc6hJq-yXN6g', name: 'Jingjing Xia' };
const RICH = { id: '29:1XJKJMvc5GBtc2JwZq0oj8tH', name: 'Richard Moe' };
const mention = (who: { id: string; name: string }, text = `<at>${who.name}</at>`) => ({ type: 'mention', mentioned: who, text });

describe('Teams message text → the form parseThanks reads', () => {
  it.each([
    [
      "Microsoft's channel example: the bot's mention goes, a person's becomes <@id>",
      { text: '<at>Teams TestBot</at> Hello <at>Jingjing Xia</at>', entities: [mention(BOT), mention(JING)] },
      `Hello <@${JING.id}>`,
    ],
    [
      "the person's own &, < and > are escaped",
      { text: '<at>Teams TestBot</at> thanks <at>Jingjing Xia</at> for R&D <3', entities: [mention(BOT), mention(JING)] },
      `thanks <@${JING.id}> for R&amp;D &lt;3`,
    ],
    [
      'entity text that differs from the message text (the docs example) still matches by name',
      { text: '<at>Teams TestBot</at> <at>Jingjing Xia</at> for the demo', entities: [mention(BOT, '<at>@Teams TestBot</at>'), mention(JING, '<at>@Jingjing Xia</at>')] },
      `<@${JING.id}> for the demo`,
    ],
    ['a tag without an entity stays as words', { text: '<at>Nobody</at> for help', entities: [] }, '@Nobody for help'],
    [
      'two people with the same name are told apart by entity order',
      { text: '<at>Sam</at> and <at>Sam</at> for the cover', entities: [mention({ id: '29:1samA', name: 'Sam' }), mention({ id: '29:1samB', name: 'Sam' })] },
      '<@29:1samA> and <@29:1samB> for the cover',
    ],
    [
      'another bot or a channel mention is kept as a name, never as a recipient',
      { text: '<at>Deploy</at> and <at>General</at> thanks', entities: [mention({ id: '28:deploy', name: 'Deploy' }), mention({ id: '19:general@thread.tacv2', name: 'General' })] },
      '@Deploy and @General thanks',
    ],
    ['no text at all', { entities: [] }, ''],
  ])('%s', (_name, activity, expected) => {
    expect(thanksTextFromActivity({ ...activity, recipient: BOT })).toBe(expected);
  });

  it('parses into recipients, message and values with the shared parser', () => {
    const text = thanksTextFromActivity({
      recipient: BOT,
      text: '<at>Teams TestBot</at> thanks <at>Jingjing Xia</at> <at>Richard Moe</at> for the launch & the docs #Ownership #empathy',
      entities: [mention(BOT), mention(JING), mention(RICH)],
    });
    expect(parseThanks(text)).toEqual({
      kind: 'give',
      draft: { recipients: [JING.id, RICH.id], userGroups: [], values: ['ownership', 'empathy'], message: 'for the launch & the docs' },
    });
  });

  it.each([
    ['<at>Teams TestBot</at> help', 'help'],
    ['<at>Teams TestBot</at>   Settings ', 'settings'],
    ['stats', 'stats'],
  ])('keywords: %s', (text, word) => {
    expect(plainCommand({ recipient: BOT, text, entities: [mention(BOT)] })).toBe(word);
  });
});

describe('Teams activity fields', () => {
  it('reads tenant, conversation and kind the way Teams sends them', () => {
    const channel = { conversation: { id: '19:abc@thread.tacv2;messageid=123', conversationType: 'channel' }, channelData: { tenant: { id: 't1' }, channel: { id: '19:abc@thread.tacv2' } } } as never as Activity;
    expect(tenantOf(channel)).toBe('t1');
    expect(conversationBase(channel.conversation.id)).toBe('19:abc@thread.tacv2');
    expect(conversationKind(channel)).toBe('channel');
    expect(conversationKind({ conversation: { id: '19:x@thread.v2', conversationType: 'groupChat', isGroup: true } } as never)).toBe('groupChat');
    expect(conversationKind({ conversation: { id: 'a:1', conversationType: 'personal' } } as never)).toBe('personal');
    expect(tenantOf({ channelId: 'emulator', conversation: { id: 'c1' } } as never)).toBe('emulator');
    expect(tenantOf({ channelId: 'msteams', conversation: { id: 'c1' } } as never)).toBeNull();
  });

  it('keys a delivery by tenant, type, conversation and activity id; nothing to key without an id', () => {
    const a = { id: '42', type: 'message', conversation: { id: '19:abc@thread.tacv2;messageid=1' } };
    expect(deliveryKey(a as never, 't1')).toBe('t1|message|19:abc@thread.tacv2|42');
    expect(deliveryKey({ ...a, id: undefined } as never, 't1')).toBeNull();
  });
});
