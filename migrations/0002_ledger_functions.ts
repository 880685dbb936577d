import { sql, type Kysely } from 'kysely';

// Frozen in time: never import from src/ here.

export async function up(db: Kysely<any>): Promise<void> {
  // Lets a single statement abort itself: recording a kudos checks the allowance and inserts in one round trip,
  // and raises this when the allowance would be exceeded, so nothing of the statement remains.
  await sql`
    create or replace function kudos_refuse(reason text) returns integer
    language plpgsql as $$
    begin
      raise exception using errcode = 'KD001', message = reason;
    end
    $$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop function if exists kudos_refuse(text)`.execute(db);
}
