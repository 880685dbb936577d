import { testDatabases } from '../helpers/db';
import { cardOf, cardText } from '../helpers/fake-connector';
import {
  ALICE,
  BOB,
  BOT,
  GENERAL,
  GINA,
  TEAM,
  TENANT,
  botAddedPersonally,
  botAddedToTeam,
  botRemovedFromTeam,
  channelMessage,
  installationUpdate,
  personalChatId,
} from '../helpers/teams-activities';
import { useTeamsE2E } from '../helpers/teams-e2e';

describe.each(testDatabases())('Teams install and uninstall end to end on %s', (kind) => {
  const e = useTeamsE2E(kind);
  const url = () => e.connector.url;
  const workspace = () => e.db.db.selectFrom('workspace').selectAll().where('platform', '=', 'teams').where('external_id', '=', TENANT).executeTakeFirstOrThrow();
  const admins = async () => {
    const ws = await workspace();
    const row = await e.db.db.selectFrom('setting').select('value').where('workspace_id', '=', ws.id).where('key', '=', 'admins').executeTakeFirst();
    return row?.value;
  };

  it('added to a team: the tenant becomes a workspace, the channel reference is stored, the installer is the first admin, and the team is welcomed', async () => {
    const res = await e.send(botAddedToTeam(url(), { from: GINA }));
    expect(res.status).toBe(200);
    await e.send(installationUpdate(url(), 'add', { from: GINA }));

    const ws = await workspace();
    expect(ws.uninstalled_at).toBeNull();
    const refs = await e.db.db.selectFrom('conversation_ref').selectAll().execute();
    expect(refs).toHaveLength(1);
    expect(refs[0]).toMatchObject({ workspace_id: ws.id, conversation_id: GENERAL, kind: 'channel', team_id: TEAM.id, channel_id: GENERAL, name: 'Support › General' });
    expect(refs[0].reference).toMatchObject({ serviceUrl: url(), conversation: { id: GENERAL }, bot: { id: BOT.id } });

    expect(await admins()).toEqual([GINA.id]);
    const audit = await e.db.db.selectFrom('audit_log').selectAll().execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: 'setting.update', target: 'admins' });

    const welcome = e.connector.sent();
    expect(welcome).toHaveLength(1);
    expect(welcome[0].conversationId).toBe(GENERAL);
    expect(welcome[0].body.text).toContain("Hi, I'm **Kudos**");
  });

  it('a second installer does not replace the first admin', async () => {
    await e.send(botAddedToTeam(url(), { from: GINA }));
    await e.send(botAddedPersonally(url(), { from: ALICE }));
    expect(await admins()).toEqual([GINA.id]);
  });

  it('added in personal scope: the personal chat is stored for the person and the welcome is the help card', async () => {
    await e.send(botAddedPersonally(url(), { from: BOB }));
    const ref = await e.db.db.selectFrom('conversation_ref').selectAll().executeTakeFirstOrThrow();
    const bob = await e.db.db.selectFrom('person').select('id').where('external_id', '=', BOB.id).executeTakeFirstOrThrow();
    expect(ref).toMatchObject({ kind: 'personal', conversation_id: personalChatId(BOB), person_id: bob.id });
    expect(cardText(cardOf(e.connector.sent()[0].body))).toContain('**Give kudos**');
  });

  it('removed from its last team: the team\'s references go and the tenant is marked uninstalled, history kept', async () => {
    await e.send(botAddedToTeam(url(), { from: GINA }));
    await e.send(channelMessage(url(), { parts: [BOT, ' thanks ', ALICE, ' for the onboarding guide'] }));
    expect(await e.count('conversation_ref')).toBe(2);
    await e.send(installationUpdate(url(), 'remove', { from: GINA }));
    await e.send(botRemovedFromTeam(url(), { from: GINA }));
    expect(await e.count('conversation_ref')).toBe(0);
    expect((await workspace()).uninstalled_at).not.toBeNull();
    expect(await e.count('kudos')).toBe(1);
    // Installed again: active again.
    await e.send(installationUpdate(url(), 'add', { from: GINA }));
    expect((await workspace()).uninstalled_at).toBeNull();
  });

  it('an activity stored in the inbox but never finished (a crash) is handled by the sweeper, once', async () => {
    const msg = channelMessage(url(), { parts: [BOT, ' thanks ', ALICE, ' for staying late on the release'] });
    const ws = await workspace().catch(async () => {
      await e.send(botAddedToTeam(url()));
      return workspace();
    });
    e.connector.reset();
    await e.db.db
      .insertInto('event_inbox')
      .values({
        platform: 'teams',
        delivery_id: `${TENANT}|message|${msg.conversation.id.split(';')[0]}|${msg.id}`,
        workspace_id: ws.id,
        body: JSON.stringify(msg),
        received_at: new Date(Date.now() - 10 * 60_000),
        locked_until: new Date(Date.now() - 60_000),
      })
      .execute();
    expect(await e.app.kudos.teams!.sweepInbox()).toBe(1);
    expect(await e.count('kudos')).toBe(1);
    const [reply] = e.connector.sent();
    expect(reply.conversationId).toBe(msg.conversation.id);
    expect(cardText(cardOf(reply.body))).toContain('gave kudos to <at>Alice Archer</at>');
    const row = await e.db.db.selectFrom('event_inbox').select('processed_at').executeTakeFirstOrThrow();
    expect(row.processed_at).not.toBeNull();
    // The same activity arriving now (Teams retrying) is a no-op, and a second sweep finds nothing.
    await e.send(msg);
    expect(await e.app.kudos.teams!.sweepInbox()).toBe(0);
    expect(await e.count('kudos')).toBe(1);
    expect(e.connector.sent()).toHaveLength(1);
  });

  it('a kudos recorded just before a crash, its card never posted, is posted when the activity is handled again', async () => {
    const msg = channelMessage(url(), { parts: [BOT, ' thanks ', ALICE, ' for the hand-over notes'] });
    await e.send(msg);
    // As if the process had stopped between recording the kudos and posting its card.
    await e.db.db.updateTable('kudos').set({ post_status: 'pending', post_channel_id: null, post_ts: null }).execute();
    await e.db.db.updateTable('event_inbox').set({ processed_at: null, locked_until: new Date(Date.now() - 1000) }).execute();
    e.connector.reset();
    expect(await e.app.kudos.teams!.sweepInbox()).toBe(1);
    const [card] = e.connector.sent();
    expect(cardText(cardOf(card.body))).toContain('gave kudos to <at>Alice Archer</at>');
    const row = await e.db.db.selectFrom('kudos').select(['post_status', 'post_ts']).executeTakeFirstOrThrow();
    expect(row).toEqual({ post_status: 'posted', post_ts: card.newId });
    expect(await e.count('kudos')).toBe(1);
  });

  it('a failure while handling leaves the activity in the inbox for the sweeper and apologises', async () => {
    await e.send(botAddedToTeam(url()));
    e.connector.reset();
    // Neither a personal chat nor a reply can be sent: the refusal cannot be told, so handling failed.
    e.connector.fail('create', 403, 'Forbidden');
    e.connector.fail('reply', 403, 'Forbidden', { times: 2 });
    const msg = channelMessage(url(), { parts: [BOT, ' thanks ', GINA, ' for being me'] });
    await e.send(msg);
    const row = await e.db.db.selectFrom('event_inbox').selectAll().where('delivery_id', 'like', `%|${msg.id}`).executeTakeFirstOrThrow();
    expect(row.processed_at).toBeNull();
    expect(row.attempts).toBe(1);
    expect(row.last_error).toBeTruthy();
    expect(e.connector.callsOf('reply')).toHaveLength(2);
  });
});
