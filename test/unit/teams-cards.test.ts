import { DEFAULT_SETTINGS, type Settings } from '../../src/core/settings';
import type { KudosView } from '../../src/core/types';
import { emojiFor, xmlEscape } from '../../src/teams/cards/common';
import { refusalsByField as formErrors } from '../../src/core/refusals';
import { giveFormCard, splitChoices } from '../../src/teams/cards/give-form';
import { kudosCard } from '../../src/teams/cards/kudos-card';
import { forTeams, helpCard } from '../../src/teams/cards/messages';
import { readSettingForm } from '../../src/core/settings-form';
import { CARD_INPUTS, CARD_KEYS, errorId, NONE, settingsCard } from '../../src/teams/cards/settings-card';
import { cardForms } from '../../src/teams/handlers/settings';
import { kudosView } from '../helpers/kudos-view';

const person = (id: number, name: string) => ({ id, externalId: `29:1p${id}`, displayName: name });

function view(over: Partial<KudosView> = {}): KudosView {
  return kudosView({
    source: 'teams_message',
    giver: person(1, 'Gina'),
    recipients: [person(2, 'Alice'), person(3, 'Bob <& Co>')],
    message: 'for helping <@29:1p2> ship the fix',
    ...over,
  });
}

/** Every `<at>…</at>` in the card's text must have an entity with exactly that text, or Teams shows it raw. */
function mentionsMatch(card: any): void {
  const texts = JSON.stringify(card.body).match(/<at>[^<]*<\/at>/g) ?? [];
  const entityTexts = new Set((card.msteams?.entities ?? []).map((e: any) => e.text));
  for (const t of texts) expect(entityTexts.has(t)).toBe(true);
}

describe('kudos card', () => {
  it('is an Adaptive Card 1.5 whose mentions match their entities, names XML-escaped', () => {
    const card = kudosCard(view());
    expect(card.version).toBe('1.5');
    mentionsMatch(card);
    expect(card.msteams?.entities).toEqual(
      expect.arrayContaining([{ type: 'mention', text: `<at>${xmlEscape('Bob <& Co>')}</at>`, mentioned: { id: '29:1p3', name: 'Bob <& Co>' } }]),
    );
    expect(JSON.stringify(card)).toContain('for helping <at>Alice</at> ship the fix');
  });

  it('shows who joined in, and a withdrawn kudos struck through without the reaction hint', () => {
    expect(JSON.stringify(kudosCard(view(), ['Carol', 'Dan']))).toContain('Thanks added by Carol and Dan');
    const withdrawn = JSON.stringify(kudosCard(view({ revokedAt: new Date() })));
    expect(withdrawn).toContain('~~');
    expect(withdrawn).toContain('Withdrawn by Gina');
    expect(withdrawn).not.toContain('React to this message');
  });

  it('a typed <at> in a message cannot forge a mention', () => {
    const card = kudosCard(view({ message: 'thanks <at>Boss</at>!' }));
    mentionsMatch(card);
    expect(JSON.stringify(card)).not.toContain('<at>Boss</at>');
  });
});

describe('give form', () => {
  const values = [
    { slug: 'ownership', label: 'Ownership', emoji: 'muscle' },
    { slug: 'empathy', label: 'Empathy', emoji: 'heart' },
  ];
  const ids = (card: any) => card.body.map((b: any) => b.id).filter(Boolean);

  it('has the people picker, the values and the message, and carries the form id', () => {
    const card = giveFormCard({ values, valueRequired: true, minMessageLength: 10, context: { formId: 'f-1234567890' } });
    expect(ids(card)).toEqual(['recipients', 'values', 'message']);
    expect(card.body.find((b: any) => b.id === 'values')).toMatchObject({ isRequired: true, isMultiSelect: true });
    expect(card.actions?.[0]).toMatchObject({ type: 'Action.Submit', data: { kudosForm: 'give', formId: 'f-1234567890' } });
  });

  it('puts each refusal under its field', () => {
    const errors = formErrors(
      [{ code: 'self' }, { code: 'message_too_short', min: 10 }, { code: 'unknown_value', unknown: ['x'], values: ['ownership'] }, { code: 'allowance', left: 0, limit: 5, wanted: 1 }],
      true,
      (id) => id,
    );
    expect(Object.keys(errors).sort()).toEqual(['message', 'recipients', 'values']);
    expect(errors.recipients).toContain("can't give kudos to yourself");
    expect(errors.recipients).toContain('all 5 of today');
    const card = giveFormCard({ values, valueRequired: false, minMessageLength: 10, context: { formId: 'f-1234567890' }, errors });
    expect(ids(card)).toEqual(['recipients', 'recipients-error', 'values', 'values-error', 'message', 'message-error']);
  });

  it('without values there is no values field, and value refusals go under the message', () => {
    expect(formErrors([{ code: 'value_required', values: [] }], false, (id) => id)).toHaveProperty('message');
  });

  it.each([
    ['a,b, c', ['a', 'b', 'c']],
    ['', []],
    [['a', '', 'b'], ['a', 'b']],
    [undefined, []],
    ['a,a', ['a']],
  ])('splits a multi-select value %p', (raw, out) => {
    expect(splitChoices(raw)).toEqual(out);
  });
});

