import type { KyselyPlugin } from 'kysely';
import { DEFAULT_VALUES } from '../../src/core/values';
import { recordKudos, type RecordKudosArgs, type RecordOutcome } from '../../src/db/queries/record-kudos';
import { upsertWorkspace } from '../../src/db/queries/workspaces';
import { testDatabases, useTestDb } from '../helpers/db';

/** Counts the statements a Kysely handle sends (a handle of its own, so it batches on its own too). */
function statementCounter(): KyselyPlugin & { count: number } {
  const counter = {
    count: 0,
    transformQuery: <T>(args: { node: T }): T => {
      counter.count++;
      return args.node;
    },
    transformResult: async <R>(args: { result: R }): Promise<R> => args.result,
  };
  return counter;
}

describe.each(testDatabases())('recording kudos in shared round trips on %s', (kind) => {
  const t = useTestDb(kind);
  let workspaceId: number;
  let people: number[];
  let valueId: number;
  let seq = 0;

  const give = (over: Partial<RecordKudosArgs> = {}): RecordKudosArgs => ({
    workspaceId,
    giverId: people[0],
    source: 'command',
    sourceKey: `key-${++seq}`,
    message: `thanks number ${seq}`,
    channelId: 'C1',
    messageTs: null,
    permalink: null,
    emoji: null,
    parentId: null,
    reactionGroup: null,
    campaignKey: null,
    createdAt: new Date('2026-03-10T15:00:00Z'),
    day: '2026-03-10',
    recipientIds: [people[1]],
    valueIds: [valueId],
    limit: null,
    notifyBy: null,
    ...over,
  });

  beforeEach(async () => {
    const ws = await upsertWorkspace(t.db, { platform: 'slack', externalId: 'T1' }, DEFAULT_VALUES);
    workspaceId = ws.id;
    const rows = await t.db
      .insertInto('person')
      .values(Array.from({ length: 6 }, (_, i) => ({ workspace_id: workspaceId, external_id: `U${i}`, display_name: `person ${i}`, time_zone: 'UTC' })))
      .returning('id')
      .execute();
    people = rows.map((r) => r.id);
    valueId = (await t.db.selectFrom('value').select('id').where('workspace_id', '=', workspaceId).executeTakeFirstOrThrow()).id;
  });

  const keyOf = async (id: number) =>
    (await t.db.selectFrom('kudos').select('source_key').where('id', '=', id).executeTakeFirstOrThrow()).source_key;

  it('records gives made together in shared round trips, each answered with its own kudos', async () => {
    const counter = statementCounter();
    const db = t.db.withPlugin(counter);
    const gives = Array.from({ length: 20 }, (_, i) => give({ giverId: people[i % 3], recipientIds: [people[3 + (i % 3)]] }));
    const outcomes = await Promise.all(gives.map((g) => recordKudos(db, g)));

    // The first goes at once; the 19 made while it was on its way share the next round trip.
    expect(counter.count).toBe(2);
    expect(outcomes.every((o) => o.status === 'recorded')).toBe(true);
    for (const [i, o] of outcomes.entries()) {
      if (o.status !== 'recorded') continue;
      expect(await keyOf(o.id)).toBe(gives[i].sourceKey);
    }
    const recipients = await t.db.selectFrom('kudos_recipient').select(['kudos_id', 'recipient_id']).execute();
    expect(recipients).toHaveLength(20);
    const values = await t.db.selectFrom('kudos_value').select('kudos_id').execute();
    expect(values).toHaveLength(20);
  });

  it('keeps each giver\'s allowance exact inside one batch, first come first served', async () => {
    const first = recordKudos(t.db, give({ giverId: people[5] })); // occupies the round trip; the rest batch
    const gives = Array.from({ length: 8 }, () => give({ limit: 5 }));
    const outcomes = await Promise.all(gives.map((g) => recordKudos(t.db, g)));
    await first;

    expect(outcomes.map((o) => o.status)).toEqual([...Array(5).fill('recorded'), ...Array(3).fill('allowance_exceeded')]);
    expect(outcomes.slice(5)).toEqual(Array(3).fill({ status: 'allowance_exceeded', used: 5 }));
    const usage = await t.db.selectFrom('allowance_usage').select('used').where('person_id', '=', people[0]).executeTakeFirstOrThrow();
    expect(usage.used).toBe(5);
    const given = await t.db.selectFrom('kudos').select('id').where('giver_id', '=', people[0]).execute();
    expect(given).toHaveLength(5);
  });

  it('records a key repeated inside one batch once: the first is recorded, the repeat is a duplicate', async () => {
    const first = recordKudos(t.db, give());
    const once = give();
    const outcomes = await Promise.all([recordKudos(t.db, once), recordKudos(t.db, { ...once, message: 'again' })]);
    await first;

    expect(outcomes[0].status).toBe('recorded');
    expect(outcomes[1]).toEqual({ status: 'duplicate' });
    const rows = await t.db.selectFrom('kudos').select('message').where('source_key', '=', once.sourceKey).execute();
    expect(rows).toEqual([{ message: once.message }]);
  });

  it('fails only the give that cannot be recorded; the others in its batch are recorded', async () => {
    const first = recordKudos(t.db, give());
    const gives = [give(), give({ giverId: 2_000_000_000 }), give({ giverId: people[2] })];
    const settled = await Promise.allSettled(gives.map((g) => recordKudos(t.db, g)));
    await first;

    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const recorded = settled.flatMap((s) => (s.status === 'fulfilled' ? [(s.value as RecordOutcome & { id: number }).id] : []));
    expect(await Promise.all(recorded.map(keyOf))).toEqual([gives[0].sourceKey, gives[2].sourceKey]);
    const keys = (await t.db.selectFrom('kudos').select('source_key').execute()).map((r) => r.source_key);
    expect(keys).not.toContain(gives[1].sourceKey);
    expect(keys).toHaveLength(3);
  });
});
