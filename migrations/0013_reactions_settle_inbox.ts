import { sql, type Kysely } from 'kysely';

// Frozen in time: never import from src/ here. A later change to this function is a new migration that
// replaces it.

/**
 * kudos_apply_reactions also settles the stored deliveries its events came from: an event that carries its
 * inbox row's id (`inbox`) is marked processed in the same transaction that applies it, instead of in a
 * round trip of its own afterwards. The mark and the books then commit together.
 *
 * An event the ledger refused (the rules said no, or the allowance ran out) is left for its caller to mark:
 * the caller may still owe the giver a word about it.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create or replace function kudos_apply_reactions(p_events jsonb)
    returns table (idx int, o_status text, o_given int, o_used int, o_revoked int[])
    language plpgsql as $$
    declare
      e record;
      r record;
      v_settled bigint[] := '{}';
      v_at timestamptz;
    begin
      -- Every group's lock first, in one order, so that batches applied at once never wait on each other in a
      -- circle; then the events by giver (the allowance rows they lock, in one order too), each group's
      -- events in the order given.
      perform pg_advisory_xact_lock(s.h)
      from (select distinct hashtextextended(x.grp, x.workspace) as h
            from jsonb_to_recordset(p_events) as x(workspace int, grp text)
            order by 1) s;
      for e in
        select * from jsonb_to_recordset(p_events) as x(
          idx int, workspace int, channel text, message_ts text, reactor text, emoji text, event_ts numeric,
          present boolean, grp text, any_emoji boolean, reactor_id int, can_give boolean, source text,
          source_key text, permalink text, parent int, campaign text, at timestamptz, day date,
          recipients int[], "values" int[], lim int, notify_by timestamptz, inbox bigint)
        order by x.reactor_id, x.day, x.idx
      loop
        r := kudos_apply_reaction(
          e.workspace, e.channel, e.message_ts, e.reactor, e.emoji, e.event_ts, e.present, e.grp, e.any_emoji,
          e.reactor_id, e.can_give, e.source, e.source_key, e.permalink, e.parent, e.campaign, e.at, e.day,
          e.recipients, e."values", e.lim, e.notify_by);
        if e.inbox is not null and r.o_status not in ('refused', 'allowance_exceeded') then
          v_settled := v_settled || e.inbox;
          v_at := greatest(v_at, e.at);
        end if;
        idx := e.idx;
        o_status := r.o_status;
        o_given := r.o_given;
        o_used := r.o_used;
        o_revoked := r.o_revoked;
        return next;
      end loop;
      if cardinality(v_settled) > 0 then
        update event_inbox set processed_at = v_at, locked_until = null, last_error = null
        where id = any(v_settled);
      end if;
    end
    $$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    create or replace function kudos_apply_reactions(p_events jsonb)
    returns table (idx int, o_status text, o_given int, o_used int, o_revoked int[])
    language plpgsql as $$
    declare
      e record;
      r record;
    begin
      perform pg_advisory_xact_lock(s.h)
      from (select distinct hashtextextended(x.grp, x.workspace) as h
            from jsonb_to_recordset(p_events) as x(workspace int, grp text)
            order by 1) s;
      for e in
        select * from jsonb_to_recordset(p_events) as x(
          idx int, workspace int, channel text, message_ts text, reactor text, emoji text, event_ts numeric,
          present boolean, grp text, any_emoji boolean, reactor_id int, can_give boolean, source text,
          source_key text, permalink text, parent int, campaign text, at timestamptz, day date,
          recipients int[], "values" int[], lim int, notify_by timestamptz)
        order by x.reactor_id, x.day, x.idx
      loop
        r := kudos_apply_reaction(
          e.workspace, e.channel, e.message_ts, e.reactor, e.emoji, e.event_ts, e.present, e.grp, e.any_emoji,
          e.reactor_id, e.can_give, e.source, e.source_key, e.permalink, e.parent, e.campaign, e.at, e.day,
          e.recipients, e."values", e.lim, e.notify_by);
        idx := e.idx;
        o_status := r.o_status;
        o_given := r.o_given;
        o_used := r.o_used;
        o_revoked := r.o_revoked;
        return next;
      end loop;
    end
    $$`.execute(db);
}
