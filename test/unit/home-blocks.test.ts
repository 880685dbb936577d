import { describeAudit } from '../../src/core/audit-text';
import type { HomeData } from '../../src/core/home';
import { DEFAULT_SETTINGS, type Settings } from '../../src/core/settings';
import type { AuditEntry } from '../../src/core/admin-home';
import { readSettingForm } from '../../src/core/settings-form';
import { digestPreviewModal } from '../../src/slack/blocks/admin-notices';
import { slackAuditFormat } from '../../src/slack/blocks/audit-lines';
import { customFormModal, customListModal } from '../../src/slack/blocks/custom-observance-modals';
import { blockTextLength } from '../../src/slack/blocks/digest';
import { homeView } from '../../src/slack/blocks/home';
import { HOME_SETTINGS, type AdminHome } from '../../src/slack/blocks/home-admin';
import { HOME_BLOCK } from '../../src/slack/blocks/home-kit';
import { failureReason } from '../../src/slack/blocks/home-runs';
import { settingErrorBlocks, settingModal } from '../../src/slack/blocks/setting-modal';
import { valueFormModal, valuesListModal } from '../../src/slack/blocks/value-modals';
import { customFormOf, settingFormOf, valueFormOf } from '../../src/slack/view-state';
import type { KnownBlock, ModalView } from '../../src/slack/types';
import type { ValueRow } from '../../src/db/schema';
import { actionIds, formState, state, viewText } from '../helpers/slack-views';

const long = (n: number) => 'word '.repeat(Math.ceil(n / 5)).slice(0, n);

function home(over: Partial<HomeData> = {}): HomeData {
  return {
    person: { id: 1, externalId: 'UALICE', displayName: 'alice', dmEnabled: true, rankingsEnabled: true },
    week: { given: 0, received: 0 },
    allTime: { given: 0, received: 0 },
    allowance: { limit: 5, used: 0, left: 5 },
    topValues: [],
    latest: [],
    challenge: null,
    timeZone: 'UTC',
    ...over,
  };
}

const audit = (i: number, over: Partial<AuditEntry> = {}): AuditEntry => ({
  id: i,
  action: 'setting.update',
  target: 'minMessageLength',
  before: i,
  after: i + 1,
  createdAt: new Date(Date.UTC(2026, 10, 1, 12, i)),
  actorExternalId: 'UADMIN',
  actorName: 'ada',
  ...over,
});

function admin(over: Partial<AdminHome> = {}, settings: Settings = DEFAULT_SETTINGS as Settings): AdminHome {
  return {
    via: 'platform',
    settings,
    workspaceTimeZone: 'Europe/Paris',
    values: { active: [{ slug: 'empathy', label: 'Empathy', emoji: 'heart' }], inactive: 0 },
    operatorAdmins: [],
    digest: { zone: 'UTC', next: new Date('2026-11-27T16:00:00Z'), latest: { key: '2026-W47', dueAt: new Date('2026-11-20T16:00:00Z'), target: null, run: null } },
    runs: [],
    audit: { entries: [], total: 0 },
    ...over,
  };
}

/** Slack's limits for every block of a view. */
function expectWithinLimits(view: { blocks: unknown[] }, maxBlocks = 100) {
  expect(view.blocks.length).toBeLessThanOrEqual(maxBlocks);
  for (const b of view.blocks as any[]) {
    if (b.type === 'section' && b.text) expect(b.text.text.length).toBeLessThanOrEqual(3000);
    if (b.type === 'section' && b.fields) for (const f of b.fields) expect(f.text.length).toBeLessThanOrEqual(2000);
    if (b.type === 'header') expect(b.text.text.length).toBeLessThanOrEqual(150);
    if (b.type === 'context') expect(b.elements.length).toBeLessThanOrEqual(10);
    if (b.type === 'actions') expect(b.elements.length).toBeLessThanOrEqual(25);
    for (const el of [b.accessory, b.element, ...(b.elements ?? [])].filter(Boolean)) {
      if (el.type === 'button') expect(el.text.text.length).toBeLessThanOrEqual(75);
      if (el.options) expect(el.options.length).toBeLessThanOrEqual(100);
      if (el.action_id) expect(el.action_id.length).toBeLessThanOrEqual(255);
    }
    if (b.block_id) expect(b.block_id.length).toBeLessThanOrEqual(255);
  }
}

