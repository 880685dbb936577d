import { addDays, customerServiceWeek } from '../../src/core/calendar';
import { saveSetting } from '../../src/core/settings-store';
import { testDatabases } from '../helpers/db';
import { seedReceivedKudos } from '../helpers/seed-kudos';
import { useSlackE2E } from '../helpers/slack-e2e';
import { eventEnvelope, reactionEvent } from '../helpers/slack-requests';
import { actionIds, blockAction, homeOpened, viewText } from '../helpers/slack-views';

describe.each(testDatabases())('App Home for everyone, end to end on %s', (kind) => {
  const e = useSlackE2E(kind);
  const json = { contentType: 'application/json' };
  const open = (user: string, tab: 'home' | 'messages' = 'home') => e.post(homeOpened(user, tab), json);
  const published = (user: string) => e.fake.callsTo('views.publish').filter((c) => c.params.user_id === user);
  const lastHome = (user: string) => published(user).at(-1)?.params.view;
  const ws = () => e.app.kudos.slack!.workspace();
  const person = (id: string) => e.db.db.selectFrom('person').selectAll().where('external_id', '=', id).executeTakeFirstOrThrow();

  it('publishes a first Home for someone new: zeros, the allowance, a Give kudos button, no admin part', async () => {
    const res = await open('UALICE');
    expect(res.status).toBe(200);
    const home = lastHome('UALICE');
    expect(home.type).toBe('home');
    expect(home.blocks.length).toBeLessThanOrEqual(100);
    const text = viewText(home);
    expect(text).toContain('Your kudos');
    expect(text).toContain('Received: *0*');
    expect(text).toContain('You have 5 of 5 kudos left today.');
    expect(text).toContain('Nothing yet');
    expect(actionIds(home)).toEqual(['open_give_modal', 'home_pref_dm', 'home_pref_rankings', 'data_download_mine', 'data_erase_mine']);
    expect(text).not.toContain('Kudos settings');
    // Processed once, from the inbox, without errors.
    const inbox = await e.db.db.selectFrom('event_inbox').select(['processed_at', 'last_error']).execute();
    expect(inbox).toEqual([{ processed_at: expect.anything(), last_error: null }]);
  });

  it('draws only the Home tab: opening the Messages tab publishes nothing', async () => {
    await open('UALICE', 'messages');
    expect(e.fake.callsTo('views.publish')).toHaveLength(0);
  });

  it('shows what someone received and gave, this week and all time, their values and their latest kudos', async () => {
    await e.thanks('<@UALICE> for untangling the refund flow #ownership');
    await e.thanks('<@UALICE> <@UBOB> for covering the Friday shift #collaboration #empathy', { user_id: 'UCAROL' });
    await e.thanks('<@UBOB> for the crisp release notes', { user_id: 'UALICE' });
    await open('UALICE');
    const home = lastHome('UALICE');
    const text = viewText(home);
    expect(text).toContain('*This week*\nReceived: *2*\nGiven: *1*');
    expect(text).toContain('*All time*\nReceived: *2*\nGiven: *1*');
    expect(text).toContain(':muscle: Ownership  *1*');
    expect(text).toContain(':handshake: Collaboration  *1*');
    // Newest first, with the giver and the message.
    const latest = text.indexOf('<@UCAROL>\n>for covering the Friday shift');
    expect(latest).toBeGreaterThan(-1);
    expect(text.indexOf('<@UGIVER>\n>for untangling the refund flow')).toBeGreaterThan(latest);
    expect(text).toContain('You have 4 of 5 kudos left today.');
  });

  it('leaves revoked kudos out', async () => {
    await e.thanks('<@UALICE> for untangling the refund flow #ownership');
    await e.thanks('undo');
    await open('UALICE');
    expect(viewText(lastHome('UALICE'))).toContain('Received: *0*');
  });

  it('stays within 100 blocks for someone thanked 10,000 times, with the right numbers and "and N more"', async () => {
    await e.thanks('<@UALICE> for the first one through /thanks');
    await e.thanks('<@UCAROL> <@UBOB> for being there');
    const me = await person('UALICE');
    const giverIds = (await Promise.all(['UGIVER', 'UBOB', 'UCAROL'].map(person))).map((p) => p.id);
    const values = await e.db.db.selectFrom('value').select('id').where('workspace_id', '=', ws().id).orderBy('position').execute();
    const now = new Date();
    await seedReceivedKudos(e.db.db, {
      workspaceId: ws().id,
      recipientId: me.id,
      giverIds,
      valueIds: values.slice(0, 4).map((v) => v.id),
      count: 10_000,
      start: new Date(now.getTime() - 400 * 86_400_000),
      end: new Date(now.getTime() - 60_000),
      revokedEvery: 100,
    });
    await open('UALICE');
    const home = lastHome('UALICE');
    expect(home.blocks.length).toBeLessThanOrEqual(100);
    const text = viewText(home);
    // 10,000 seeded, 100 of them revoked, plus the one given through /thanks.
    expect(text).toContain('*All time*\nReceived: *9901*');
    expect(text).toContain('Seeded thanks #9999');
    expect(text).not.toContain('Seeded thanks #10000'); // revoked
    expect(text).toContain('and 9896 more kudos received');
    for (const b of home.blocks) if (b.type === 'section' && b.text) expect(b.text.text.length).toBeLessThanOrEqual(3000);
  });

  it('opens the give-kudos form from the Home', async () => {
    await open('UBOB');
    const res = await e.post(blockAction({ userId: 'UBOB', actionId: 'open_give_modal', value: 'home' }));
    expect(res.status).toBe(200);
    const [opened] = e.fake.callsTo('views.open');
    expect(opened.params.view.callback_id).toBe('give_kudos_modal');
  });

  it('turns DMs and rankings off and on again, for the person who clicked, and says so', async () => {
    await open('UBOB');
    await e.post(blockAction({ userId: 'UBOB', actionId: 'home_pref_dm', value: 'off' }));
    expect((await person('UBOB')).dm_enabled).toBe(false);
    expect(viewText(lastHome('UBOB'))).toContain('*Kudos DMs:* off');
    expect(viewText(lastHome('UBOB'))).toContain("DMs are off");
    await e.post(blockAction({ userId: 'UBOB', actionId: 'home_pref_rankings', value: 'off' }));
    expect((await person('UBOB')).rankings_enabled).toBe(false);
    expect(viewText(lastHome('UBOB'))).toContain('*Rankings:* off');
    await e.post(blockAction({ userId: 'UBOB', actionId: 'home_pref_dm', value: 'on' }));
    expect(await person('UBOB')).toMatchObject({ dm_enabled: true, rankings_enabled: false });
    // With DMs off, a kudos sends no DM to that person.
    await e.post(blockAction({ userId: 'UBOB', actionId: 'home_pref_dm', value: 'off' }));
    e.fake.reset();
    await e.thanks('<@UBOB> for the crisp release notes');
    expect(e.fake.callsTo('chat.postMessage').filter((c) => c.params.channel === 'UBOB')).toHaveLength(0);
  });

  it('refreshes the Homes of the giver and the recipients once after a burst of kudos, not on every kudos', async () => {
    const homes = e.app.kudos.slack!.home;
    for (const id of ['UALICE', 'UBOB', 'UCAROL', 'UGIVER']) await open(id);
    e.fake.reset();
    await e.thanks('<@UALICE> for untangling the refund flow');
    await e.thanks('<@UALICE> <@UBOB> for covering the Friday shift');
    await e.post(JSON.stringify(eventEnvelope(reactionEvent('reaction_added', { user: 'UCAROL', reaction: 'clap', itemUser: 'UALICE' }))), json);
    expect(e.fake.callsTo('views.publish')).toHaveLength(0);
    expect(homes.pendingRefreshes().sort()).toEqual(['UALICE', 'UBOB', 'UCAROL', 'UGIVER']);
    // Not yet due.
    expect(await homes.flushDue()).toBe(0);
    e.advance(10_000);
    expect(await homes.flushDue()).toBe(4);
    expect(published('UALICE')).toHaveLength(1);
    expect(viewText(lastHome('UALICE'))).toContain('Received: *3*');
    // Nothing left to do until the next kudos.
    e.advance(10_000);
    expect(await homes.flushDue()).toBe(0);
    expect(e.fake.callsTo('views.publish')).toHaveLength(4);
  });

  it('refreshes only Homes that have been opened (the others are drawn when first opened)', async () => {
    const homes = e.app.kudos.slack!.home;
    await open('UALICE');
    e.fake.reset();
    await e.thanks('<@UALICE> for untangling the refund flow');
    e.advance(10_000);
    expect(await homes.flushDue()).toBe(1);
    expect(e.fake.callsTo('views.publish').map((c) => c.params.user_id)).toEqual(['UALICE']);
  });

  it('publishes each due Home once, even when two refresh ticks overlap', async () => {
    const homes = e.app.kudos.slack!.home;
    for (const id of ['UALICE', 'UGIVER']) await open(id);
    e.fake.reset();
    await e.thanks('<@UALICE> for untangling the refund flow');
    e.advance(10_000);
    const [a, b] = await Promise.all([homes.flushDue(), homes.flushDue()]);
    expect(a + b).toBe(2);
    expect(e.fake.callsTo('views.publish').map((c) => c.params.user_id).sort()).toEqual(['UALICE', 'UGIVER']);
  });

  it('refreshes after an undo too', async () => {
    const homes = e.app.kudos.slack!.home;
    for (const id of ['UALICE', 'UGIVER']) await open(id);
    await e.thanks('<@UALICE> for untangling the refund flow');
    e.advance(10_000);
    await homes.flushDue();
    await e.thanks('undo');
    expect(homes.pendingRefreshes().sort()).toEqual(['UALICE', 'UGIVER']);
    e.advance(10_000);
    await homes.flushDue();
    expect(viewText(lastHome('UALICE'))).toContain('Received: *0*');
  });

  it('answers views.publish errors gracefully: not_enabled is logged, the event is done and not retried', async () => {
    e.fake.fail('views.publish', { error: 'not_enabled' });
    const res = await open('UALICE');
    expect(res.status).toBe(200);
    const inbox = await e.db.db.selectFrom('event_inbox').select(['processed_at', 'last_error', 'attempts']).execute();
    expect(inbox[0]).toMatchObject({ processed_at: expect.anything(), last_error: null });
    expect(await e.app.kudos.slack!.sweepInbox()).toBe(0);
  });

  it('waits for Retry-After when views.publish is rate limited', async () => {
    e.fake.fail('views.publish', { status: 429, retryAfter: 3 });
    await open('UALICE');
    expect(e.app.sleeps).toContain(3000);
    expect(published('UALICE')).toHaveLength(2);
  });

  it('publishes nothing for someone Slack does not know', async () => {
    await open('UNOBODY');
    expect(e.fake.callsTo('views.publish')).toHaveLength(0);
  });

  it("shows the three-notes challenge while Customer Service Week runs, and not otherwise", async () => {
    await open('UGIVER');
    expect(viewText(lastHome('UGIVER'))).not.toContain('three-notes challenge');
    // Tuesday of next year's Customer Service Week, at noon in the workspace's zone (UTC).
    const week = customerServiceWeek(new Date().getUTCFullYear() + 1);
    e.advance(Date.parse(`${addDays(week.start, 1)}T12:00:00Z`) - Date.now());
    await e.thanks('<@UALICE> for untangling the refund flow');
    await e.thanks('<@UBOB> for covering the Friday shift');
    await open('UGIVER');
    const text = viewText(lastHome('UGIVER'));
    expect(text).toContain('*The three-notes challenge* (Customer Service Week)');
    expect(text).toContain('2 of 3 people thanked. One more to go.');
    await e.thanks('<@UCAROL> for the crisp release notes');
    await open('UGIVER');
    expect(viewText(lastHome('UGIVER'))).toContain("Done! You've thanked 3 different people.");
  });

  it('shows an unlimited allowance as such', async () => {
    await saveSetting(e.db.db, { workspaceId: ws().id, key: 'allowancePerDay', value: null, expectedVersion: 0, actorId: null });
    await open('UALICE');
    expect(viewText(lastHome('UALICE'))).toContain('no daily limit');
  });
});
