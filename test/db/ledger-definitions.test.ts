import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import { installLedger, LEDGER_DIR, readLedgerSource, splitStatements, type LedgerSource } from '../../src/db/ledger/install';
import { testDatabases, useTestDb } from '../helpers/db';

interface Definition {
  name: string;
  /** Identity arguments, as Postgres prints them. */
  args: string;
  /** pg_get_functiondef, its schema-qualified name unqualified. */
  def: string;
  /** The body as stored (prosrc). */
  body: string;
}

/** Every function in `schema`, keyed by name and identity arguments. */
async function definitionsIn(db: Kysely<any>, schema: string): Promise<Map<string, Definition>> {
  const { rows } = await sql<{ name: string; args: string; def: string; body: string }>`
    select p.proname as name, pg_get_function_identity_arguments(p.oid) as args,
           pg_get_functiondef(p.oid) as def, p.prosrc as body
    from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname = ${schema} and p.prokind = 'f'
  `.execute(db);
  const qualified = new RegExp(`FUNCTION "?${schema}"?\\.`, 'g');
  return new Map(rows.map((r) => [`${r.name}(${r.args})`, { ...r, def: r.def.replace(qualified, 'FUNCTION ') }]));
}

class Rollback extends Error {
  constructor(readonly value: unknown) {
    super('rollback');
  }
}

/** What the files define, as Postgres stores it: installed into a scratch schema in a transaction rolled back. */
async function definitionsOfFiles(db: Kysely<any>, source: LedgerSource): Promise<Map<string, Definition>> {
  const scratch = `ledger_check_${process.pid}_${Date.now()}`;
  try {
    await db.transaction().execute(async (trx) => {
      await sql.raw(`create schema ${scratch}`).execute(trx);
      await sql.raw(`set local search_path to ${scratch}`).execute(trx);
      for (const f of source.files) for (const s of f.statements) await sql.raw(s).execute(trx);
      throw new Rollback(await definitionsIn(trx, scratch));
    });
  } catch (err) {
    if (err instanceof Rollback) return err.value as Map<string, Definition>;
    throw err;
  }
  throw new Error('unreachable');
}

async function currentSchema(db: Kysely<any>): Promise<string> {
  return (await sql<{ s: string }>`select current_schema() as s`.execute(db)).rows[0].s;
}

/** The body between the dollar quotes of each `create … function name(` statement of the files, by name. */
function bodiesInFiles(source: LedgerSource): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of source.files) {
    for (const s of f.statements) {
      const name = /create\s+or\s+replace\s+function\s+(\w+)\s*\(/i.exec(s)?.[1];
      const body = /\bas\s+(\$\w*\$)([\s\S]*)\1/i.exec(s)?.[2];
      if (name && body !== undefined) out.set(name, body);
    }
  }
  return out;
}

describe('ledger SQL files', () => {
  it('are found, and each defines at least one function', () => {
    const source = readLedgerSource();
    expect(source.files.map((f) => f.name)).toEqual(
      expect.arrayContaining(['kudos_record.sql', 'kudos_revoke.sql', 'kudos_apply_reaction.sql', 'inbox_mark_processed.sql']),
    );
    for (const f of source.files) expect(f.functions.length).toBeGreaterThan(0);
    expect(source.functions).toEqual(
      ['inbox_mark_processed', 'kudos_apply_reaction', 'kudos_apply_reactions', 'kudos_record', 'kudos_record_many', 'kudos_revoke'],
    );
  });

  it('split into statements at top-level semicolons only', () => {
    const text = "-- a; comment\ncreate function f() returns text language sql as $x$ select ';' $x$;\n/* ; */ select 'a;''b';\n-- trailing\n";
    expect(splitStatements(text)).toEqual([
      "-- a; comment\ncreate function f() returns text language sql as $x$ select ';' $x$",
      "/* ; */ select 'a;''b'",
    ]);
  });
});

describe.each(testDatabases())('ledger functions on %s', (kind) => {
  const t = useTestDb(kind);

  it('in the database are exactly those of src/db/ledger, as the files define them', async () => {
    const source = readLedgerSource();
    const schema = await currentSchema(t.db);
    const live = await definitionsIn(t.db, schema);
    const files = await definitionsOfFiles(t.db, source);

    // The same functions (no stale overload left behind by an older signature), each defined the same way.
    expect([...live.keys()].sort()).toEqual([...files.keys()].sort());
    for (const [key, def] of files) expect({ key, def: live.get(key)?.def }).toEqual({ key, def: def.def });

    // And each body is the file's text, character for character.
    const bodies = bodiesInFiles(source);
    expect([...bodies.keys()].sort()).toEqual(source.functions);
    for (const d of live.values()) expect({ name: d.name, body: d.body }).toEqual({ name: d.name, body: bodies.get(d.name) });
    // Every function takes one record: a single jsonb argument.
    for (const d of live.values()) expect({ name: d.name, args: d.args.replace(/,?\s*OUT .*$/, '') }).toEqual({ name: d.name, args: expect.stringMatching(/^p_\w+ jsonb$/) });
  });

  it('change when a file changes, and installing unchanged files does nothing', async () => {
    const schema = await currentSchema(t.db);
    const dir = mkdtempSync(path.join(tmpdir(), 'ledger-'));
    try {
      for (const f of readLedgerSource().files) writeFileSync(path.join(dir, f.name), f.text);
      // An edited body, a function removed from the files, and a new one.
      const revoke = path.join(dir, 'kudos_revoke.sql');
      writeFileSync(revoke, readFileSync(revoke, 'utf8').replace('begin\n', 'begin\n  -- edited\n'));
      rmSync(path.join(dir, 'inbox_mark_processed.sql'));
      writeFileSync(path.join(dir, 'zz_probe.sql'), '-- a probe\ncreate or replace function ledger_probe(p jsonb) returns int language sql as $$ select 1 $$;\n');

      const edited = readLedgerSource(dir);
      await installLedger(t.db, readLedgerSource());
      expect(await installLedger(t.db, readLedgerSource())).toEqual({ installed: false });
      expect(await installLedger(t.db, edited)).toEqual({ installed: true });
      const live = await definitionsIn(t.db, schema);
      expect(live.get('kudos_revoke(p_revoke jsonb)')?.body).toContain('-- edited');
      expect([...live.values()].map((d) => d.name)).toContain('ledger_probe');
      expect([...live.values()].map((d) => d.name)).not.toContain('inbox_mark_processed');

      // Back to the real files: the probe (installed before, in no file now) goes, the others come back.
      expect(await installLedger(t.db, readLedgerSource())).toEqual({ installed: true });
      const back = await definitionsIn(t.db, schema);
      expect([...back.values()].map((d) => d.name).sort()).toEqual(readLedgerSource().functions);
      expect(back.get('kudos_revoke(p_revoke jsonb)')?.body).not.toContain('-- edited');
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await installLedger(t.db, readLedgerSource());
    }
  });

  it('are installed by one of two installers starting at once; the other finds them in place', async () => {
    // The hash row is emptied before each test, so both want to install.
    const results = await Promise.all([installLedger(t.db), installLedger(t.db)]);
    expect(results.map((r) => r.installed).sort()).toEqual([false, true]);
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from ledger_install`.execute(t.db);
    expect(rows[0].n).toBe(1);
  });

  it('are read from src/db/ledger when running from the sources', () => {
    expect(LEDGER_DIR).toBe(path.resolve(__dirname, '../../src/db/ledger'));
  });
});