function expectModalLimits(view: ModalView) {
  expectWithinLimits(view);
  expect(view.title.text.length).toBeLessThanOrEqual(24);
  if (view.submit) expect(view.submit.text.length).toBeLessThanOrEqual(24);
  if (view.close) expect(view.close.text.length).toBeLessThanOrEqual(24);
  expect((view.private_metadata ?? '').length).toBeLessThanOrEqual(3000);
  expect(view.callback_id!.length).toBeLessThanOrEqual(255);
}

describe('the App Home view', () => {
  it('stays within 100 blocks and each block within its limits, whatever the data', () => {
    const values = Array.from({ length: 300 }, (_, i) => ({ slug: `v${i}`, label: long(200), emoji: 'star', count: 300 - i }));
    const settings: Settings = {
      ...(DEFAULT_SETTINGS as Settings),
      reactionEmoji: Array.from({ length: 50 }, (_, i) => `emoji_${i}`),
      admins: Array.from({ length: 200 }, (_, i) => `U${String(i).padStart(8, '0')}`),
      observances: {
        ...DEFAULT_SETTINGS.observances,
        custom: Array.from({ length: 50 }, (_, i) => ({ id: `c${i}`, name: long(60), rule: { kind: 'fixed' as const, month: 1, day: 1 + (i % 28) }, message: long(1000), days: 3 })),
      },
    };
    const view = homeView({
      notice: { kind: 'warn', text: long(5000) },
      home: home({
        allTime: { given: 10_000, received: 10_000 },
        week: { given: 50, received: 70 },
        topValues: values,
        latest: Array.from({ length: 5 }, (_, i) => ({
          id: i,
          source: 'command' as const,
          giver: { id: 2, externalId: 'UBOB', displayName: 'bob' },
          message: `<@UCAROL> ${long(5000)}`,
          values: values.slice(0, 20),
          emoji: null,
          permalink: `https://acme.slack.com/archives/C1/p${i}`,
          createdAt: new Date(),
        })),
        challenge: { campaignName: 'Customer Service Week', campaignEnd: '2026-10-09', goal: 3, distinct: 2, completed: false },
      }),
      admin: admin({
        settings,
        values: { active: values.map(({ slug, label, emoji }) => ({ slug, label, emoji })), inactive: 40 },
        operatorAdmins: ['UOPS1'],
        runs: Array.from({ length: 20 }, (_, i) => ({ kind: 'digest', periodKey: `2026-W${i}`, status: 'failed' as const, dueAt: new Date(), finishedAt: new Date(), target: 'C1', lastError: long(3000) })),
        audit: { entries: Array.from({ length: 20 }, (_, i) => audit(i, { action: 'setting.update', target: 'admins', before: [], after: settings.admins })), total: 5000 },
      }),
    });
    expectWithinLimits(view);
    const text = viewText(view);
    expect(text).toContain('and 295 more values');
    expect(text).toContain('and 9995 more kudos received');
    expect(text).toContain('2 of 3 people thanked');
    expect(text).toContain('The latest 20 of 5000 changes');
    expect(text).toContain('and 185 more');
    // Far from Slack's 250 kB view limit.
    expect(JSON.stringify(view).length).toBeLessThan(100_000);
  });

  it('cuts the page rather than go past 100 blocks', () => {
    const view = homeView({
      home: home(),
      admin: admin({ audit: { entries: Array.from({ length: 1000 }, (_, i) => audit(i)), total: 1000 } }),
    });
    expect(view.blocks).toHaveLength(100);
    expect(viewText(view)).toContain('Some of this page was left out');
  });

  it('has the admin part only for admins, with an Edit button per setting', () => {
    const plain = homeView({ home: home(), admin: null });
    // Everyone's own data: download it, or be forgotten.
    expect(actionIds(plain)).toEqual(['open_give_modal', 'home_pref_dm', 'home_pref_rankings', 'data_download_mine', 'data_erase_mine']);
    expect(plain.blocks.map((b: any) => b.block_id)).not.toContain(HOME_BLOCK.adminHeader);
    expect(actionIds(plain)).not.toContain('admin_data_export');
    const view = homeView({ home: home(), admin: admin() });
    const ids = actionIds(view);
    expect(ids).toEqual(expect.arrayContaining(['admin_data_export', 'admin_data_erase']));
    for (const key of HOME_SETTINGS) expect(ids).toContain(`admin_edit:${key}`);
    const blockIds = view.blocks.map((b: any) => b.block_id);
    expect(blockIds).toEqual(expect.arrayContaining([HOME_BLOCK.adminHeader, HOME_BLOCK.digest, HOME_BLOCK.auditHeader, ...HOME_SETTINGS.map((k) => `${HOME_BLOCK.settingPrefix}${k}`)]));
  });

  it('shows a finished challenge as done', () => {
    const view = homeView({ home: home({ challenge: { campaignName: 'Customer Service Week', campaignEnd: '2026-10-09', goal: 3, distinct: 3, completed: true } }), admin: null });
    expect(viewText(view)).toContain("Done! You've thanked 3 different people.");
  });

  it.each([
    ['not_in_channel', 'invite me'],
    ['no_channel', 'no channel is set'],
    ['is_archived', 'archived'],
    ['quiet_week', 'quiet week'],
    ['missed: nobody was running within 24 h of the due time', 'nobody was running Kudos'],
    ['something_new', '`something_new`'],
    [null, 'no reason recorded'],
  ])('explains a run that did not post: %s', (code, text) => {
    expect(failureReason(code)).toContain(text);
  });
});

