import type { Resolved } from '../../src/core/people';
import { canThank, reactionAim, thanksEmoji } from '../../src/core/reactions';
import { storableText } from '../../src/core/mention';
import { checkMessage, checkRecipients, checkValues } from '../../src/core/rules';
import type { KudosView } from '../../src/core/types';
import type { PersonRow, ValueRow } from '../../src/db/schema';

/** The core's rules as tables: each row is one situation and what the rules decide about it. */

function person(externalId: string, over: Partial<PersonRow> = {}): PersonRow {
  return {
    id: externalId.charCodeAt(1),
    workspace_id: 1,
    external_id: externalId,
    display_name: externalId.toLowerCase(),
    time_zone: 'Europe/Paris',
    is_bot: false,
    is_deleted: false,
    is_platform_admin: false,
    dm_enabled: true,
    rankings_enabled: true,
    platform_data: {},
    profile_fetched_at: new Date('2026-12-01T00:00:00Z'),
    home_opened_at: null,
    created_at: new Date('2026-01-01T00:00:00Z'),
    ...over,
  } as PersonRow;
}

const people = new Map<string, Resolved>([
  ['UGIVER', { found: true, person: person('UGIVER') }],
  ['UALICE', { found: true, person: person('UALICE') }],
  ['UBOB', { found: true, person: person('UBOB') }],
  ['UBOT', { found: true, person: person('UBOT', { is_bot: true }) }],
  ['UGONE', { found: true, person: person('UGONE', { is_deleted: true }) }],
  ['UNOBODY', { found: false, person: null }],
]);

describe('who can be thanked (checkRecipients)', () => {
  it.each([
    ['one colleague', ['UALICE'], [], { valid: ['UALICE'], skipped: [], refusals: [] }],
    ['two colleagues, named twice', ['UALICE', 'UBOB', 'UALICE'], [], { valid: ['UALICE', 'UBOB'], skipped: [], refusals: [] }],
    ['oneself only', ['UGIVER'], [], { valid: [], skipped: [], refusals: [{ code: 'self' }] }],
    ['oneself and a colleague', ['UGIVER', 'UALICE'], [], { valid: ['UALICE'], skipped: [{ userId: 'UGIVER', code: 'self' }], refusals: [] }],
    ['a bot', ['UBOT'], [], { valid: [], skipped: [], refusals: [{ code: 'bot', userId: 'UBOT' }] }],
    ['a deactivated person and a colleague', ['UGONE', 'UBOB'], [], { valid: ['UBOB'], skipped: [{ userId: 'UGONE', code: 'deleted' }], refusals: [] }],
    ['someone the platform does not know', ['UNOBODY'], [], { valid: [], skipped: [], refusals: [{ code: 'unknown_user', userId: 'UNOBODY' }] }],
    ['nobody', [], [], { valid: [], skipped: [], refusals: [{ code: 'no_recipients' }] }],
    ['a user group', [], ['@support'], { valid: [], skipped: [], refusals: [{ code: 'user_group', handles: ['@support'] }] }],
    ['eleven people', Array.from({ length: 11 }, (_, i) => `UP${i}`), [], { valid: [], skipped: [], refusals: [{ code: 'too_many_recipients', max: 10, given: 11 }] }],
  ])('%s', (_name, requested, groups, expected) => {
    const r = checkRecipients('UGIVER', requested, groups, people);
    expect({ valid: r.valid.map((p) => p.external_id), skipped: r.skipped, refusals: r.refusals }).toEqual(expected);
  });
});

describe('what a message must be (checkMessage)', () => {
  it.each([
    ['a specific thank-you', 'for untangling the refund queue', 10, []],
    ['nothing', '', 10, [{ code: 'message_missing' }]],
    ['only spaces', '    ', 10, [{ code: 'message_missing' }]],
    ['only zero-width spaces', '\u200B\u200B\u200B\u200B\u200B\u200B\u200B\u200B\u200B\u200B\u200B', 10, [{ code: 'message_missing' }]],
    ['short, padded with invisible characters', 'thx!\u200B\u200C\u200D\u2060\uFEFF\u200B\u200B', 10, [{ code: 'message_too_short', min: 10 }]],
    ['too short for the workspace', 'thx!', 10, [{ code: 'message_too_short', min: 10 }]],
    ['short, where short is allowed', 'thx!', 1, []],
    ['1,000 characters', 'x'.repeat(1000), 10, []],
    ['1,001 characters', 'x'.repeat(1001), 10, [{ code: 'message_too_long', max: 1000, length: 1001 }]],
  ])('%s', (_name, message, min, expected) => {
    expect(checkMessage(message, { minMessageLength: min })).toEqual(expected);
  });
});

