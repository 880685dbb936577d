import { sql } from 'kysely';
import { checkAdmin } from '../../src/core/admin';
import { buildDigest, type DigestData, type DigestPeriod } from '../../src/core/digest';
import { ERASED_NAME, eraseDeactivatedPeople, erasePerson, REMOVED_MESSAGE, scrubText } from '../../src/core/erasure';
import { giveKudos } from '../../src/core/give';
import { resolvePeople, rememberSender } from '../../src/core/people';
import type { Notifier, UseCaseDeps } from '../../src/core/ports';
import { revokeKudos } from '../../src/core/reverse';
import { reportUndelivered } from '../../src/core/undelivered';
import { DEFAULT_VALUES } from '../../src/core/values';
import type { GiveRequest, KudosView } from '../../src/core/types';
import { queueDms, takeOverOwedDms } from '../../src/db/queries/dm-outbox';
import { countGivenAndReceived, loadKudosViews } from '../../src/db/queries/kudos';
import { findPeople, upsertPerson } from '../../src/db/queries/people';
import { upsertWorkspace } from '../../src/db/queries/workspaces';
import type { PersonRow, WorkspaceRow } from '../../src/db/schema';
import { testDatabases, useTestDb, type TestDb } from '../helpers/db';
import { MemoryDirectory } from '../helpers/directory';

/** The Notifier port as a test sees it: records the posts it was asked to redraw; some ids fail. */
class RecordingNotifier implements Notifier {
  readonly updated: KudosView[] = [];
  /** Ids the platform refuses to update (answers false). */
  readonly refuse = new Set<number>();
  /** Ids whose update throws (an outage). */
  readonly explode = new Set<number>();

  async updateKudosPost(_ws: WorkspaceRow, kudos: KudosView): Promise<boolean> {
    this.updated.push(kudos);
    if (this.explode.has(kudos.id)) throw new Error('platform unavailable');
    return !this.refuse.has(kudos.id);
  }
  postKudos(): never {
    throw new Error('not used by erasure');
  }
  findKudosPost(): never {
    throw new Error('not used by erasure');
  }
  sendKudosDm(): never {
    throw new Error('not used by erasure');
  }
  sendNote(): never {
    throw new Error('not used by erasure');
  }
}

const NAME = 'Zelda Quartermaine';
const EMAIL = 'zelda.q@example.com';
/** What Zelda wrote: none of it may be found anywhere after her erasure. */
const HER_MESSAGES = ['for carrying the payroll migration overnight', 'for the calm incident review on Friday', 'for pairing on the flaky login tests'];

