import { testDatabases } from '../helpers/db';
import { useSlackE2E } from '../helpers/slack-e2e';
import { escapeSlack, slashCommand, triggerId } from '../helpers/slack-requests';

const flatten = (blocks: any[]): string => JSON.stringify(blocks);

describe.each(testDatabases())('/thanks end to end on %s', (kind) => {
  const e = useSlackE2E(kind);

  it('records a kudos, posts it in the channel, confirms to the giver and DMs each recipient', async () => {
    const res = await e.thanks('<@UALICE> <@UBOB|bob> for fixing the refund flow #ownership #empathy');
    expect(res.status).toBe(200);
    expect(res.json.response_type).toBe('ephemeral');
    expect(res.json.text).toContain('Kudos sent to <@UALICE> and <@UBOB>');
    expect(flatten(res.json.blocks)).toContain('You have 3 of 5 kudos left today.');

    const posts = e.fake.callsTo('chat.postMessage');
    const channelPost = posts.find((c) => c.params.channel === 'C0GENERAL');
    expect(channelPost).toBeDefined();
    const blocks = flatten(channelPost!.params.blocks);
    expect(blocks).toContain('<@UGIVER> gave kudos to <@UALICE> and <@UBOB>');
    expect(blocks).toContain('>for fixing the refund flow');
    expect(blocks).toContain(':muscle: *Ownership*');
    expect(blocks).toContain(':heart: *Empathy*');
    expect(channelPost!.params.text).toContain('for fixing the refund flow');
    expect(channelPost!.params.metadata.event_type).toBe('kudos_posted');

    expect(posts.filter((c) => c.params.channel === 'UALICE')).toHaveLength(1);
    expect(posts.filter((c) => c.params.channel === 'UBOB')).toHaveLength(1);

    const row = await e.db.db.selectFrom('kudos').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ source: 'command', channel_id: 'C0GENERAL', post_channel_id: 'C0GENERAL', post_status: 'posted', message: 'for fixing the refund flow' });
    expect(row.post_ts).toMatch(/^\d+\.\d+$/);
    expect(await e.count('kudos_recipient')).toBe(2);
    expect(await e.count('kudos_value')).toBe(2);
  });

  it('answers a command other than /thanks with what works: nothing recorded, nothing sent', async () => {
    const res = await e.thanks('<@UALICE> for fixing the refund flow', { command: '/praise' });
    expect(res.status).toBe(200);
    expect(res.json.response_type).toBe('ephemeral');
    expect(res.json.text).toContain('/praise');
    expect(res.json.text).toContain('/thanks help');
    expect(await e.count('kudos')).toBe(0);
    expect(e.fake.calls.filter((c) => c.method !== 'auth.test')).toEqual([]);
    // The next /thanks still goes its usual way.
    expect((await e.thanks('<@UALICE> for fixing the refund flow')).json.text).toContain('Kudos sent');
  });

  it('records a message with a NUL in it without the NUL, and refuses one made only of zero-width spaces', async () => {
    const res = await e.thanks('<@UALICE> for the\u0000 careful migration plan');
    expect(res.json.text).toContain('Kudos sent');
    const row = await e.db.db.selectFrom('kudos').select('message').executeTakeFirstOrThrow();
    expect(row.message).toBe('for the careful migration plan');
    const invisible = await e.thanks(`<@UBOB> ${'\u200B'.repeat(20)}`);
    expect(invisible.json.text).not.toContain('Kudos sent');
    expect(await e.count('kudos')).toBe(1);
  });

  it('keeps the message specific: escaped characters are stored as written and re-escaped in the post', async () => {
    await e.thanks(`<@UALICE> ${escapeSlack('for R&D <3 and the fast fix')}`);
    const row = await e.db.db.selectFrom('kudos').select('message').executeTakeFirstOrThrow();
    expect(row.message).toBe('for R&D <3 and the fast fix');
    const post = e.fake.callsTo('chat.postMessage').find((c) => c.params.channel === 'C0GENERAL')!;
    expect(flatten(post.params.blocks)).toContain('R&amp;D &lt;3');
  });

  it('treats a value written as a channel link (<#C…|empathy>) as the value', async () => {
    await e.thanks('<@UALICE> for listening so patiently <#C0EMPATHY|empathy>');
    const v = await e.db.db.selectFrom('kudos_value').innerJoin('value', 'value.id', 'kudos_value.value_id').select('slug').execute();
    expect(v.map((x) => x.slug)).toEqual(['empathy']);
  });

  it('a repeated delivery (same trigger_id, x-slack-retry-num) records and posts nothing new', async () => {
    const trigger = triggerId();
    const first = await e.thanks('<@UALICE> for the quick review of my PR', { trigger_id: trigger });
    const again = await e.thanks('<@UALICE> for the quick review of my PR', { trigger_id: trigger }, { headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } });
    expect(first.json.text).toContain('Kudos sent');
    expect(again.status).toBe(200);
    expect(again.json.text).toContain('already recorded');
    expect(await e.count('kudos')).toBe(1);
    expect(e.fake.callsTo('chat.postMessage').filter((c) => c.params.channel === 'C0GENERAL')).toHaveLength(1);
    expect(e.fake.callsTo('chat.postMessage').filter((c) => c.params.channel === 'UALICE')).toHaveLength(1);
  });

  it.each([
    ['yourself', '<@UGIVER> for being me', "can't give kudos to yourself"],
    ['a bot', '<@UROBOT> for deploying on time', 'is a bot'],
    ['a deactivated person', '<@UGONE> for years of help', 'no longer active'],
    ['a user group', '<!subteam^S0SUPPORT|@support> for handling the outage', 'not groups (@support)'],
    ['no one', 'for being great in general', 'Who would you like to thank?'],
    ['no message', '<@UALICE>', 'Say what they did'],
    ['a short message', '<@UALICE> ty!', 'at least 10 characters'],
    ['an unknown value', '<@UALICE> for the great demo #teamwork', "#teamwork isn't a value here. Try one of: #empathy #communication"],
  ])('refuses kudos to %s with a friendly ephemeral reason and records nothing', async (_case, text, expected) => {
    const res = await e.thanks(text);
    expect(res.status).toBe(200);
    expect(res.json.response_type).toBe('ephemeral');
    expect(res.json.text).toContain(expected);
    expect(await e.count('kudos')).toBe(0);
    expect(e.fake.callsTo('chat.postMessage')).toHaveLength(0);
  });

  it('refuses a message over 1,000 characters', async () => {
    const res = await e.thanks(`<@UALICE> ${'so much help '.repeat(90)}`);
    expect(res.json.text).toContain('the limit is 1000');
    expect(await e.count('kudos')).toBe(0);
  });

  it('gives to the valid recipients and tells the giver who was skipped and why', async () => {
    const res = await e.thanks('<@UALICE> <@UROBOT> <@UNOSUCH> <@UGIVER> for pairing on the migration');
    expect(res.json.text).toContain('Kudos sent to <@UALICE>');
    expect(res.json.text).toContain('<@UROBOT> (a bot)');
    expect(res.json.text).toContain('<@UNOSUCH> (not found)');
    expect(res.json.text).toContain('you (no self-kudos)');
    expect(await e.count('kudos_recipient')).toBe(1);
  });

  it('refuses the whole kudos when the allowance cannot cover everyone, saying how many are left', async () => {
    await e.thanks('<@UALICE> <@UBOB> <@UCAROL> <@UADMIN> for the launch party');
    const res = await e.thanks('<@UALICE> <@UBOB> for cleaning up afterwards');
    expect(res.json.text).toContain('You have 1 kudos left today, not enough for 2 people');
    expect(await e.count('kudos')).toBe(1);
  });

  it('never exceeds the allowance under 50 concurrent /thanks from one giver', async () => {
    const people = ['UALICE', 'UBOB', 'UCAROL', 'UADMIN'];
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => e.thanks(`<@${people[i % 4]}> for help number ${i}`)));
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(results.filter((r) => r.json.text.includes('Kudos sent'))).toHaveLength(5);
    expect(await e.count('kudos')).toBe(5);
    expect(e.fake.callsTo('chat.postMessage').filter((c) => c.params.channel === 'C0GENERAL')).toHaveLength(5);
  });

  it('/thanks help explains usage with examples and lists the values', async () => {
    const res = await e.thanks('help');
    const text = flatten(res.json.blocks);
    expect(res.json.response_type).toBe('ephemeral');
    expect(text).toContain('/thanks @alex for untangling the refund flow #ownership');
    expect(text).toContain('/thanks undo');
    expect(text).toContain('#quick-response');
    expect(text).toContain('Up to 5 kudos a day');
  });

  it('/thanks stats shows given and received this week and all time, and the allowance left', async () => {
    await e.thanks('<@UALICE> <@UBOB> for the quarterly report');
    await e.thanks('<@UGIVER> for the thoughtful code review', { user_id: 'UALICE' });
    const res = await e.thanks('stats');
    const text = flatten(res.json.blocks);
    expect(text).toContain('*This week*\\nGiven: 2\\nReceived: 1');
    expect(text).toContain('*All time*\\nGiven: 2\\nReceived: 1');
    expect(text).toContain('You have 3 of 5 kudos left today.');
  });

  it('/thanks undo withdraws the last kudos, updates the post and returns the allowance', async () => {
    await e.thanks('<@UALICE> <@UBOB> for covering the on-call shift');
    const res = await e.thanks('undo');
    expect(res.json.text).toContain('Withdrawn: your kudos to <@UALICE> and <@UBOB>');
    expect(flatten(res.json.blocks)).toContain('You have 5 of 5 kudos left today.');
    const update = await e.fake.waitFor('chat.update');
    expect(update.params.channel).toBe('C0GENERAL');
    expect(flatten(update.params.blocks)).toContain('Withdrawn by <@UGIVER>');
    const row = await e.db.db.selectFrom('kudos').select(['revoked_at', 'revoked_reason']).executeTakeFirstOrThrow();
    expect(row.revoked_reason).toBe('undo');
    expect(row.revoked_at).not.toBeNull();
    const nothing = await e.thanks('undo');
    expect(nothing.json.text).toContain("There's nothing to undo");
  });

  it('a replayed /thanks undo (the same signed request again) withdraws one kudos, not two', async () => {
    await e.thanks('<@UALICE> for the first kudos of the morning');
    await e.thanks('<@UBOB> for the second kudos of the morning');
    const undo = slashCommand({ text: 'undo', trigger_id: triggerId() });
    const first = await e.post(undo);
    const replay = await e.post(undo);
    expect(first.status).toBe(200);
    expect(replay.status).toBe(200);
    // The replay answers as the first did, about the same kudos.
    expect(replay.json.blocks[0]).toEqual(first.json.blocks[0]);
    const rows = await e.db.db.selectFrom('kudos').select(['message', 'revoked_at']).orderBy('id').execute();
    expect(rows.map((r) => [r.message, r.revoked_at !== null])).toEqual([
      ['for the first kudos of the morning', false],
      ['for the second kudos of the morning', true],
    ]);
    // Only the withdrawn kudos' post is redrawn.
    const second = await e.db.db.selectFrom('kudos').select('post_ts').where('message', '=', 'for the second kudos of the morning').executeTakeFirstOrThrow();
    expect(new Set(e.fake.callsTo('chat.update').map((c) => c.params.ts))).toEqual(new Set([second.post_ts]));
  });

  it('/thanks alone opens the give-kudos modal with the current channel preselected', async () => {
    const trigger = triggerId();
    const res = await e.thanks('', { trigger_id: trigger, channel_id: 'C0RANDOM' });
    expect(res.status).toBe(200);
    expect(res.text).toBe('');
    const open = e.fake.callsTo('views.open')[0];
    expect(open.params.trigger_id).toBe(trigger);
    const view = open.params.view;
    expect(view.callback_id).toBe('give_kudos_modal');
    expect(view.blocks.map((b: any) => b.block_id).filter(Boolean)).toEqual(['recipients', 'values', 'message', 'channel']);
    expect(view.blocks.find((b: any) => b.block_id === 'channel').element.initial_conversation).toBe('C0RANDOM');
  });

  it('says so when the modal cannot be opened (an expired trigger_id)', async () => {
    e.fake.fail('views.open', { error: 'expired_trigger_id' });
    const res = await e.thanks('');
    expect(res.json.text).toContain("couldn't open the kudos form");
  });
});
