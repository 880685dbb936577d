import type { KudosView } from '../../src/core/types';
import { kudosDmMessage, postNotice, reactionAllowanceMessage } from '../../src/teams/cards/messages';
import { kudosView } from '../helpers/kudos-view';

/** What Teams tells one person privately: recipients about their kudos, givers about a card that did not go out. */
const person = (id: number, name: string) => ({ id, externalId: `29:1p${id}`, displayName: name });

function view(over: Partial<KudosView> = {}): KudosView {
  return kudosView({
    source: 'teams_message',
    giver: person(1, 'Gina'),
    recipients: [person(2, 'Alice'), person(3, 'Bob')],
    message: 'for pairing with <@29:1p3> on the fix',
    ...over,
  });
}

describe('Teams private notes', () => {
  it('a single written kudos reaches its recipient as itself: giver, message with names, values', () => {
    const text = kudosDmMessage([view()]);
    expect(text).toContain('**Gina**');
    expect(text).toContain('for pairing with **Bob** on the fix');
    expect(text).toContain('💪 Ownership');
    expect(text).not.toContain('<@');
  });

  it('several kudos (or one without words) become one summary naming each giver once', () => {
    const text = kudosDmMessage([view(), view({ id: 2, giver: person(4, 'Dan'), message: '' }), view({ id: 3 })]);
    expect(text).toContain('3 kudos');
    expect(text.match(/\*\*Gina\*\*/g)).toHaveLength(1);
    expect(text).toContain('**Dan**');
    expect(kudosDmMessage([view({ message: '' })])).toContain('a kudos from **Gina**');
  });

  it('a typed <at> in a message never becomes a mention', () => {
    expect(kudosDmMessage([view({ message: 'for <at>everyone</at> and more' })])).not.toContain('<at>');
  });

  it('the giver hears about a card that did not go out, and nothing when it did', () => {
    expect(postNotice({ status: 'posted', channelId: '19:c', ts: '1' })).toBeNull();
    expect(postNotice({ status: 'claimed_elsewhere' })).toBeNull();
    for (const outcome of [
      { status: 'failed', channelId: null, reason: '403' },
      { status: 'later', channelId: '19:c', afterMs: 30_000, reason: '429' },
      { status: 'unknown', channelId: '19:c', reason: 'timeout' },
    ] as const) {
      expect(postNotice(outcome)).toMatch(/recorded and counts/);
    }
  });

  it('the allowance note names recipients in bold, never as mentions', () => {
    const text = reactionAllowanceMessage({ code: 'allowance', left: 1, limit: 5, wanted: 2 }, new Map([['29:1p2', 'Alice']]));
    expect(text).toContain('not enough for 2 people');
    expect(text).not.toContain('<at>');
  });
});