describe('settings card', () => {
  const current: Settings = structuredClone(DEFAULT_SETTINGS) as Settings;
  current.admins = ['29:1admin'];
  const versions = Object.fromEntries(Object.keys(DEFAULT_SETTINGS).map((k) => [k, 2])) as Record<keyof Settings, number>;

  it('offers the known channels and people and carries each setting\'s version', () => {
    const card = settingsCard({ settings: current, versions, channels: [{ id: '19:c@thread.tacv2', name: 'Team › Wins' }], people: [{ id: '29:1admin', name: 'Ada' }], workspaceTimeZone: 'UTC' });
    const action = card.actions?.[0] as any;
    expect(action).toMatchObject({ type: 'Action.Execute', verb: 'saveSettings', fallback: { type: 'Action.Submit' } });
    expect(Object.keys(action.data.versions)).toEqual([...CARD_KEYS]);
    const digestChannel = card.body.find((b: any) => b.id === 'digestChannel') as any;
    expect(digestChannel.choices).toEqual([{ title: 'The kudos channel', value: NONE }, { title: 'Team › Wins', value: '19:c@thread.tacv2' }]);
  });

  it('turns a submission into the core forms: only the inputs sent, "none" as empty', () => {
    const forms = cardForms({ versions: { allowancePerDay: 4 }, allowancePerDay: '', minMessageLength: 10, kudosChannel: NONE, digestEnabled: 'true', digestChannel: '19:c@thread.tacv2', admins: '29:1admin' });
    expect(forms).toEqual({
      allowancePerDay: { limit: '' },
      minMessageLength: { min: '10' },
      kudosChannel: { channel: '' },
      digest: { enabled: 'true', channel: '19:c@thread.tacv2' },
      admins: { admins: '29:1admin' },
    });
    expect(readSettingForm('digest', forms.digest!, current)).toEqual({ ok: true, value: { ...current.digest, channel: '19:c@thread.tacv2' } });
    expect(readSettingForm('allowancePerDay', forms.allowancePerDay!, current)).toEqual({ ok: true, value: null });
  });

  it('never trusts the card: bad numbers are errors of their own inputs', () => {
    const forms = cardForms({ allowancePerDay: '-3', minMessageLength: 'ten' });
    expect(Object.keys((readSettingForm('allowancePerDay', forms.allowancePerDay!, current) as any).errors)).toEqual([CARD_INPUTS.allowancePerDay.field]);
    expect(Object.keys((readSettingForm('minMessageLength', forms.minMessageLength!, current) as any).errors)).toEqual([CARD_INPUTS.minMessageLength.field]);
  });

  it('shows each error right below its input', () => {
    const card = settingsCard({ settings: current, versions, channels: [], people: [], workspaceTimeZone: 'UTC', errors: { digestTimeZone: 'Not a zone.' } });
    const ids = card.body.map((b: any) => b.id);
    expect(ids[ids.indexOf('digestTimeZone') + 1]).toBe(errorId('digestTimeZone'));
    expect(card.body.find((b: any) => b.id === errorId('digestTimeZone'))).toMatchObject({ text: 'Not a zone.', color: 'Attention' });
    expect(ids.filter((id: unknown) => typeof id === 'string' && id.endsWith('Error'))).toEqual([errorId('digestTimeZone')]);
  });
});

describe('wording for Teams', () => {
  it("says the core's command the Teams way", () => {
    expect(forTeams('like `/thanks @alex for the quick fix`.', 'Kudos')).toBe('like `@Kudos thanks @alex for the quick fix`.');
  });

  it('maps value emoji to Unicode, with a medal for unknown ones', () => {
    expect(emojiFor('muscle')).toBe('💪');
    expect(emojiFor('custom_thing')).toBe('🏅');
    expect(emojiFor('constructor')).toBe('🏅');
  });

  it('the help card shows admins the settings command, and only them', () => {
    expect(JSON.stringify(helpCard([], 5, 10, 'Kudos', true))).toContain('`settings`');
    expect(JSON.stringify(helpCard([], 5, 10, 'Kudos', false))).not.toContain('`settings`');
  });
});
