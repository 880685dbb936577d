import { testDatabases } from '../helpers/db';
import { useSlackE2E } from '../helpers/slack-e2e';
import { blockAction, formState, homeOpened, state, viewSubmission, type SentView } from '../helpers/slack-views';

/**
 * People's data from the App Home, end to end over signed HTTP: download my kudos (files in the DM), erase my
 * data (confirmed in a modal), and for admins an export of a date range and erasing a person; forged
 * requests from someone who is not an admin are refused and audited.
 */
describe.each(testDatabases())('data from the App Home on %s', (kind) => {
  const e = useSlackE2E(kind);
  const opened = () => e.fake.callsTo('views.open').at(-1)!.params.view as SentView;
  const audit = () => e.db.db.selectFrom('audit_log').select(['action', 'target', 'after']).orderBy('id').execute();
  const sharedFiles = () => [...e.fake.files.values()].filter((f) => f.sharedTo);
  const homeNotice = (userId: string) => JSON.stringify(e.fake.callsTo('views.publish').filter((c) => c.params.user_id === userId).at(-1)?.params.view ?? {});

  async function someKudos(): Promise<void> {
    await e.thanks('<@UALICE> for the release notes, they were clear', { user_id: 'UGIVER' });
    await e.thanks('<@UBOB> for pairing on the flaky test', { user_id: 'UALICE' });
    await e.thanks('<@UCAROL> for covering the support queue', { user_id: 'UBOB' });
  }

  it('"Download my kudos" sends the person their own kudos, as CSV and JSON, to their DM, and records it', async () => {
    await someKudos();
    e.fake.reset();
    const res = await e.post(blockAction({ userId: 'UALICE', actionId: 'data_download_mine', value: 'mine' }));
    expect(res.status).toBe(200);
    const files = sharedFiles();
    expect(files.map((f) => [f.filename, f.sharedTo])).toEqual([
      ['my-kudos.csv', 'DALICE'],
      ['my-kudos.json', 'DALICE'],
    ]);
    const csv = files[0].bytes.toString('utf8');
    expect(csv).toContain('release notes');
    expect(csv).toContain('flaky test');
    expect(csv).not.toContain('support queue'); // neither gave nor received
    expect((JSON.parse(files[1].bytes.toString('utf8')) as unknown[]).length).toBe(2);
    expect(await audit()).toEqual([expect.objectContaining({ action: 'data.export.self', target: 'UALICE', after: { kudos: 2 } })]);
    expect(homeNotice('UALICE')).toContain('sent your kudos to our DM');
  });

  it('"Erase my data" asks for confirmation, then forgets the person who submitted it, and only them', async () => {
    await someKudos();
    await e.post(blockAction({ userId: 'UALICE', actionId: 'data_erase_mine', value: 'mine' }));
    const form = opened();
    expect(form.callback_id).toBe('data_erase_self');

    const unconfirmed = await e.post(viewSubmission({ userId: 'UALICE', view: form, values: formState(form) }));
    expect(unconfirmed.json).toMatchObject({ response_action: 'errors', errors: { erase_confirm: expect.any(String) } });
    expect((await e.db.db.selectFrom('person').select('erased_at').where('external_id', '=', 'UALICE').executeTakeFirstOrThrow()).erased_at).toBeNull();

    const kudosBefore = await e.count('kudos');
    const done = await e.post(viewSubmission({ userId: 'UALICE', view: form, values: formState(form, { erase_confirm: state.checkboxes(['yes']) }) }));
    expect(done.json).toMatchObject({ response_action: 'update' });
    const alice = await e.db.db.selectFrom('person').selectAll().where('external_id', '=', 'UALICE').executeTakeFirstOrThrow();
    expect(alice.erased_at).not.toBeNull();
    expect(alice.display_name).not.toBe('alice');
    const messages = (await e.db.db.selectFrom('kudos').select('message').execute()).map((k) => k.message).join('\n');
    expect(messages).not.toContain('flaky test'); // what she wrote
    expect(messages).toContain('support queue'); // what others wrote about others
    expect(await e.count('kudos')).toBe(kudosBefore);
    expect((await audit()).map((a) => a.action)).toContain('person.erase');

    // Her Home no longer offers to turn DMs back on, and a forged click cannot either.
    await e.post(blockAction({ userId: 'UALICE', actionId: 'home_pref_dm', value: 'on' }));
    expect((await e.db.db.selectFrom('person').select('dm_enabled').where('external_id', '=', 'UALICE').executeTakeFirstOrThrow()).dm_enabled).toBe(false);
    e.fake.reset();
    await e.post(homeOpened('UALICE'), { contentType: 'application/json' });
    const home = JSON.stringify(e.fake.callsTo('views.publish').at(-1)!.params.view);
    expect(home).toContain('Kudos has forgotten you');
    expect(home).not.toContain('home_pref_dm');
  });

  it("an admin exports a date range to their DM; someone who is not an admin cannot, even with a forged form", async () => {
    await someKudos();
    // The button: refused on the server for a non-admin, and no form is opened.
    await e.post(blockAction({ userId: 'UGIVER', actionId: 'admin_data_export', value: 'export' }));
    expect(e.fake.callsTo('views.open')).toHaveLength(0);

    await e.post(blockAction({ userId: 'UADMIN', actionId: 'admin_data_export', value: 'export' }));
    const form = opened();
    expect(form.callback_id).toBe('data_export_workspace');

    // The same form submitted by someone who is not an admin: refused, audited, nothing sent.
    const forged = await e.post(viewSubmission({ userId: 'UGIVER', view: form, values: formState(form) }));
    expect(JSON.stringify(forged.json)).toContain('Only Kudos admins');
    expect(sharedFiles()).toHaveLength(0);
    expect((await audit()).map((a) => a.action)).toEqual(['data.export.refused']);

    const fine = await e.post(viewSubmission({ userId: 'UADMIN', view: form, values: formState(form) }));
    expect(fine.json).toMatchObject({ response_action: 'update' });
    const [file] = sharedFiles();
    expect(file.sharedTo).toBe('DADMIN');
    const csv = file.bytes.toString('utf8');
    for (const said of ['release notes', 'flaky test', 'support queue']) expect(csv).toContain(said);
    expect((await audit()).map((a) => a.action)).toEqual(['data.export.refused', 'data.export']);

    // A range that ends before it starts is explained under the field.
    const backwards = await e.post(
      viewSubmission({ userId: 'UADMIN', view: form, values: formState(form, { export_from: state.date('2026-12-31'), export_to: state.date('2026-01-01') }) }),
    );
    expect(backwards.json).toMatchObject({ response_action: 'errors', errors: { export_to: expect.stringContaining('before') } });
  });

  it('an admin erases a person; a forged erasure from someone who is not an admin is refused and audited', async () => {
    await someKudos();
    await e.post(blockAction({ userId: 'UADMIN', actionId: 'admin_data_erase', value: 'erase' }));
    const form = opened();
    expect(form.callback_id).toBe('data_erase_person');
    const values = formState(form, { erase_person: state.user('UBOB'), erase_confirm: state.checkboxes(['yes']) });

    const forged = await e.post(viewSubmission({ userId: 'UGIVER', view: form, values }));
    expect(JSON.stringify(forged.json)).toContain('Only Kudos admins');
    expect((await e.db.db.selectFrom('person').select('erased_at').where('external_id', '=', 'UBOB').executeTakeFirstOrThrow()).erased_at).toBeNull();
    expect((await audit()).map((a) => a.action)).toEqual(['person.erase.refused']);

    e.fake.reset();
    const done = await e.post(viewSubmission({ userId: 'UADMIN', view: form, values }));
    expect(JSON.stringify(done.json)).toContain('Erased');
    // The posts that named them are redrawn without a mention (Slack would show their name): the placeholder instead.
    const redrawn = e.fake.callsTo('chat.update').map((c) => JSON.stringify(c.params));
    expect(redrawn.length).toBeGreaterThanOrEqual(2);
    for (const post of redrawn) {
      expect(post).not.toContain('<@UBOB>');
      expect(post).toContain('Former teammate');
    }
    expect((await e.db.db.selectFrom('person').select('erased_at').where('external_id', '=', 'UBOB').executeTakeFirstOrThrow()).erased_at).not.toBeNull();
    // Carol's Home lists Bob's kudos for her by the placeholder, not by a mention.
    e.fake.reset();
    await e.post(homeOpened('UCAROL'), { contentType: 'application/json' });
    const carolsHome = JSON.stringify(e.fake.callsTo('views.publish').at(-1)!.params.view);
    expect(carolsHome).toContain('Former teammate');
    expect(carolsHome).not.toContain('<@UBOB>');
    const again = await e.post(viewSubmission({ userId: 'UADMIN', view: form, values }));
    expect(JSON.stringify(again.json)).toContain('erased already');
    expect((await audit()).map((a) => a.action)).toEqual(['person.erase.refused', 'person.erase']);
  });

  it('"Delete all data": only an admin, only with the phrase typed; then every row is gone and Kudos starts over', async () => {
    await someKudos();
    const workspaceId = (await e.db.db.selectFrom('workspace').select('id').executeTakeFirstOrThrow()).id;
    // The button: no form for someone who is not an admin.
    await e.post(blockAction({ userId: 'UGIVER', actionId: 'admin_data_delete_all', value: 'delete_all' }));
    expect(e.fake.callsTo('views.open')).toHaveLength(0);

    await e.post(blockAction({ userId: 'UADMIN', actionId: 'admin_data_delete_all', value: 'delete_all' }));
    const form = opened();
    expect(form.callback_id).toBe('data_delete_all');
    const typed = (phrase: string) => formState(form, { delete_all_phrase: state.text(phrase) });

    // A forged submission from someone who is not an admin: refused, audited, nothing deleted.
    const forged = await e.post(viewSubmission({ userId: 'UGIVER', view: form, values: typed('delete all data') }));
    expect(JSON.stringify(forged.json)).toContain('Only Kudos admins');
    expect(await e.count('kudos')).toBe(3);
    expect((await audit()).map((a) => a.action)).toEqual(['data.delete_all.refused']);

    // The admin, without the phrase: the form says what to type, and nothing goes.
    const unconfirmed = await e.post(viewSubmission({ userId: 'UADMIN', view: form, values: typed('yes') }));
    expect(unconfirmed.json).toMatchObject({ response_action: 'errors', errors: { delete_all_phrase: expect.stringContaining('delete all data') } });
    expect(await e.count('kudos')).toBe(3);

    e.fake.reset();
    const done = await e.post(viewSubmission({ userId: 'UADMIN', view: form, values: typed('Delete all data') }));
    expect(done.json).toMatchObject({ response_action: 'update' });
    expect(JSON.stringify(done.json)).toContain('3 kudos');
    expect(await e.count('kudos')).toBe(0);
    expect(await e.count('kudos_recipient')).toBe(0);
    // Only the admin, whose Home was just redrawn, is known again; the refused attempt's entry went with the rest.
    expect((await e.db.db.selectFrom('person').select('external_id').execute()).map((p) => p.external_id)).toEqual(['UADMIN']);
    expect((await audit()).map((a) => [a.action, a.target])).toEqual([['data.delete_all', 'UADMIN']]);
    expect(e.fake.callsTo('views.publish').map((c) => c.params.user_id)).toContain('UADMIN');

    // Kudos goes on in the same workspace: a new kudos is recorded and posted.
    const res = await e.thanks('<@UBOB> for the fresh start', { user_id: 'UALICE' });
    expect(res.status).toBe(200);
    const fresh = await e.db.db.selectFrom('kudos').select(['workspace_id', 'message']).execute();
    expect(fresh).toEqual([{ workspace_id: workspaceId, message: 'for the fresh start' }]);
  });
});
