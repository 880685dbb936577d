import fc from 'fast-check';
import { resolvePeople } from '../../src/core/people';
import { applyReaction, type ReactionEvent } from '../../src/core/reactions';
import { saveSetting } from '../../src/core/settings-store';
import { DEFAULT_VALUES } from '../../src/core/values';
import { applyReactionWrite, type ReactionWrite } from '../../src/db/queries/reactions';
import { upsertWorkspace } from '../../src/db/queries/workspaces';
import type { PersonRow, WorkspaceRow } from '../../src/db/schema';
import type { CoreDeps } from '../../src/core/give';
import { testDatabases, useTestDb } from '../helpers/db';
import { MemoryDirectory } from '../helpers/directory';

describe.each(testDatabases())('reaction ledger invariants on %s', (kind) => {
  const t = useTestDb(kind);
  let ws: WorkspaceRow;
  let deps: CoreDeps;
  let reactors: PersonRow[];

  beforeEach(async () => {
    const dir = new MemoryDirectory().add('UAUTHOR').add('UR1').add('UR2');
    deps = { db: t.db, directory: dir, clock: () => new Date('2026-05-04T10:00:00Z') };
    ws = await upsertWorkspace(t.db, { platform: 'slack', externalId: 'T1' }, DEFAULT_VALUES);
    await saveSetting(t.db, { workspaceId: ws.id, key: 'allowancePerDay', value: null, expectedVersion: 0, actorId: null });
    const people = await resolvePeople(t.db, dir, ws, ['UAUTHOR', 'UR1', 'UR2'], deps.clock());
    reactors = ['UR1', 'UR2'].map((id) => {
      const r = people.get(id)!;
      if (!r.found) throw new Error('missing');
      return r.person;
    });
  });

  const event = (reactor: PersonRow, emoji: string, added: boolean, ts: number): ReactionEvent => ({
    workspace: ws,
    reactor,
    emoji,
    channelId: 'C1',
    messageTs: '1700000000.000001',
    eventTs: `${1_700_000_000 + ts}.000000`,
    added,
    target: { kind: 'message', author: 'UAUTHOR', permalink: null, valueSlugs: [] },
  });

  const counting = async () =>
    (await t.db.selectFrom('kudos').select(['giver_id', 'emoji']).where('revoked_at', 'is', null).execute()).map((k) => `${k.giver_id}:${k.emoji}`).sort();

  it('ends in the state of the latest event per reaction, whatever the order and overlap of processing', async () => {
    await fc.assert(
      fc.asyncProperty(
        // A history of add/remove events by two people with two emoji, then a delivery order with repeats.
        fc.array(fc.record({ who: fc.integer({ min: 0, max: 1 }), emoji: fc.constantFrom('clap', 'tada'), added: fc.boolean() }), { minLength: 1, maxLength: 12 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.integer({ min: 1, max: 6 }),
        async (history, repeats, batch) => {
          await t.db.deleteFrom('kudos_recipient').execute();
          await t.db.deleteFrom('kudos_value').execute();
          await t.db.deleteFrom('kudos').execute();
          await t.db.deleteFrom('reaction_state').execute();
          await t.db.deleteFrom('allowance_usage').execute();
          const events = history.map((h, i) => event(reactors[h.who], h.emoji, h.added, i + 1));
          const deliveries = [...events, ...repeats.map((r) => events[r % events.length])].reverse();
          // Deliver in groups processed concurrently: out of order, overlapping, repeated.
          for (let i = 0; i < deliveries.length; i += batch) {
            await Promise.all(deliveries.slice(i, i + batch).map((e) => applyReaction(deps, e)));
          }
          const latest = new Map<string, boolean>();
          for (const e of events) latest.set(`${e.reactor.id}:${e.emoji}`, e.added);
          const expected = [...latest].filter(([, present]) => present).map(([k]) => k).sort();
          expect(await counting()).toEqual(expected);
        },
      ),
      { numRuns: kind === 'pglite' ? 40 : 120 },
    );
  });

  it('finishes an event whose register write landed without its kudos', async () => {
    const e = event(reactors[0], 'clap', true, 1);
    // The register knows the reaction, the ledger has no kudos for it (data from before an upgrade, say).
    await t.db
      .insertInto('reaction_state')
      .values({ workspace_id: ws.id, channel_id: e.channelId, message_ts: e.messageTs, reactor: 'UR1', emoji: 'clap', event_ts: e.eventTs, present: true })
      .execute();
    expect(await counting()).toEqual([]);
    // Applied again (the sweeper found it unprocessed): the register calls it stale, the group is still fixed.
    await applyReaction(deps, e);
    expect(await counting()).toEqual([`${reactors[0].id}:clap`]);
    await applyReaction(deps, e);
    expect(await counting()).toEqual([`${reactors[0].id}:clap`]);
  });

  it('applies events arriving together in one batch, in order within a group', async () => {
    // The first goes at once; the others wait for it and share the next round trip.
    const outcomes = await Promise.all([
      applyReaction(deps, event(reactors[1], 'tada', true, 1)),
      applyReaction(deps, event(reactors[0], 'clap', true, 2)),
      applyReaction(deps, event(reactors[0], 'clap', false, 3)),
      applyReaction(deps, event(reactors[1], 'clap', true, 4)),
      applyReaction(deps, event(reactors[0], 'clap', true, 2)), // a re-delivery of the second
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['given', 'given', 'revoked', 'given', 'stale']);
    expect(await counting()).toEqual([`${reactors[1].id}:clap`, `${reactors[1].id}:tada`].sort());
  });

  it('applies the others of a batch when one event in it fails', async () => {
    const write = (reactor: PersonRow, ts: number, recipientIds: number[]): ReactionWrite => {
      const group = `reaction:C1:1700000000.000001:${reactor.external_id}:clap@${ts}`;
      return {
        key: { workspaceId: ws.id, channelId: 'C1', messageTs: `1700000000.00000${ts}`, reactor: reactor.external_id, emoji: 'clap' },
        eventTs: `${1_700_000_000 + ts}.000000`,
        present: true,
        group,
        anyEmoji: false,
        reactorId: reactor.id,
        at: deps.clock(),
        give: {
          workspaceId: ws.id, giverId: reactor.id, source: 'reaction', sourceKey: `${group}@${ts}`, message: '', channelId: 'C1',
          messageTs: `1700000000.00000${ts}`, permalink: null, emoji: 'clap', parentId: null, reactionGroup: group, campaignKey: null,
          createdAt: deps.clock(), day: '2026-05-04', recipientIds, valueIds: [], limit: null, notifyBy: null,
        },
      };
    };
    const author = await t.db.selectFrom('person').select('id').where('external_id', '=', 'UAUTHOR').executeTakeFirstOrThrow();
    // The first goes alone; the next two share a round trip, and the second of them names nobody who exists.
    const results = await Promise.allSettled([
      applyReactionWrite(t.db, write(reactors[0], 1, [author.id])),
      applyReactionWrite(t.db, write(reactors[1], 2, [author.id])),
      applyReactionWrite(t.db, write(reactors[0], 3, [2_000_000_000])),
    ]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value.status : 'failed'))).toEqual(['given', 'given', 'failed']);
    expect(await counting()).toEqual([`${reactors[0].id}:clap`, `${reactors[1].id}:clap`].sort());
  });

  it('keeps the allowance equal to the kudos that count', async () => {
    for (let i = 1; i <= 6; i++) await applyReaction(deps, event(reactors[0], i % 2 ? 'clap' : 'tada', i % 3 !== 0, i));
    const usage = await t.db.selectFrom('allowance_usage').select('used').executeTakeFirstOrThrow();
    expect(usage.used).toBe((await counting()).length);
  });
});
