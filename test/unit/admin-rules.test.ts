import { ADMIN_PROFILE_TTL_MS, adminListProblem, adminVia, needsLookup, operatorAdmins, personIds } from '../../src/core/admin';
import { PROFILE_TTL_MS } from '../../src/core/people';

const AAD = '8a6f0c1e-6a4b-4a8e-9a4e-1a2b3c4d5e6f';
const person = (over: Partial<{ external_id: string; is_platform_admin: boolean; is_bot: boolean; is_deleted: boolean; platform_data: Record<string, unknown> }> = {}) => ({
  external_id: 'UALICE',
  is_platform_admin: false,
  is_bot: false,
  is_deleted: false,
  platform_data: {},
  ...over,
});

describe('adminVia: who is an admin, from what is loaded', () => {
  it.each([
    { name: 'nobody special', p: person(), admins: [], seeds: [], flag: true, via: null },
    { name: 'a platform admin with a recent flag', p: person({ is_platform_admin: true }), admins: [], seeds: [], flag: true, via: 'platform' },
    { name: 'a platform admin whose flag is too old to trust', p: person({ is_platform_admin: true }), admins: [], seeds: [], flag: false, via: null },
    { name: 'someone in the admin list', p: person(), admins: ['UALICE'], seeds: [], flag: true, via: 'settings' },
    { name: 'someone in the list and a platform admin (the list says why)', p: person({ is_platform_admin: true }), admins: ['UALICE'], seeds: [], flag: true, via: 'settings' },
    { name: 'someone the operator named', p: person(), admins: [], seeds: ['UALICE'], flag: false, via: 'operator' },
    { name: 'a bot, even listed', p: person({ is_bot: true }), admins: ['UALICE'], seeds: ['UALICE'], flag: true, via: null },
    { name: 'a deactivated platform admin', p: person({ is_deleted: true, is_platform_admin: true }), admins: [], seeds: [], flag: true, via: null },
    { name: 'a Teams person listed by Entra object id', p: person({ external_id: '29:gina', platform_data: { aadObjectId: AAD } }), admins: [AAD], seeds: [], flag: true, via: 'settings' },
    { name: 'a Teams person the operator named by Entra object id', p: person({ external_id: '29:gina', platform_data: { aadObjectId: AAD } }), admins: [], seeds: [AAD], flag: true, via: 'operator' },
  ])('$name → $via', ({ p, admins, seeds, flag, via }) => {
    expect(adminVia(p, { admins }, seeds, flag)).toBe(via);
  });

  it('knows a person by their platform id and, on Teams, their Entra object id', () => {
    expect(personIds(person())).toEqual(['UALICE']);
    expect(personIds(person({ external_id: '29:x', platform_data: { aadObjectId: AAD } }))).toEqual(['29:x', AAD]);
  });
});

describe('needsLookup: when the platform must be asked before deciding (checkAdmin)', () => {
  const now = new Date('2026-03-10T15:00:00Z');
  const fetched = (msAgo: number | null) => ({ ...person(), profile_fetched_at: msAgo === null ? null : new Date(now.getTime() - msAgo) });
  it.each([
    { name: 'someone never seen', p: null, admins: [], seeds: [], lookup: true },
    { name: 'a placeholder made during an outage', p: fetched(null), admins: [], seeds: [], lookup: true },
    { name: 'a profile read 14 minutes ago', p: fetched(14 * 60_000), admins: [], seeds: [], lookup: false },
    { name: 'a profile read exactly 15 minutes ago', p: fetched(ADMIN_PROFILE_TTL_MS), admins: [], seeds: [], lookup: false },
    { name: 'a profile read 16 minutes ago (a demotion or promotion may have happened)', p: fetched(16 * 60_000), admins: [], seeds: [], lookup: true },
    { name: 'someone listed, read 16 minutes ago (the list decides)', p: fetched(16 * 60_000), admins: ['UALICE'], seeds: [], lookup: false },
    { name: 'someone the operator named, read 16 minutes ago', p: fetched(16 * 60_000), admins: [], seeds: ['UALICE'], lookup: false },
    { name: 'someone listed, read more than a day ago', p: fetched(PROFILE_TTL_MS + 1), admins: ['UALICE'], seeds: [], lookup: true },
    { name: 'someone never seen but listed', p: null, admins: ['UALICE'], seeds: [], lookup: true },
  ])('$name → ask: $lookup', ({ p, admins, seeds, lookup }) => {
    expect(needsLookup(p, 'UALICE', { admins }, seeds, now)).toBe(lookup);
  });
});

describe('the keep-at-least-one-admin rule, the same on both platforms', () => {
  it.each([
    { name: 'a list with someone in it', next: ['U1'], platformAdmin: false, operators: [], ok: true },
    { name: 'an empty list while the operator named admins', next: [], platformAdmin: false, operators: ['UOPS'], ok: true },
    { name: 'an empty list emptied by a platform admin', next: [], platformAdmin: true, operators: [], ok: true },
    { name: 'an empty list emptied by a listed admin (Slack or Teams)', next: [], platformAdmin: false, operators: [], ok: false },
  ])('$name → allowed: $ok', ({ next, platformAdmin, operators, ok }) => {
    expect(adminListProblem(next, { platformAdmin, operators }) === null).toBe(ok);
  });
});

describe('operatorAdmins: KUDOS_ADMINS entries each platform can use', () => {
  const seeds = ['UBOB', 'W123ABC', '29:teams-user', AAD, 'not-an-id', 'u123'];
  it.each([
    ['slack', ['UBOB', 'W123ABC']],
    ['teams', ['29:teams-user', AAD]],
  ] as const)('%s', (platform, expected) => {
    expect(operatorAdmins(platform, seeds)).toEqual(expected);
  });
});