describe('which values a kudos carries (checkValues)', () => {
  const values = [
    { id: 1, slug: 'empathy', label: 'Empathy' },
    { id: 2, slug: 'quick-response', label: 'Quick response' },
  ] as ValueRow[];
  it.each([
    ['no tags, values optional', [], false, [], []],
    ['no tags, a value required', [], true, [], [{ code: 'value_required', values: ['empathy', 'quick-response'] }]],
    ['a known slug', ['empathy'], true, ['empathy'], []],
    ['a slug in capitals', ['EMPATHY'], false, ['empathy'], []],
    ['a label written as a slug', ['quick-response'], false, ['quick-response'], []],
    ['the same value twice', ['empathy', 'empathy'], false, ['empathy'], []],
    ['an unknown tag', ['heroics'], false, [], [{ code: 'unknown_value', unknown: ['heroics'], values: ['empathy', 'quick-response'] }]],
  ])('%s', (_name, tags, required, matched, refusals) => {
    const r = checkValues(tags, values, { valueRequired: required });
    expect({ matched: r.matched.map((v) => v.slug), refusals: r.refusals }).toEqual({ matched, refusals });
  });
});

describe('what a reaction aims at (reactionAim)', () => {
  const post = (giver: string, revoked = false) =>
    ({ id: 7, giver: { id: 1, externalId: giver, displayName: giver }, recipients: [{ id: 2, externalId: 'UALICE', displayName: 'alice' }], revokedAt: revoked ? new Date() : null }) as KudosView;
  it.each([
    ['a colleague’s message', 'UBOB', { kind: 'message', author: 'UALICE', permalink: null }, undefined, 'message'],
    ['one’s own message', 'UALICE', { kind: 'message', author: 'UALICE', permalink: null }, undefined, 'ignore:own_message'],
    ['a kudos post by someone else', 'UBOB', { kind: 'post' }, post('UGIVER'), 'pileon'],
    ['one’s own kudos post', 'UGIVER', { kind: 'post' }, post('UGIVER'), 'ignore:own_kudos'],
    ['a withdrawn kudos post', 'UBOB', { kind: 'post' }, post('UGIVER', true), 'ignore:not_a_kudos_post'],
    ['another of the bot’s messages (a digest)', 'UBOB', { kind: 'post' }, undefined, 'ignore:not_a_kudos_post'],
  ] as const)('%s', (_name, reactor, on, parent, expected) => {
    const aim = reactionAim({ reactor, on }, parent);
    expect(aim.kind === 'ignore' ? `ignore:${aim.why}` : aim.kind).toBe(expected);
  });
});

describe('which emoji mean thanks (thanksEmoji)', () => {
  const values = [
    { slug: 'ownership', emoji: 'muscle' },
    { slug: 'empathy', emoji: 'heart' },
  ];
  it.each([
    ['a thank-you reaction', 'clap', []],
    ['a value’s emoji', 'muscle', ['ownership']],
    ['a value’s emoji that is also a thank-you reaction', 'heart', ['empathy']],
    ['any other emoji', 'eyes', null],
  ])('%s', (_name, emoji, expected) => {
    expect(thanksEmoji(emoji, values, ['clap', 'heart', 'tada'])).toEqual(expected);
  });
});

describe('who takes part in a reaction kudos (canThank)', () => {
  it.each([
    ['a colleague', people.get('UALICE'), true],
    ['a bot', people.get('UBOT'), false],
    ['a deactivated person', people.get('UGONE'), false],
    ['someone the platform does not know', people.get('UNOBODY'), false],
    ['nobody at all', undefined, false],
  ])('%s', (_name, p, expected) => {
    expect(canThank(p)).toBe(expected);
  });
});

describe('what a message can hold (storableText)', () => {
  it.each([
    ['plain text', 'for the fix', 'for the fix'],
    ['line breaks and tabs', 'for the fix\n\tand the docs', 'for the fix\n\tand the docs'],
    ['a NUL', 'for the\u0000 fix', 'for the fix'],
    ['other control characters', '\u0007for\u001B the fix\u007F', 'for the fix'],
    ['emoji and accents', 'merci Zoë 🎉', 'merci Zoë 🎉'],
  ])('%s', (_name, input, expected) => {
    expect(storableText(input)).toBe(expected);
  });
});