describe('audit log lines', () => {
  const f = slackAuditFormat;
  const cases: Array<[{ action: string; target: string; before: unknown; after: unknown }, string]> = [
    [{ action: 'setting.update', target: 'allowancePerDay', before: 5, after: null }, 'Daily allowance: 5 a day → unlimited'],
    [{ action: 'setting.update', target: 'kudosChannel', before: null, after: 'C1' }, 'Kudos channel: where each kudos was given → <#C1>'],
    [{ action: 'setting.update', target: 'valueRequired', before: false, after: true }, 'Value required: no → yes'],
    [{ action: 'setting.update', target: 'admins', before: ['U1'], after: ['U2'] }, 'Admins: added <@U2>; removed <@U1>'],
    [{ action: 'setting.update', target: 'reactionEmoji', before: ['clap'], after: ['clap', 'tada'] }, 'Reaction emoji: added :tada:'],
    [
      { action: 'setting.update', target: 'digest', before: DEFAULT_SETTINGS.digest, after: { ...DEFAULT_SETTINGS.digest, time: '09:00', channel: 'C2' } },
      'Weekly digest: channel none → <#C2>; time `16:00` → `09:00`',
    ],
    [
      { action: 'setting.update', target: 'observances', before: DEFAULT_SETTINGS.observances, after: { ...DEFAULT_SETTINGS.observances, custom: [{ id: 'a', name: 'Pi day' }] } },
      'Observances: custom none → Pi day',
    ],
    [{ action: 'value.create', target: 'care', before: null, after: { slug: 'care', label: 'Care', emoji: 'heart', active: true } }, 'Value added: :heart: Care (#care)'],
    [{ action: 'value.update', target: 'care', before: { label: 'Care', emoji: 'heart', active: true }, after: { label: 'Care', emoji: 'heart', active: false } }, 'Value #care: deactivated'],
    [{ action: 'digest.post', target: '2026-W48', before: null, after: { outcome: 'posted', channel: 'C1' } }, 'Post digest now for 2026-W48: posted in <#C1>'],
  ];
  it.each(cases.map(([entry, text]) => [text, entry] as const))('%s', (text, entry) => {
    expect(describeAudit(entry, f)).toBe(text);
  });

  it('cuts long changes', () => {
    const before = { a: 1, b: 2, c: 3, d: 4, e: 5 };
    const after = { a: 2, b: 3, c: 4, d: 5, e: 6 };
    expect(describeAudit({ action: 'setting.update', target: 'digest', before, after }, f)).toContain('and 2 more changes');
  });
});

