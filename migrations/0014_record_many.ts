import { sql, type Kysely } from 'kysely';

// Frozen in time: never import from src/ here. A later change to this function is a new migration that
// replaces it.

/**
 * kudos_record_many records several kudos in one round trip and one transaction: each item exactly as
 * kudos_record (migration 0012) would record it alone, so a batch changes nothing a single call would not.
 * Gives that reach the database together then share a round trip and a commit, which cost Postgres more
 * than the rows themselves.
 *
 * Items go by giver and day (the allowance rows they lock, in one order, so batches committed at once never
 * wait on each other in a circle), each giver's in the order given. Two items with one source_key: the
 * first is recorded, the second is a duplicate, as if they had come one after the other.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create function kudos_record_many(p_items jsonb)
    returns table (idx int, o_status text, o_kudos_id int, o_used int)
    language plpgsql as $$
    declare
      e record;
      r record;
    begin
      for e in
        select * from jsonb_to_recordset(p_items) as x(
          idx int, workspace int, giver int, source text, source_key text, message text, channel text,
          message_ts text, permalink text, emoji text, parent int, reaction_group text, campaign text,
          created_at timestamptz, day date, recipients int[], "values" int[], lim int, notify_by timestamptz)
        order by x.giver, x.day, x.idx
      loop
        r := kudos_record(
          e.workspace, e.giver, e.source, e.source_key, e.message, e.channel, e.message_ts, e.permalink, e.emoji,
          e.parent, e.reaction_group, e.campaign, e.created_at, e.day, e.recipients, e."values", e.lim,
          e.notify_by);
        idx := e.idx;
        o_status := r.o_status;
        o_kudos_id := r.o_kudos_id;
        o_used := r.o_used;
        return next;
      end loop;
    end
    $$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop function if exists kudos_record_many(jsonb)`.execute(db);
}
