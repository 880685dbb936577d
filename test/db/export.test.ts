import type { Kysely } from 'kysely';
import { connectWorkspace } from '../../src/core/workspaces';
import { CSV_COLUMNS, exportKudos, type ExportRecord, type ExportOptions } from '../../src/core/export';
import { exportPages } from '../../src/db/queries/export';
import type { Database, KudosSource, WorkspaceRow } from '../../src/db/schema';
import { parseCsv, spreadsheetSafe } from '../helpers/csv';
import { testDatabases, useTestDb } from '../helpers/db';
import { seedLedger } from '../helpers/seed-kudos';
import { seededRandom } from '../../src/cli/seed-demo';

/** A seeded PRNG (the demo seed's), so a failing history can be replayed from its seed. */
const prng = seededRandom;


const NAMES = ['Ann', 'Bo, Jr.', 'Cy "the fixer"', 'Di\nLine', '=HYPERLINK("x")', '+1 555', '-dash', '@here', '\tTab', '\rCR', 'Zoë 🎉', "O'Neil", 'semi;colon'];
const WORDS = ['thanks', 'for', 'the', 'help,', '"really"', 'great\nwork', '=1+2', '-', '@channel', 'ünïcode', '🎉', '\r\n', '\t', ',', '""'];
const SOURCES: KudosSource[] = ['command', 'modal', 'shortcut', 'reaction', 'pileon', 'teams_message', 'teams_form', 'teams_pileon'];
const DAY = 24 * 3600 * 1000;
const BASE = Date.parse('2026-06-15T12:00:00Z');

interface History {
  a: WorkspaceRow;
  b: WorkspaceRow;
  from?: Date;
  to?: Date;
  /** A person of workspace a with a kudos they gave themselves too, sometimes ("both"). */
  people: number[];
}

/**
 * A random history: two workspaces, people with awkward names, kudos with 1–3 recipients, 0–2 values, some
 * withdrawn (by someone, or by nobody recorded), some exactly on the range's edges, ids not in time order.
 */