describe('the admin forms', () => {
  const ctx = { workspaceTimeZone: 'Europe/Paris', operatorAdmins: ['UOPS'] };
  const settings: Settings = {
    ...(DEFAULT_SETTINGS as Settings),
    kudosChannel: 'C0KUDOS',
    allowancePerDay: 7,
    reactionEmoji: ['clap', 'tada'],
    admins: ['UCAROL'],
    digest: { ...DEFAULT_SETTINGS.digest, timeZone: 'America/New_York', channel: 'C0DIGEST' },
    observances: { ...DEFAULT_SETTINGS.observances, builtIn: { ...DEFAULT_SETTINGS.observances.builtIn, thanksgiving: { enabled: false, prompt: 'Be thankful' } } },
  };

  it.each(HOME_SETTINGS)('%s: within Slack limits, carrying the version it was opened with', (key) => {
    const view = settingModal(key, settings, 4, ctx);
    expectModalLimits(view);
    expect(view.callback_id).toBe(`settings:${key}`);
    expect(JSON.parse(view.private_metadata!)).toEqual({ v: 4 });
  });

  it.each(HOME_SETTINGS)('%s: an untouched form reads back as the current value', (key) => {
    for (const s of [settings, DEFAULT_SETTINGS as Settings]) {
      const read = readSettingForm(key, settingFormOf(key, formState(settingModal(key, s, 0, ctx)) as never), s);
      expect(read).toEqual({ ok: true, value: s[key] });
    }
  });

  it.each(HOME_SETTINGS)('%s: has an input block for every field of the core form, so errors land beside them', (key) => {
    const view = settingModal(key, settings, 0, ctx);
    const inputs = view.blocks.filter((b: any) => b.type === 'input').map((b: any) => b.block_id);
    const errors = Object.fromEntries(inputs.map((id: string) => [id, `bad ${id}`]));
    expect(settingErrorBlocks(key, errors)).toEqual(errors);
    expect(settingErrorBlocks(key, { somewhereElse: 'bad' })).toEqual({ [inputs[0]]: 'bad' });
  });

  it('reads numbers strictly', () => {
    const form = (v: string) => settingFormOf('allowancePerDay', formState(settingModal('allowancePerDay', settings, 0, ctx), { limit: state.text(v) }) as never);
    expect(readSettingForm('allowancePerDay', form('12'), settings)).toEqual({ ok: true, value: 12 });
    expect(readSettingForm('allowancePerDay', form(''), settings)).toEqual({ ok: true, value: null });
    for (const bad of ['1.5', '-1', '1e3', '1001', 'five']) expect(readSettingForm('allowancePerDay', form(bad), settings).ok).toBe(false);
  });

  const values = (n: number): ValueRow[] =>
    Array.from({ length: n }, (_, i) => ({ id: i + 1, workspace_id: 1, slug: `value-${i}`, label: long(60), emoji: 'star', active: i % 7 !== 0, position: i, created_at: new Date() }));

  it('lists at most 90 values, says how many more, and offers the search picker for the rest', () => {
    const view = valuesListModal(values(500));
    expectModalLimits(view);
    expect(viewText(view)).toContain('and 410 more');
    expect(actionIds(view)).toContain('admin_value_pick');
  });

  it('value forms: new and existing, within limits, reading back what was typed', () => {
    const add = valueFormModal(null);
    expectModalLimits(add);
    expect(valueFormOf(formState(add, { label: state.text(' Care '), emoji: state.text(':heart:'), slug: state.text('care') }) as never)).toEqual({
      label: 'Care',
      emoji: ':heart:',
      slug: 'care',
      active: true,
    });
    const [v] = values(1);
    const edit = valueFormModal({ ...v, active: false });
    expectModalLimits(edit);
    expect(JSON.parse(edit.private_metadata!)).toEqual({ id: 1, label: v.label, emoji: 'star', active: false });
    expect(valueFormOf(formState(edit) as never).active).toBe(false);
  });

  it('custom observances: the list holds the 50 allowed, and the form reads back', () => {
    const custom = Array.from({ length: 50 }, (_, i) => ({ id: `c${i}`, name: long(60), rule: { kind: 'nth-weekday' as const, n: 1 as const, weekday: 1 as const, month: 5 }, message: long(1000), days: 2 }));
    expectModalLimits(customListModal(custom, 3));
    const form = customFormModal(custom[0], 3);
    expectModalLimits(form);
    expect(customFormOf(formState(form) as never)).toEqual({ name: custom[0].name.trim(), date: 'first Monday of May', days: '2', message: custom[0].message.trim(), remove: false });
  });

  it('the digest preview stays within a modal and offers no buttons', () => {
    const blocks: KnownBlock[] = [
      ...Array.from({ length: 120 }, (): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text: 'x' } })),
      { type: 'actions', elements: [{ type: 'button', action_id: 'open_give_modal', text: { type: 'plain_text', text: 'Give kudos' } }] },
    ];
    const view = digestPreviewModal({ intro: 'Preview', blocks });
    expectModalLimits(view);
    expect(actionIds(view)).toEqual([]);
    expect(blockTextLength(view.blocks)).toBeGreaterThan(0);
  });
});
