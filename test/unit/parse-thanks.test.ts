import fc from 'fast-check';
import { parseThanks, type ParsedThanks } from '../../src/core/parse-thanks';

const give = (text: string): ParsedThanks => {
  const c = parseThanks(text);
  if (c.kind !== 'give') throw new Error(`expected give, got ${c.kind}`);
  return c.draft;
};

describe('parsing /thanks', () => {
  it.each([
    ['', 'open_modal'],
    ['   ', 'open_modal'],
    ['help', 'help'],
    ['HELP', 'help'],
    ['__proto__', 'give'],
    ['constructor', 'give'],
    ['stats', 'stats'],
    [' undo ', 'undo'],
    ['<@U1> for help', 'give'],
  ])('%p is %s', (text, kind) => {
    expect(parseThanks(text).kind).toBe(kind);
  });

  it.each([
    [
      'escaped mentions, message and values',
      '<@U123> <@W456> for fixing the refund flow #ownership #empathy',
      { recipients: ['U123', 'W456'], userGroups: [], values: ['ownership', 'empathy'], message: 'for fixing the refund flow' },
    ],
    ['legacy mentions with names', '<@U123|alice> and <@U456|bob>, for the demo', { recipients: ['U123', 'U456'], values: [], message: 'for the demo' }],
    ['a value that is also a channel name', '<@U1> for listening <#C123|empathy>', { recipients: ['U1'], values: ['empathy'], message: 'for listening' }],
    ['a user group', '<!subteam^S1|@support> for the outage', { recipients: [], userGroups: ['@support'], message: 'for the outage' }],
    ['repeated people and tags', '<@U1> <@U1> for the calm #Empathy #empathy', { recipients: ['U1'], values: ['empathy'], message: 'for the calm' }],
    ['people inside the sentence stay in it', '<@U1> for helping <@U2> ship #ownership', { recipients: ['U1', 'U2'], values: ['ownership'], message: 'for helping <@U2> ship' }],
    ['escaped characters', '<@U1> for R&amp;D &lt;3', { message: 'for R&D <3' }],
    ['broadcasts are defused', '<@U1> you rock <!channel>', { message: 'you rock @channel' }],
    ['#1 is not a value', '<@U1> for being #1', { values: [], message: 'for being #1' }],
    ['a mid-sentence tag is a value and stays readable', '<@U1> for great #ownership of the incident', { values: ['ownership'], message: 'for great #ownership of the incident' }],
  ])('reads %s', (_name, text, expected) => {
    expect(give(text)).toMatchObject(expected);
  });

  it('never throws, whatever the text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (s) => {
        const c = parseThanks(s);
        expect(['open_modal', 'help', 'stats', 'undo', 'give']).toContain(c.kind);
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on text made of Slack entities and escapes', () => {
    const piece = fc.oneof(
      fc.constantFrom('<@U1>', '<@W2|x>', '<#C1|empathy>', '<#C2>', '<!subteam^S1|@t>', '<!here>', '&amp;', '&lt;', '&gt;', '#', '#a', ' ', '<', '>', '|', '@'),
      fc.string({ maxLength: 5 }),
    );
    fc.assert(fc.property(fc.array(piece, { maxLength: 40 }), (parts) => void parseThanks(parts.join(''))), { numRuns: 2000 });
  });

  // Generated commands: the people, values and message that went in come back out.
  const userId = fc.stringMatching(/^[UW][A-Z0-9]{2,10}$/);
  const slug = fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/);
  const JOINERS = ['and', 'to', 'thanks', 'thank', 'you', '&', '+'];
  const word = fc
    .stringMatching(/^[A-Za-z0-9&<>'!?.,()-]{1,12}$/)
    // Words that are only joiners ("and", "&,", "to,") read as part of the list of people, as a user means them.
    .filter((w) => !w.split(/,+/).filter(Boolean).every((part) => JOINERS.includes(part.toLowerCase())) && !/^[,.;!]+$/.test(w) && !/^[-:;,]/.test(w));
  const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

  it('recovers mentions, values and the message from generated commands', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(userId, { minLength: 1, maxLength: 10 }),
        fc.array(word, { minLength: 1, maxLength: 15 }),
        fc.uniqueArray(slug, { maxLength: 4 }),
        fc.boolean(),
        (people, words, values, legacy) => {
          const message = words.join(' ');
          const mentions = people.map((id) => (legacy ? `<@${id}|name>` : `<@${id}>`)).join(' ');
          const tags = values.map((v) => `#${v}`).join(' ');
          const draft = give(`${mentions} ${escape(message)} ${tags}`.trim());
          expect(draft.recipients).toEqual(people);
          expect(draft.values).toEqual(values);
          expect(draft.message).toBe(message);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