async function generate(db: Kysely<Database>, rand: () => number, seed: number): Promise<History> {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const a = await connectWorkspace(db, { platform: 'slack', externalId: `TA${seed}`, name: 'A' });
  const b = await connectWorkspace(db, { platform: 'teams', externalId: `tenant-b-${seed}`, name: 'B' });
  const from = rand() < 0.8 ? new Date(BASE - int(0, 5) * DAY) : undefined;
  const to = rand() < 0.8 ? new Date(BASE + int(0, 5) * DAY) : undefined;
  const peopleOf: Record<number, number[]> = {};
  for (const ws of [a, b]) {
    const n = int(3, 6);
    const rows = await db
      .insertInto('person')
      .values(Array.from({ length: n }, (_, i) => ({ workspace_id: ws.id, external_id: `${ws.platform === 'slack' ? 'U' : '29:'}${ws.id}-${i}`, display_name: pick(NAMES) })))
      .returning('id')
      .execute();
    peopleOf[ws.id] = rows.map((r) => r.id);
    const values = (await db.selectFrom('value').select('id').where('workspace_id', '=', ws.id).execute()).map((v) => v.id);
    const count = int(0, 30);
    for (let k = 0; k < count; k++) {
      const edge = rand();
      const at =
        edge < 0.1 && from ? from : edge < 0.2 && to ? to : edge < 0.25 && to ? new Date(to.getTime() - 1) : new Date(BASE + (rand() - 0.5) * 16 * DAY);
      const people = peopleOf[ws.id];
      const giver = pick(people);
      // Now and then a giver among their own recipients, to show the role "both".
      const others = people.filter((p) => p !== giver || rand() < 0.1);
      const recipients = [...new Set(Array.from({ length: int(1, 3) }, () => pick(others)))];
      const revoked = rand() < 0.25;
      const kudos = await db
        .insertInto('kudos')
        .values({
          workspace_id: ws.id,
          giver_id: giver,
          source: pick(SOURCES),
          source_key: `gen:${ws.id}:${k}`,
          message: Array.from({ length: int(0, 6) }, () => pick(WORDS)).join(pick([' ', '', ','])),
          channel_id: rand() < 0.7 ? `C${int(1, 9)}` : null,
          campaign_key: rand() < 0.2 ? pick(['2026-W24', 'pride', '-risky']) : null,
          created_at: at,
          local_day: at.toISOString().slice(0, 10),
          revoked_at: revoked ? new Date(at.getTime() + 300_000) : null,
          revoked_by: revoked && rand() < 0.7 ? pick(people) : null,
          revoked_reason: revoked ? 'undo' : null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db
        .insertInto('kudos_recipient')
        .values(recipients.map((r, position) => ({ kudos_id: kudos.id, workspace_id: ws.id, recipient_id: r, created_at: at, position })))
        .execute();
      const tags = [...new Set(Array.from({ length: int(0, 2) }, () => pick(values)))];
      if (tags.length) await db.insertInto('kudos_value').values(tags.map((v) => ({ kudos_id: kudos.id, value_id: v, workspace_id: ws.id }))).execute();
    }
  }
  return { a, b, from, to, people: peopleOf[a.id] };
}

/** The oracle: what the ledger tables say, read with plain selects and put together here. */
async function expected(db: Kysely<Database>, ws: WorkspaceRow, o: { from?: Date; to?: Date; personId?: number }): Promise<ExportRecord[]> {
  const kudos = await db.selectFrom('kudos').selectAll().where('workspace_id', '=', ws.id).orderBy('id').execute();
  const people = new Map((await db.selectFrom('person').selectAll().execute()).map((p) => [p.id, p]));
  const recipients = await db.selectFrom('kudos_recipient').selectAll().orderBy('position').orderBy('recipient_id').execute();
  const values = await db.selectFrom('kudos_value').innerJoin('value', 'value.id', 'kudos_value.value_id').select(['kudos_id', 'slug', 'position', 'value.id']).orderBy('position').orderBy('value.id').execute();
  const out: ExportRecord[] = [];
  for (const k of kudos) {
    const at = new Date(k.created_at);
    if (o.from && at < o.from) continue;
    if (o.to && at >= o.to) continue;
    const rs = recipients.filter((r) => r.kudos_id === k.id).map((r) => r.recipient_id);
    const gave = k.giver_id === o.personId;
    const received = o.personId !== undefined && rs.includes(o.personId);
    if (o.personId !== undefined && !gave && !received) continue;
    const by = k.revoked_by === null ? undefined : people.get(k.revoked_by)!;
    out.push({
      id: k.id,
      created_at: at.toISOString(),
      source: k.source,
      channel_id: k.channel_id,
      giver: { id: people.get(k.giver_id)!.external_id, name: people.get(k.giver_id)!.display_name },
      recipients: rs.map((id) => ({ id: people.get(id)!.external_id, name: people.get(id)!.display_name })),
      values: values.filter((v) => v.kudos_id === k.id).map((v) => v.slug),
      message: k.message,
      campaign_key: k.campaign_key,
      withdrawn_at: k.revoked_at ? new Date(k.revoked_at).toISOString() : null,
      withdrawn_by: by ? { id: by.external_id, name: by.display_name } : null,
      ...(o.personId !== undefined ? { role: gave && received ? ('both' as const) : gave ? ('gave' as const) : ('received' as const) } : {}),
    });
  }
  return out;
}

/** The CSV row the export should write for a record. */
function csvCells(r: ExportRecord): string[] {
  const cells = [
    String(r.id),
    r.created_at,
    r.source,
    r.channel_id ?? '',
    r.giver.id,
    r.giver.name,
    r.recipients.map((p) => p.id).join(';'),
    r.recipients.map((p) => p.name).join(';'),
    r.values.join(';'),
    r.message,
    r.campaign_key ?? '',
    r.withdrawn_at ?? '',
    r.withdrawn_by?.id ?? '',
    r.withdrawn_by?.name ?? '',
    ...(r.role ? [r.role] : []),
  ];
  return cells.map(spreadsheetSafe);
}

async function text(chunks: AsyncIterable<string>): Promise<string> {
  let s = '';
  for await (const c of chunks) s += c;
  return s;
}

describe.each(testDatabases())('exporting the ledger on %s', (kind) => {
  const t = useTestDb(kind);

  const both = async (ws: WorkspaceRow, o: Omit<ExportOptions, 'format'>) => ({
    csv: await text(exportKudos(t.db, ws, { ...o, format: 'csv' })),
    json: await text(exportKudos(t.db, ws, { ...o, format: 'json' })),
  });

  it('writes every kudos in range once, with the fields the ledger holds, in CSV and JSON (25 random histories)', async () => {
    // What the histories exercised, so a generator that stopped producing a case would show.
    const seen = new Set<string>();
    for (let seed = 1; seed <= 25; seed++) {
      // Histories pile up in one database: every earlier one is another workspace that must not leak in.
      const rand = prng(seed);
      const h = await generate(t.db, rand, seed);
      const personId = h.people[Math.floor(rand() * h.people.length)];
      for (const o of [{ from: h.from, to: h.to }, { from: h.from, to: h.to, person: { id: personId } }]) {
        const want = await expected(t.db, h.a, { from: o.from, to: o.to, personId: o.person?.id });
        const { csv, json } = await both(h.a, o);
        const context = `seed ${seed}${o.person ? ', person' : ''}`;

        const parsed = JSON.parse(json) as ExportRecord[];
        for (const r of parsed) {
          if (r.role) seen.add(r.role);
          if (r.withdrawn_at) seen.add(r.withdrawn_by ? 'withdrawn by someone' : 'withdrawn by nobody recorded');
          if (r.recipients.length === 3) seen.add('three recipients');
          if (o.from && r.created_at === o.from.toISOString()) seen.add('on from');
        }
        expect({ context, records: parsed }).toEqual({ context, records: want });

        const [header, ...rows] = parseCsv(csv);
        expect(header).toEqual([...CSV_COLUMNS, ...(o.person ? ['role'] : [])]);
        expect({ context, rows }).toEqual({ context, rows: want.map(csvCells) });

        // Nothing of the other workspace, each kudos once.
        const otherIds = new Set((await t.db.selectFrom('kudos').select('id').where('workspace_id', '<>', h.a.id).execute()).map((k) => k.id));
        expect(parsed.filter((r) => otherIds.has(r.id))).toEqual([]);
        expect(new Set(parsed.map((r) => r.id)).size).toBe(parsed.length);

        // Paged in threes, the query gives the same kudos in the same order.
        const ids: number[] = [];
        for await (const page of exportPages(t.db, h.a.id, { from: o.from, to: o.to, personId: o.person?.id }, 3)) ids.push(...page.map((r) => r.id));
        expect({ context, ids }).toEqual({ context, ids: want.map((r) => r.id) });
      }
      // Workspace b's export is b's alone.
      const bWant = await expected(t.db, h.b, {});
      expect(JSON.parse((await both(h.b, {})).json)).toEqual(bWant);
    }
    expect([...seen].sort()).toEqual(['both', 'gave', 'on from', 'received', 'three recipients', 'withdrawn by nobody recorded', 'withdrawn by someone']);
  }, 60_000);

  it('pages through thousands of kudos: each once, in id order, in chunks of a page', async () => {
    const ws = await connectWorkspace(t.db, { platform: 'slack', externalId: 'TBIG', name: 'Big' });
    const people = (await t.db.insertInto('person').values([1, 2, 3, 4].map((i) => ({ workspace_id: ws.id, external_id: `U${i}`, display_name: `P${i}` }))).returning('id').execute()).map((p) => p.id);
    const values = (await t.db.selectFrom('value').select('id').where('workspace_id', '=', ws.id).execute()).map((v) => v.id);
    await seedLedger(t.db, { workspaceId: ws.id, people, valueIds: values, count: 2_500, start: new Date('2026-01-01T00:00:00Z'), end: new Date('2026-07-01T00:00:00Z'), focus: { personId: people[0], receivedEvery: 5, givenEvery: 7 }, revokedEvery: 11 });
    const chunks: string[] = [];
    for await (const c of exportKudos(t.db, ws, { format: 'csv' })) chunks.push(c);
    expect(chunks).toHaveLength(1 + 3); // the header, then pages of 1000, 1000, 500
    const rows = parseCsv(chunks.join('')).slice(1);
    expect(rows).toHaveLength(2_500);
    const ids = rows.map((r) => Number(r[0]));
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    expect(new Set(ids).size).toBe(2_500);

    const mine = JSON.parse(await text(exportKudos(t.db, ws, { format: 'json', person: { id: people[0] } }))) as ExportRecord[];
    const [{ n }] = await t.db
      .selectFrom('kudos as k')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('k.workspace_id', '=', ws.id)
      .where((eb) => eb.or([eb('k.giver_id', '=', people[0]), eb.exists(eb.selectFrom('kudos_recipient as r').select('r.kudos_id').whereRef('r.kudos_id', '=', 'k.id').where('r.recipient_id', '=', people[0]))]))
      .execute();
    expect(mine).toHaveLength(Number(n));
    expect([...new Set(mine.map((r) => r.role))]).toEqual(expect.arrayContaining(['gave', 'received']));
  });

  it('escapes commas, quotes and line breaks (RFC 4180) and defuses spreadsheet formulas', async () => {
    const ws = await connectWorkspace(t.db, { platform: 'slack', externalId: 'TESC', name: 'Esc' });
    const [giver, rec] = await t.db
      .insertInto('person')
      .values([
        { workspace_id: ws.id, external_id: 'U1', display_name: '=cmd|\' /C calc\'!A0' },
        { workspace_id: ws.id, external_id: 'U2', display_name: 'Smith, "Jo"' },
      ])
      .returning('id')
      .execute();
    const messages = ['a, b', 'say "hi"', 'two\nlines', 'cr\rhere', '=SUM(A1:A9)', '+41 79', '-2+3', '@SUM(1)', '\tTAB', '\rlead', 'plain', "'already"];
    for (const [i, message] of messages.entries()) {
      const k = await t.db
        .insertInto('kudos')
        .values({ workspace_id: ws.id, giver_id: giver.id, source: 'command', source_key: `esc:${i}`, message, created_at: new Date(BASE + i * 1000), local_day: '2026-06-15' })
        .returning('id')
        .executeTakeFirstOrThrow();
      await t.db.insertInto('kudos_recipient').values({ kudos_id: k.id, workspace_id: ws.id, recipient_id: rec.id, created_at: new Date(BASE) }).execute();
    }
    const { csv, json } = await both(ws, {});
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe(CSV_COLUMNS.join(','));
    expect(csv).toContain(`,"a, b",`);
    expect(csv).toContain(`,"say ""hi""",`);
    expect(csv).toContain(`,"two\nlines",`);
    expect(csv).toContain(`,"cr\rhere",`);
    expect(csv).toContain(`,'=SUM(A1:A9),`);
    expect(csv).toContain(`,'+41 79,`);
    expect(csv).toContain(`,'-2+3,`);
    expect(csv).toContain(`,'@SUM(1),`);
    expect(csv).toContain(`,'\tTAB,`);
    expect(csv).toContain(`,"'\rlead",`);
    expect(csv).toContain(`,'already,`);
    expect(csv).toContain(`,U1,'=cmd|' /C calc'!A0,U2,"Smith, ""Jo""",`);
    // No bare line feed ends a record: every record ends CRLF, line breaks live only inside quotes.
    expect(csv.endsWith('\r\n')).toBe(true);
    const rows = parseCsv(csv).slice(1);
    expect(rows.map((r) => r[9])).toEqual(messages.map(spreadsheetSafe));
    // JSON keeps every text exactly.
    expect((JSON.parse(json) as ExportRecord[]).map((r) => r.message)).toEqual(messages);
    expect(json.split('\n')).toHaveLength(messages.length + 3); // '[', one object a line, ']', and the final newline
  });

  it('an empty range (or workspace) is a header only, or []', async () => {
    const ws = await connectWorkspace(t.db, { platform: 'slack', externalId: 'TEMPTY', name: 'Empty' });
    expect(await both(ws, {})).toEqual({ csv: `${CSV_COLUMNS.join(',')}\r\n`, json: '[]\n' });
    const p = await t.db.insertInto('person').values({ workspace_id: ws.id, external_id: 'U1', display_name: 'One' }).returning('id').executeTakeFirstOrThrow();
    await t.db.insertInto('kudos').values({ workspace_id: ws.id, giver_id: p.id, source: 'command', source_key: 'k1', message: 'hi', created_at: new Date(BASE), local_day: '2026-06-15' }).execute();
    const none = await both(ws, { from: new Date(BASE + 1), to: new Date(BASE + DAY) });
    expect(none).toEqual({ csv: `${CSV_COLUMNS.join(',')}\r\n`, json: '[]\n' });
    expect(JSON.parse(none.json)).toEqual([]);
    expect((await both(ws, { person: { id: p.id }, from: new Date(BASE + 1) })).csv).toBe(`${[...CSV_COLUMNS, 'role'].join(',')}\r\n`);
  });
});
