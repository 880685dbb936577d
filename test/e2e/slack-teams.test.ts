import { testDatabases } from '../helpers/db';
import { useSlackE2E } from '../helpers/slack-e2e';
import { blockAction, homeOpened, viewSubmission, formState, viewText, type SentView, type StateValues } from '../helpers/slack-views';

const picked = (...keys: string[]): StateValues => ({
  teams_groups: { value: { type: 'multi_static_select', selected_options: keys.map((k) => ({ text: { type: 'plain_text', text: k }, value: k })) } },
});

describe.each(testDatabases())('teams from the Slack App Home, end to end on %s', (kind) => {
  const e = useSlackE2E(kind);
  const json = { contentType: 'application/json' };
  const lastHome = (user: string) => e.fake.callsTo('views.publish').filter((c) => c.params.user_id === user).at(-1)?.params.view;
  const updated = () => e.fake.callsTo('views.update').at(-1)?.params.view as SentView;
  const audit = () => e.db.db.selectFrom('audit_log').select(['action', 'before', 'after']).orderBy('id').execute();
  const members = async (name: string) =>
    (
      await e.db.db
        .selectFrom('team_member as m')
        .innerJoin('team as t', 't.id', 'm.team_id')
        .innerJoin('person as p', 'p.id', 'm.person_id')
        .select('p.external_id')
        .where('t.name', '=', name)
        .orderBy('p.external_id')
        .execute()
    ).map((r) => r.external_id);

  beforeEach(() => {
    e.fake.userGroups.clear();
    e.fake.userGroups.set('S0SUPPORT', { id: 'S0SUPPORT', name: 'Support', handle: 'support', users: ['UALICE', 'UGIVER'] });
    e.fake.userGroups.set('S0BILLING', { id: 'S0BILLING', name: 'Billing', handle: 'billing', users: ['UBOB', 'UGIVER'] });
    e.fake.userGroups.set('S0SALES', { id: 'S0SALES', name: 'Sales & <Deals>', handle: 'sales', users: ['UCAROL'] });
  });

  /** An admin clicks "Choose teams…" on their Home: the form Slack was asked to show (after its loading view). */
  async function openForm(user = 'UADMIN'): Promise<SentView> {
    await e.post(blockAction({ userId: user, actionId: 'admin_teams_choose', value: 'teams' }));
    expect(e.fake.callsTo('views.open').at(-1)!.params.view.blocks.map((b: any) => b.text?.text).join()).toContain('Looking up your user groups');
    return updated();
  }

  async function choose(...keys: string[]): Promise<void> {
    const form = await openForm();
    const res = await e.post(viewSubmission({ userId: 'UADMIN', view: form, values: { ...formState(form), ...picked(...keys) } }));
    expect(res.status).toBe(200);
    expect(res.json.view.blocks.map((b: any) => b.text?.text).join()).toContain('Saving your teams');
  }

  it('shows an admin the Teams section, and a form listing the user groups with their sizes', async () => {
    await e.post(homeOpened('UADMIN'), json);
    const home = lastHome('UADMIN');
    expect(viewText(home)).toContain('No teams yet. Choose the Slack user groups that are your teams');
    const form = await openForm();
    expect(e.fake.callsTo('usergroups.list')[0].params).toMatchObject({ include_count: 'true' });
    expect(form.callback_id).toBe('admin_teams_choose_form');
    const select = form.blocks.find((b: any) => b.block_id === 'teams_groups').element;
    expect(select.type).toBe('multi_static_select');
    expect(select.options.map((o: any) => [o.value, o.text.text])).toEqual([
      ['S0BILLING', 'Billing (@billing) · 2'],
      ['S0SALES', 'Sales & <Deals> (@sales) · 1'],
      ['S0SUPPORT', 'Support (@support) · 2'],
    ]);
    expect(select.initial_options).toBeUndefined();
  });

  it('saves the chosen groups as teams, reads their members, audits it, and shows them with the table of thanks', async () => {
    // People Kudos knows: everyone who gave or received.
    await e.thanks('<@UALICE> for the refund runbook');
    await e.thanks('<@UBOB> for the invoice fix', { user_id: 'UALICE' });
    await e.thanks('<@UCAROL> for the demo', { user_id: 'UBOB' });
    await choose('S0SUPPORT', 'S0BILLING', 'S0SALES');
    expect(await members('Support')).toEqual(['UALICE', 'UGIVER']);
    expect(await members('Billing')).toEqual(['UBOB', 'UGIVER']);
    expect(await audit()).toEqual([{ action: 'teams.choose', before: [], after: ['Billing', 'Sales & <Deals>', 'Support'] }]);
    const text = viewText(lastHome('UADMIN'));
    expect(text).toContain(':white_check_mark: Teams saved (added Billing, Sales &amp; &lt;Deals&gt; and Support).');
    expect(text).toContain('3 teams: Billing (2), Sales &amp; &lt;Deals&gt; (1) and Support (2)');
    // The table: UGIVER (Support and Billing) → UALICE (Support), UALICE → UBOB (Billing), UBOB → UCAROL (Sales).
    const grid = lastHome('UADMIN').blocks.find((b: any) => b.block_id === 'admin_teams_grid').text.text as string;
    expect(grid.startsWith('```') && grid.endsWith('```')).toBe(true);
    const rows = grid.replace(/```/g, '').split('\n');
    expect(rows[0].trim().split(/\s+/)).toEqual(['1', '2', '3']);
    expect(rows.slice(1).map((r) => r.replace(/\s+/g, ' ').trim())).toEqual([
      '1 Support 1 1 ·',
      '2 Billing 1 · 1',
      '3 Sales &amp; &lt;De… · · ·',
    ]);
    expect(text).toContain('<@UADMIN> · Teams: added “Billing”, “Sales & ‹Deals›”, “Support”');
    // Opening the form again shows the teams chosen.
    const again = await openForm();
    const select = again.blocks.find((b: any) => b.block_id === 'teams_groups').element;
    expect(select.initial_options.map((o: any) => o.value).sort()).toEqual(['S0BILLING', 'S0SALES', 'S0SUPPORT']);
  });

  it('removing a team empties it, and the audit log says which', async () => {
    await e.thanks('<@UALICE> for the refund runbook');
    await choose('S0SUPPORT', 'S0BILLING');
    await choose('S0SUPPORT');
    expect(await members('Billing')).toEqual([]);
    expect((await audit()).at(-1)).toEqual({ action: 'teams.choose', before: ['Billing', 'Support'], after: ['Support'] });
    expect(viewText(lastHome('UADMIN'))).toContain('Teams saved (removed Billing).');
  });

  it('tells the admin to reinstall when Kudos may not read user groups (missing_scope)', async () => {
    e.fake.fail('usergroups.list', { error: 'missing_scope' });
    const view = await openForm();
    expect(viewText(view)).toContain('needs the `usergroups:read` permission');
    expect(viewText(view)).toContain('reinstall');
    expect(view.submit).toBeUndefined();
  });

  it('explains how to make user groups when the workspace has none', async () => {
    e.fake.userGroups.clear();
    expect(viewText(await openForm())).toContain('This workspace has no user groups yet');
  });

  it('refuses someone who is not an admin, for the button and for a forged submission, and audits the attempt', async () => {
    await e.post(blockAction({ userId: 'UBOB', actionId: 'admin_teams_choose', value: 'teams' }));
    expect(e.fake.callsTo('views.open')).toHaveLength(0);
    expect(viewText(lastHome('UBOB'))).toContain('Only Kudos admins can change this.');
    const form = await openForm();
    const res = await e.post(viewSubmission({ userId: 'UBOB', view: form, values: picked('S0SUPPORT') }));
    expect(res.json.view.blocks.map((b: any) => b.text?.text).join()).toContain('Only Kudos admins can change this.');
    expect(await e.db.db.selectFrom('team').select('id').execute()).toEqual([]);
    expect((await audit()).map((a) => a.action)).toEqual(['teams.choose.refused']);
  });

  it('reads the members again a day later, and says when a team could not be read', async () => {
    await e.thanks('<@UALICE> for the refund runbook');
    await e.thanks('<@UBOB> for the invoice fix', { user_id: 'UCAROL' });
    await choose('S0SUPPORT');
    expect(await members('Support')).toEqual(['UALICE', 'UGIVER']);
    e.fake.userGroups.get('S0SUPPORT')!.users.push('UBOB');
    const slack = e.app.kudos.slack!;
    // Not a day yet: Slack is not asked again.
    const before = e.fake.callsTo('usergroups.users.list').length;
    expect(await slack.refreshTeams()).toBe(0);
    expect(e.fake.callsTo('usergroups.users.list')).toHaveLength(before);
    e.advance(24 * 60 * 60_000);
    expect(await slack.refreshTeams()).toBe(1);
    expect(await members('Support')).toEqual(['UALICE', 'UBOB', 'UGIVER']);
    // A failure on save is told on the Home, and the team is read again at the next refresh.
    e.fake.fail('usergroups.users.list', { error: 'fatal_error' }, { times: 2 });
    await choose('S0SUPPORT', 'S0BILLING');
    expect(viewText(lastHome('UADMIN'))).toContain('The members of 2 teams could not be read just now');
  });

  it('puts the cross-team line in the digest preview once there are teams', async () => {
    await e.thanks('<@UALICE> for the refund runbook');
    await e.thanks('<@UCAROL> for the demo', { user_id: 'UBOB' });
    await choose('S0SUPPORT', 'S0SALES');
    e.advance(7 * 86_400_000);
    await e.post(blockAction({ userId: 'UADMIN', actionId: 'admin_digest_preview', value: 'preview' }));
    const preview = viewText(e.fake.callsTo('views.open').at(-1)!.params.view);
    // UGIVER (Support) → UALICE (Support) stays inside; UBOB (no team) → UCAROL (Sales) crosses.
    expect(preview).toContain('🤝 *50%* of kudos crossed team lines this week.');
  });
});