/** Every text and json column of every table, searched for each needle (case-insensitive): table.column → hits. */
async function findTraces(t: TestDb, needles: string[]): Promise<Record<string, number>> {
  const { rows: cols } = await sql<{ table_name: string; column_name: string }>`
    select c.table_name, c.column_name from information_schema.columns c
    join information_schema.tables tb on tb.table_schema = c.table_schema and tb.table_name = c.table_name and tb.table_type = 'BASE TABLE'
    where c.table_schema = current_schema() and c.data_type in ('text', 'jsonb', 'json', 'character varying')
    order by 1, 2`.execute(t.db);
  expect(cols.length).toBeGreaterThan(40);
  const patterns = needles.map((n) => `%${n}%`);
  const hits: Record<string, number> = {};
  for (const c of cols) {
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from ${sql.table(c.table_name)} where ${sql.ref(c.column_name)}::text ilike any(${patterns}::text[])`.execute(t.db);
    if (rows[0].n) hits[`${c.table_name}.${c.column_name}`] = rows[0].n;
  }
  return hits;
}

/** Every row of every table, as text, in a stable order. */
async function snapshot(t: TestDb): Promise<Record<string, string[]>> {
  const { rows: tables } = await sql<{ t: string }>`
    select tablename as t from pg_tables where schemaname = current_schema() order by 1`.execute(t.db);
  const out: Record<string, string[]> = {};
  for (const { t: table } of tables) {
    const { rows } = await sql<{ r: string }>`select to_jsonb(x)::text as r from ${sql.table(table)} x order by 1`.execute(t.db);
    out[table] = rows.map((r) => r.r);
  }
  return out;
}

describe.each(testDatabases())('erasing a person on %s', (kind) => {
  const t = useTestDb(kind);
  let now: Date;
  let dir: MemoryDirectory;
  let notifier: RecordingNotifier;
  let deps: UseCaseDeps;
  let ws: WorkspaceRow;
  let seq = 0;

  const give = async (over: Partial<GiveRequest>, at?: Date) => {
    const was = now;
    if (at) now = at;
    const r = await giveKudos(deps, ws, {
      workspaceId: ws.id,
      giver: 'UALICE',
      recipients: ['UBOB'],
      message: 'for the release notes',
      values: [],
      source: 'command',
      sourceKey: `key-${++seq}`,
      ...over,
    });
    now = was;
    if (r.status !== 'given') throw new Error(`not given: ${JSON.stringify(r)}`);
    return r.kudos.id;
  };
  const person = async (id: string): Promise<PersonRow> => (await findPeople(t.db, ws.id, [id]))[0];
  const adminCheck = (id: string) => checkAdmin(deps, ws, id, ['UADMIN']);
  const markPosted = (ids: number[]) =>
    t.db.updateTable('kudos').set((eb) => ({ post_status: 'posted', post_channel_id: 'CKUDOS', post_ts: sql<string>`'1700000000.' || ${eb.ref('id')}` })).where('id', 'in', ids).execute();

  // An old week (Monday 2 February 2026, UTC) and the week before it, for the digest.
  const oldWeek: DigestPeriod = {
    key: '2026-W06',
    start: new Date('2026-02-02T00:00:00Z'),
    end: new Date('2026-02-09T00:00:00Z'),
    previousStart: new Date('2026-01-26T00:00:00Z'),
    timeZone: 'UTC',
  };
  const inOldWeek = new Date('2026-02-04T10:00:00Z');

  /** Zelda's kudos, given and received, with every kind of trace of her Kudos keeps. */
  let k: { given: number; received: number; mentioned: number; revoked: number; unrelated: number; current: number };

  beforeEach(async () => {
    now = new Date('2026-03-10T15:00:00Z');
    dir = new MemoryDirectory().add('UALICE').add('UBOB').add('UCAROL').add('UDAVE').add('UADMIN').add('UZELDA', { displayName: NAME, timeZone: 'Europe/Oslo' });
    dir.people.get('UZELDA')!.platformData = { aadObjectId: '6b3c2a1e-1111-4c5d-9e8f-00000000zzzz', userPrincipalName: EMAIL };
    notifier = new RecordingNotifier();
    deps = { db: t.db, directory: dir, clock: () => now, notifier };
    ws = await upsertWorkspace(t.db, { platform: 'slack', externalId: 'T1' }, DEFAULT_VALUES);

    await give({ message: 'for the retro notes' }, new Date('2026-01-28T10:00:00Z'));
    k = {
      given: await give({ giver: 'UZELDA', recipients: ['UBOB'], message: HER_MESSAGES[0], values: ['empathy'] }, inOldWeek),
      received: await give({ recipients: ['UZELDA', 'UBOB'], message: `thanks <@UZELDA> and ${NAME} for the onboarding docs`, values: ['communication'] }, inOldWeek),
      mentioned: await give({ giver: 'UCAROL', recipients: ['UDAVE'], message: 'learned it from <@UZELDA>, great pairing', values: ['empathy'] }, inOldWeek),
      revoked: await give({ giver: 'UZELDA', recipients: ['UALICE'], message: HER_MESSAGES[1] }, inOldWeek),
      // The week before: the old week's stories can only be hers and Carol's, so the digest shows her.
      unrelated: await give({ giver: 'UBOB', recipients: ['UALICE'], message: 'for the release notes' }, new Date('2026-01-29T10:00:00Z')),
      // This week: a DM to Zelda is still waiting in the outbox.
      current: await give({ giver: 'UZELDA', recipients: ['UCAROL'], message: HER_MESSAGES[2] }),
    };
    // A DM to her that Slack said "not now" to, waiting in the outbox (as publishKudos queues it).
    const welcome = await give({ recipients: ['UZELDA'], message: 'for the warm welcome' });
    await queueDms(t.db, ws.id, welcome, [(await person('UZELDA')).id], now);
    await revokeKudos(deps, ws, k.revoked, { personId: (await person('UADMIN'))?.id ?? null, reason: `duplicate of ${NAME}'s other kudos` });
    await markPosted([k.given, k.received, k.mentioned, k.unrelated]);

    const zelda = await person('UZELDA');
    // Copies of her name and words elsewhere: an answer that never reached her, Teams conversations, raw deliveries.
    await reportUndelivered(t.db, ws, { person: 'UZELDA', said: `Your kudos "${HER_MESSAGES[0]}" was given`, reason: 'channel_not_found' });
    await t.db
      .insertInto('conversation_ref')
      .values([
        { workspace_id: ws.id, conversation_id: 'a:zelda', kind: 'personal', person_id: zelda.id, name: null, reference: JSON.stringify({ user: { id: 'UZELDA', name: NAME }, conversation: { id: 'a:zelda' } }) },
        { workspace_id: ws.id, conversation_id: '19:general', kind: 'channel', person_id: null, name: 'General', reference: JSON.stringify({ user: { id: 'UZELDA', name: NAME }, conversation: { id: '19:general' } }) },
      ])
      .execute();
    await t.db
      .insertInto('event_inbox')
      .values([
        { platform: 'slack', delivery_id: 'Ev1', workspace_id: ws.id, body: JSON.stringify({ event: { user: 'UZELDA', text: `<@UBOB> ${HER_MESSAGES[0]}`, user_profile: { real_name: NAME } } }), processed_at: inOldWeek },
        { platform: 'slack', delivery_id: 'Ev2', workspace_id: ws.id, body: JSON.stringify({ event: { user: 'UBOB', text: 'for the release notes' } }), processed_at: inOldWeek },
      ])
      .execute();
  });

  const traces = () => findTraces(t, [NAME, 'Quartermaine', EMAIL, '<@UZELDA>', ...HER_MESSAGES]);

  it('removes her name, profile and words from every table, and redraws the posts that showed her', async () => {
    expect(Object.keys(await traces()).sort()).toEqual(
      ['audit_log.after', 'conversation_ref.reference', 'event_inbox.body', 'kudos.message', 'kudos.revoked_reason', 'person.display_name', 'person.platform_data'].sort(),
    );
    notifier.explode.add(k.mentioned);
    const check = await adminCheck('UADMIN');
    const r = await erasePerson(deps, ws, { externalId: 'UZELDA' }, { kind: 'admin', check });

    expect(r).toEqual({ status: 'erased', kudosUpdated: 2, updateFailures: 1, kudosIds: [k.given, k.received, k.mentioned], formerName: NAME });
    expect(await traces()).toEqual({});

    const zelda = await person('UZELDA');
    expect(zelda).toMatchObject({ display_name: ERASED_NAME, time_zone: null, platform_data: {}, dm_enabled: false, rankings_enabled: false, erased_at: now });
    // The posts were redrawn from what is stored after the erasure.
    const byId = new Map(notifier.updated.map((v) => [v.id, v]));
    expect([...byId.keys()]).toEqual([k.given, k.received, k.mentioned]);
    expect(byId.get(k.given)).toMatchObject({ giver: { externalId: 'UZELDA', displayName: ERASED_NAME }, message: REMOVED_MESSAGE });
    expect(byId.get(k.received)!.recipients.map((p) => p.displayName)).toEqual([ERASED_NAME, 'User UBOB']);
    expect(byId.get(k.received)!.message).toBe(`thanks ${ERASED_NAME} and ${ERASED_NAME} for the onboarding docs`);
    expect(byId.get(k.mentioned)!.message).toBe(`learned it from ${ERASED_NAME}, great pairing`);
    // Other people's kudos are as they were.
    const [unrelated] = await loadKudosViews(t.db, ws.id, [k.unrelated]);
    expect(unrelated.message).toBe('for the release notes');

    // Audited with counts only: who, whom, how much.
    const audit = await t.db.selectFrom('audit_log').selectAll().where('action', '=', 'person.erase').execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_id: check.person!.id, target: 'UZELDA', before: null });
    expect(audit[0].after).toEqual({
      messagesRemoved: 3,
      kudosMentionsRemoved: 3,
      auditEntriesScrubbed: 1,
      conversationsScrubbed: 2,
      deliveriesEmptied: 1,
      dmsCancelled: 1,
      postsToUpdate: 3,
    });
    // The delivery that named her is kept (a re-delivery is still a duplicate), emptied; the other is untouched.
    const inbox = await t.db.selectFrom('event_inbox').select(['delivery_id', 'body']).orderBy('delivery_id').execute();
    expect(inbox).toEqual([
      { delivery_id: 'Ev1', body: {} },
      { delivery_id: 'Ev2', body: { event: { user: 'UBOB', text: 'for the release notes' } } },
    ]);
  });

  it('keeps every count: kudos, recipients, values, her totals and an old week\'s digest', async () => {
    const counts = async () => {
      const one = async (table: 'kudos' | 'kudos_recipient' | 'kudos_value') =>
        Number((await t.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
      const perValue = await t.db
        .selectFrom('kudos_value as kv')
        .innerJoin('value as v', 'v.id', 'kv.value_id')
        .select(['v.slug', (eb) => eb.fn.countAll<number>().as('n')])
        .groupBy('v.slug')
        .orderBy('v.slug')
        .execute();
      const zelda = await person('UZELDA');
      return {
        kudos: await one('kudos'),
        recipients: await one('kudos_recipient'),
        values: await one('kudos_value'),
        perValue: perValue.map((v) => [v.slug, Number(v.n)]),
        zelda: await countGivenAndReceived(t.db, ws.id, zelda.id, null),
      };
    };
    const numbers = (d: DigestData) => ({ totals: d.totals, previous: d.previous, values: d.values, stories: d.stories.length, quiet: d.quiet });
    const before = await counts();
    const digestBefore = await buildDigest(t.db, ws, oldWeek, { topCount: 3 });
    expect(digestBefore.totals).toMatchObject({ kudos: 4, givers: 3, recipients: 3 });
    expect(digestBefore.previous).toMatchObject({ kudos: 2 });
    expect(JSON.stringify(digestBefore)).toContain(NAME);

    const r = await erasePerson(deps, ws, { externalId: 'UZELDA' }, { kind: 'self', externalId: 'UZELDA' });
    expect(r.status).toBe('erased');

    expect(await counts()).toEqual(before);
    const digestAfter = await buildDigest(t.db, ws, oldWeek, { topCount: 3 });
    expect(numbers(digestAfter)).toEqual(numbers(digestBefore));
    const text = JSON.stringify(digestAfter);
    for (const gone of [NAME, 'Quartermaine', '<@UZELDA>', ...HER_MESSAGES]) expect(text).not.toContain(gone);
    // She is never ranked; where a story names her, it is by the placeholder.
    const zelda = await person('UZELDA');
    expect([...digestAfter.topGivers.entries, ...digestAfter.topRecipients.entries].map((p) => p.id)).not.toContain(zelda.id);
    const named = digestAfter.stories.flatMap((s) => [s.giver, ...s.recipients]).filter((p) => p.id === zelda.id);
    expect(named.length).toBeGreaterThan(0);
    expect(named.every((p) => p.displayName === ERASED_NAME)).toBe(true);

    // A self-erasure is audited with the person as the actor.
    const audit = await t.db.selectFrom('audit_log').select(['actor_id', 'target']).where('action', '=', 'person.erase').execute();
    expect(audit).toEqual([{ actor_id: zelda.id, target: 'UZELDA' }]);
  });

  it('changes nothing the second time', async () => {
    const check = await adminCheck('UADMIN');
    expect((await erasePerson(deps, ws, { externalId: 'UZELDA' }, { kind: 'admin', check })).status).toBe('erased');
    const calls = notifier.updated.length;
    const first = await snapshot(t);
    now = new Date(now.getTime() + 60_000);
    expect(await erasePerson(deps, ws, { externalId: 'UZELDA' }, { kind: 'admin', check })).toEqual({ status: 'already_erased' });
    expect(await erasePerson(deps, ws, { externalId: 'UZELDA' }, { kind: 'self', externalId: 'UZELDA' })).toEqual({ status: 'already_erased' });
    expect(await snapshot(t)).toEqual(first);
    expect(notifier.updated).toHaveLength(calls);
  });

  it('answers not_found for someone Kudos never met, writing nothing', async () => {
    const check = await adminCheck('UADMIN');
    const before = await snapshot(t);
    expect(await erasePerson(deps, ws, { externalId: 'UNOBODY' }, { kind: 'admin', check })).toEqual({ status: 'not_found' });
    expect(await snapshot(t)).toEqual(before);
  });

  it('refuses a self-erasure of someone else, and audits the refusal', async () => {
    const r = await erasePerson(deps, ws, { externalId: 'UZELDA' }, { kind: 'self', externalId: 'UBOB' });
    expect(r).toEqual({ status: 'not_allowed' });
    expect((await person('UZELDA')).display_name).toBe(NAME);
    expect(await t.db.selectFrom('audit_log').select(['action', 'actor_id', 'target', 'before', 'after']).where('action', 'like', 'person.erase%').execute()).toEqual([
      { action: 'person.erase.refused', actor_id: (await person('UBOB')).id, target: 'UZELDA', before: null, after: { reason: 'not_self' } },
    ]);
    expect(notifier.updated).toEqual([]);
  });

  it("refuses a non-admin's admin erasure (and a check made in another workspace), and audits each refusal", async () => {
    const bob = await adminCheck('UBOB');
    expect(bob.admin).toBe(false);
    expect(await erasePerson(deps, ws, { externalId: 'UZELDA' }, { kind: 'admin', check: bob })).toEqual({ status: 'not_allowed' });
    const elsewhere = { ...(await adminCheck('UADMIN')), workspaceId: ws.id + 1000 };
    expect(await erasePerson(deps, ws, { externalId: 'UZELDA' }, { kind: 'admin', check: elsewhere })).toEqual({ status: 'not_allowed' });
    expect((await person('UZELDA')).display_name).toBe(NAME);
    const rows = await t.db.selectFrom('audit_log').select(['action', 'actor_id', 'target', 'after']).where('action', 'like', 'person.erase%').orderBy('id').execute();
    expect(rows).toEqual([
      { action: 'person.erase.refused', actor_id: bob.person!.id, target: 'UZELDA', after: { reason: 'not_admin' } },
      { action: 'person.erase.refused', actor_id: elsewhere.person!.id, target: 'UZELDA', after: { reason: 'not_admin' } },
    ]);
  });

  it('stops her DMs: nothing left to send, and a later kudos queues none', async () => {
    const zelda = await person('UZELDA');
    const unsent = () => t.db.selectFrom('dm_outbox').select('id').where('recipient_id', '=', zelda.id).where('sent_at', 'is', null).execute();
    expect(await unsent()).toHaveLength(1);
    await erasePerson(deps, ws, { externalId: 'UZELDA' }, { kind: 'self', externalId: 'UZELDA' });
    expect(await unsent()).toEqual([]);

    now = new Date(now.getTime() + 10 * 60_000);
    const r = await giveKudos(deps, ws, {
      workspaceId: ws.id,
      giver: 'UBOB',
      recipients: ['UZELDA', 'UCAROL'],
      message: 'for the handover notes',
      values: [],
      source: 'command',
      sourceKey: 'after-erasure',
      notifyBatchMs: 60_000,
    });
    expect(r.status).toBe('given');
    if (r.status !== 'given') return;
    expect(r.notify.map((p) => p.external_id)).toEqual(['UCAROL']);
    // Nor does the outbox take her DMs over when the request that owed them stopped before sending them.
    now = new Date(now.getTime() + 10 * 60_000);
    expect(await takeOverOwedDms(t.db, ws.id, now)).toBe(1); // Carol's
    expect(await unsent()).toEqual([]);
  });

  it('keeps the placeholder whenever the directory refreshes her', async () => {
    await erasePerson(deps, ws, { externalId: 'UZELDA' }, { kind: 'self', externalId: 'UZELDA' });
    now = new Date(now.getTime() + 3 * 24 * 60 * 60_000); // her stored profile is stale: she is looked up again
    const lookups = dir.lookups;
    const resolved = (await resolvePeople(t.db, dir, ws, ['UZELDA'], now)).get('UZELDA');
    expect(dir.lookups).toBe(lookups + 1);
    expect(resolved?.found && resolved.person).toMatchObject({ display_name: ERASED_NAME, time_zone: null, platform_data: {}, profile_fetched_at: now });
    // A Teams message describing its sender, after her profile went stale again.
    now = new Date(now.getTime() + 3 * 24 * 60 * 60_000);
    const sender = await rememberSender(t.db, ws, 'UZELDA', () => ({ ...dir.people.get('UZELDA')!, timeZone: 'Europe/Oslo' }), now);
    expect(sender).toMatchObject({ display_name: ERASED_NAME, time_zone: null, platform_data: {}, profile_fetched_at: now });
    expect(await person('UZELDA')).toMatchObject({ display_name: ERASED_NAME, time_zone: null, platform_data: {}, dm_enabled: false, rankings_enabled: false });
    expect(await traces()).toEqual({});
    // What the platform owns still follows it: a deactivation shows.
    dir.people.get('UZELDA')!.isDeleted = true;
    now = new Date(now.getTime() + 3 * 24 * 60 * 60_000);
    const again = (await resolvePeople(t.db, dir, ws, ['UZELDA'], now)).get('UZELDA');
    expect(again?.found && again.person).toMatchObject({ display_name: ERASED_NAME, is_deleted: true });
  });

  it('auto-erases exactly the people deactivated for longer than the given days', async () => {
    const day = 24 * 60 * 60_000;
    const seen = async (id: string, over: { isDeleted?: boolean; isBot?: boolean }, daysAgo: number | null) =>
      upsertPerson(
        t.db,
        ws.id,
        { externalId: id, displayName: `Name of ${id}`, timeZone: 'UTC', isBot: over.isBot ?? false, isDeleted: over.isDeleted ?? false, isPlatformAdmin: false },
        daysAgo === null ? null : new Date(now.getTime() - daysAgo * day),
      );
    await seen('UGONE40', { isDeleted: true }, 40);
    await seen('UGONE30', { isDeleted: true }, 30); // exactly 30 days: deactivated for 30 days at least
    await seen('UGONE10', { isDeleted: true }, 10);
    await seen('UACTIVE', {}, 40);
    await seen('UBOTGONE', { isDeleted: true, isBot: true }, 40);
    await seen('UPLACEHOLDER', {}, null);
    const erasedEarlier = await seen('UERASED', { isDeleted: true }, 90);
    await t.db.updateTable('person').set({ erased_at: new Date(now.getTime() - 50 * day) }).where('id', '=', erasedEarlier.id).execute();
    // A deactivated giver whose kudos was posted: its post is redrawn too.
    await t.db.updateTable('person').set({ is_deleted: true, profile_fetched_at: new Date(now.getTime() - 45 * day) }).where('external_id', '=', 'UZELDA').execute();

    const r = await eraseDeactivatedPeople(deps, ws, 30, now);
    expect(r).toEqual({ erased: ['UZELDA', 'UGONE40', 'UGONE30'], kudosUpdated: 3, updateFailures: 0 });
    const rows = await t.db.selectFrom('person').select(['external_id', 'display_name', 'erased_at']).where('erased_at', 'is not', null).orderBy('id').execute();
    expect(rows.map((p) => p.external_id)).toEqual(['UZELDA', 'UGONE40', 'UGONE30', 'UERASED']);
    expect(rows.filter((p) => p.external_id !== 'UERASED').every((p) => p.display_name === ERASED_NAME)).toBe(true);
    const audit = await t.db.selectFrom('audit_log').select(['actor_id', 'target', 'after']).where('action', '=', 'person.erase').orderBy('id').execute();
    expect(audit.map((a) => [a.actor_id, a.target, (a.after as { reason?: string }).reason])).toEqual([
      [null, 'UZELDA', 'deactivated'],
      [null, 'UGONE40', 'deactivated'],
      [null, 'UGONE30', 'deactivated'],
    ]);
    // The next night finds nobody new.
    expect(await eraseDeactivatedPeople(deps, ws, 30, new Date(now.getTime() + day))).toEqual({ erased: [], kudosUpdated: 0, updateFailures: 0 });
  });
});

describe('scrubText', () => {
  const traces = { token: '<@UZ>', names: ['Zed Alder'], messages: ['for the calm incident review'] };
  it.each([
    ['thanks <@UZ> for it', 'thanks Former teammate for it'],
    ['thanks zed alder, and ZED ALDER!', 'thanks Former teammate, and Former teammate!'],
    ['Zed Alderson is someone else', 'Zed Alderson is someone else'],
    ['quoting "for the calm incident review" here', 'quoting "(message removed)" here'],
    ['<@UZED> is not <@UZ>', '<@UZED> is not Former teammate'],
  ])('%s', (input, output) => {
    expect(scrubText(input, traces)).toBe(output);
  });
});
