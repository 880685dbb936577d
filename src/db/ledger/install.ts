import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';

/**
 * The ledger's SQL functions are defined once, in the .sql files beside this module, and installed from them
 * after the migrations (see README.md here). Editing a file is how a function changes.
 *
 * tsc copies no .sql files: under tsx and jest they are read from here (src/db/ledger); compiled, from the
 * same place in the source tree beside dist/ (dist/src/db/ledger → src/db/ledger), where the image copies
 * them too.
 */
export function ledgerDirFor(moduleDir: string): string {
  return path.basename(path.resolve(moduleDir, '../../..')) === 'dist' ? path.resolve(moduleDir, '../../../../src/db/ledger') : moduleDir;
}

export const LEDGER_DIR = ledgerDirFor(__dirname);

export interface LedgerFile {
  name: string;
  text: string;
  /** Its statements, in order (each `create or replace function …`). */
  statements: string[];
  /** The functions it defines, by name. */
  functions: string[];
}

export interface LedgerSource {
  files: LedgerFile[];
  /** Of every file's name and text: equal hashes, equal functions. */
  hash: string;
  functions: string[];
}

export function readLedgerSource(dir: string = LEDGER_DIR): LedgerSource {
  const names = existsSync(dir) ? readdirSync(dir).filter((n) => n.endsWith('.sql')).sort() : [];
  if (!names.length) throw new Error(`No ledger SQL (*.sql) found in ${dir}: the database functions cannot be installed.`);
  const files = names.map((name): LedgerFile => {
    const text = readFileSync(path.join(dir, name), 'utf8');
    const statements = splitStatements(text);
    const functions = statements.flatMap((s) => {
      const m = /^create\s+(?:or\s+replace\s+)?function\s+("?)(\w+)\1\s*\(/i.exec(stripLeadingComments(s));
      return m ? [m[2].toLowerCase()] : [];
    });
    return { name, text, statements, functions };
  });
  const hash = createHash('sha256');
  for (const f of files) hash.update(`${f.name}\0${f.text}\0`);
  return { files, hash: hash.digest('hex'), functions: [...new Set(files.flatMap((f) => f.functions))].sort() };
}

// Replicas may start at once: one transaction-scoped advisory lock lets one of them install at a time.
const LEDGER_LOCK_ID = 741_852_964;

/**
 * Installs the ledger's functions from their files, in one transaction, unless the database already holds
 * exactly these files (by the hash stored in ledger_install: the files' hash, and the names of the functions
 * they defined). Every function of the names the files define,
 * and of the names the previous installation defined, is dropped first: a changed signature leaves no stale
 * overload behind, and a function removed from the files goes too. Callers see the old set or the new one,
 * never a mix. Returns whether anything was installed.
 */
export async function installLedger(db: Kysely<any>, source: LedgerSource = readLedgerSource()): Promise<{ installed: boolean }> {
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${LEDGER_LOCK_ID})`.execute(trx);
    // The installer's own bookkeeping (as kysely_migration is the migrator's), not part of the app's schema.
    await sql`
      create table if not exists ledger_install (
        singleton boolean primary key default true check (singleton),
        hash text not null,
        functions text[] not null,
        installed_at timestamptz not null default now()
      )`.execute(trx);
    const { rows } = await sql<{ hash: string; functions: string[] }>`select hash, functions from ledger_install`.execute(trx);
    if (rows[0]?.hash === source.hash) return { installed: false };

    const names = [...new Set([...source.functions, ...(rows[0]?.functions ?? [])])];
    const { rows: existing } = await sql<{ signature: string }>`
      select p.oid::regprocedure::text as signature from pg_proc p
      where p.pronamespace = current_schema()::regnamespace and p.proname = any(${names}::text[])
    `.execute(trx);
    for (const { signature } of existing) await sql`drop function ${sql.raw(signature)}`.execute(trx);
    for (const file of source.files) {
      for (const statement of file.statements) await sql.raw(statement).execute(trx);
    }
    await sql`delete from ledger_install`.execute(trx);
    await sql`insert into ledger_install (hash, functions) values (${source.hash}, ${source.functions}::text[])`.execute(trx);
    return { installed: true };
  });
}

/**
 * Splits SQL text into statements at top-level semicolons; semicolons inside comments, quoted strings,
 * quoted identifiers and dollar-quoted bodies do not count. Statements keep the comments before them;
 * a stretch holding nothing but comments is dropped.
 */
export function splitStatements(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  let i = 0;
  const push = (end: number): void => {
    const s = text.slice(start, end).trim();
    if (stripLeadingComments(s) !== '') out.push(s);
    start = end + 1;
  };
  const dollar = /\$(?:[A-Za-z_][A-Za-z_0-9]*)?\$/y;
  while (i < text.length) {
    const c = text[i];
    dollar.lastIndex = i;
    const tag = c === '$' ? dollar.exec(text)?.[0] : undefined;
    if (text.startsWith('--', i)) {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? text.length : nl + 1;
    } else if (text.startsWith('/*', i)) {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 2;
    } else if (c === "'" || c === '"') {
      let j = i + 1;
      while (j < text.length && !(text[j] === c && text[j + 1] !== c)) j += text[j] === c ? 2 : 1;
      i = j + 1;
    } else if (tag) {
      const end = text.indexOf(tag, i + tag.length);
      if (end < 0) throw new Error(`unterminated ${tag} quote in ledger SQL`);
      i = end + tag.length;
    } else if (c === ';') {
      push(i);
      i++;
    } else {
      i++;
    }
  }
  push(text.length);
  return out;
}

function stripLeadingComments(s: string): string {
  let t = s.trim();
  for (;;) {
    if (t.startsWith('--')) {
      const nl = t.indexOf('\n');
      t = nl < 0 ? '' : t.slice(nl + 1).trim();
    } else if (t.startsWith('/*')) {
      const end = t.indexOf('*/');
      t = end < 0 ? '' : t.slice(end + 2).trim();
    } else {
      return t;
    }
  }
}
