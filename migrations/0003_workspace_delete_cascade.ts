import { sql, type Kysely } from 'kysely';

// Frozen in time: never import from src/ here.

// Deleting a workspace deletes all its rows. Every table hangs off workspace through person, kudos or value,
// and those references now follow a delete too: people take their kudos given and received, kudos their
// pile-ons, values their tags. References that only say who did something (who withdrew a kudos, who changed
// a setting, who is in the audit log) are cleared instead, so deleting one person would keep those rows.
// Before this, `delete from workspace` failed on the first kudos (kudos_recipient_recipient_id_fkey).
// (event_inbox.workspace_id has no foreign key: a delivery may be stored before its workspace is; the core's
// deleteWorkspace deletes those rows itself.)
const CHANGES: Array<{ table: string; column: string; references: string; onDelete: 'cascade' | 'set null' }> = [
  { table: 'kudos', column: 'giver_id', references: 'person', onDelete: 'cascade' },
  { table: 'kudos', column: 'parent_id', references: 'kudos', onDelete: 'cascade' },
  { table: 'kudos', column: 'revoked_by', references: 'person', onDelete: 'set null' },
  { table: 'kudos_recipient', column: 'recipient_id', references: 'person', onDelete: 'cascade' },
  { table: 'kudos_value', column: 'value_id', references: 'value', onDelete: 'cascade' },
  { table: 'setting', column: 'updated_by', references: 'person', onDelete: 'set null' },
  { table: 'audit_log', column: 'actor_id', references: 'person', onDelete: 'set null' },
];

/** The foreign key on `table (column)`, whatever it was named (the baseline's names are Postgres's defaults). */
async function constraintOn(db: Kysely<any>, table: string, column: string): Promise<string> {
  const { rows } = await sql<{ name: string }>`
    select c.conname as name
    from pg_constraint c
    join pg_attribute a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
    where c.contype = 'f' and c.conrelid = ${table}::regclass and array_length(c.conkey, 1) = 1 and a.attname = ${column}
  `.execute(db);
  if (rows.length !== 1) throw new Error(`expected one foreign key on ${table} (${column}), found ${rows.length}`);
  return rows[0].name;
}

async function setOnDelete(db: Kysely<any>, onDelete: (c: (typeof CHANGES)[number]) => string): Promise<void> {
  for (const c of CHANGES) {
    const name = await constraintOn(db, c.table, c.column);
    await sql`
      alter table ${sql.table(c.table)}
        drop constraint ${sql.id(name)},
        add constraint ${sql.id(name)} foreign key (${sql.id(c.column)}) references ${sql.table(c.references)} (id) on delete ${sql.raw(onDelete(c))}
    `.execute(db);
  }
}

export async function up(db: Kysely<any>): Promise<void> {
  await setOnDelete(db, (c) => c.onDelete);
}

export async function down(db: Kysely<any>): Promise<void> {
  await setOnDelete(db, () => 'no action');
}
