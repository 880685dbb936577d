import { sql, type Kysely } from 'kysely';

// Frozen in time: never import from src/ here. A later change to these functions is a new migration that
// replaces them.

/**
 * The ledger's writes as functions, so that each one is a single round trip however many rows it touches:
 *
 * - kudos_record: a kudos with its recipients (in the order named), values, allowance and queued DMs.
 *   Keyed by (workspace, source_key): a repeat records nothing. The allowance only grows while
 *   `used + n <= limit`, a condition Postgres re-checks on the locked row, so concurrent gives never pass it.
 * - kudos_revoke: marks a kudos revoked (never deletes it) and gives its allowance back to the day it came from.
 * - kudos_apply_reaction: one reaction event, under its group's lock: the last-writer-wins register, then the
 *   group's kudos made to match it (one counting while the register wants one, none otherwise);
 *   kudos_apply_reactions applies several in one transaction.
 *
 * - inbox_mark_processed: marks stored platform events processed, without waiting for the disk (a mark lost
 *   to a stop only means an event is applied again, which changes nothing).
 *
 * The rules (who may be thanked, which values, messages) stay in the application; these only keep the books.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create function kudos_record(
      p_workspace int, p_giver int, p_source text, p_source_key text, p_message text,
      p_channel text, p_message_ts text, p_permalink text, p_emoji text, p_parent int, p_reaction_group text,
      p_campaign text, p_created_at timestamptz, p_day date, p_recipients int[], p_values int[],
      p_limit int, p_notify_by timestamptz,
      out o_status text, out o_kudos_id int, out o_used int)
    language plpgsql as $$
    declare
      n int := coalesce(cardinality(p_recipients), 0);
    begin
      insert into kudos (workspace_id, giver_id, source, source_key, message, channel_id, message_ts, permalink, emoji,
                         parent_id, reaction_group, campaign_key, post_status, created_at, local_day)
      values (p_workspace, p_giver, p_source, p_source_key, p_message, p_channel, p_message_ts, p_permalink, p_emoji,
              p_parent, p_reaction_group, p_campaign, case when p_reaction_group is null then 'pending' else 'none' end,
              p_created_at, p_day)
      on conflict (workspace_id, source_key) do nothing
      returning id into o_kudos_id;
      if o_kudos_id is null then
        o_status := 'duplicate';
        return;
      end if;

      insert into allowance_usage as a (workspace_id, person_id, day, used)
      select p_workspace, p_giver, p_day, n
      where p_limit is null or n <= p_limit
      on conflict (person_id, day) do update set used = a.used + excluded.used
      where p_limit is null or a.used + excluded.used <= p_limit
      returning a.used into o_used;
      if o_used is null then
        -- Not enough left: the kudos goes, as if never inserted (nothing refers to it yet).
        delete from kudos where id = o_kudos_id;
        o_kudos_id := null;
        select coalesce((select a.used from allowance_usage a where a.person_id = p_giver and a.day = p_day), 0) into o_used;
        o_status := 'allowance_exceeded';
        return;
      end if;

      insert into kudos_recipient (kudos_id, workspace_id, recipient_id, position, created_at)
      select o_kudos_id, p_workspace, u.rid, u.pos - 1, p_created_at
      from unnest(p_recipients) with ordinality as u(rid, pos);

      insert into kudos_value (kudos_id, value_id, workspace_id)
      select o_kudos_id, vid, p_workspace from unnest(p_values) as vid;

      if p_notify_by is not null then
        -- A recipient with a batch already waiting joins it; otherwise a new one is due by p_notify_by.
        insert into dm_outbox (workspace_id, recipient_id, kudos_id, due_at)
        select p_workspace, p.id, o_kudos_id,
               coalesce((select min(o.due_at) from dm_outbox o
                         where o.workspace_id = p_workspace and o.recipient_id = p.id and o.sent_at is null),
                        p_notify_by)
        from person p
        where p.workspace_id = p_workspace and p.id = any(p_recipients) and p.dm_enabled
        on conflict (kudos_id, recipient_id) do nothing;
      end if;
      o_status := 'recorded';
    end
    $$`.execute(db);

  await sql`
    create function kudos_revoke(p_workspace int, p_id int, p_by int, p_reason text, p_at timestamptz)
    returns text
    language plpgsql as $$
    declare
      k record;
    begin
      select id, giver_id, local_day, revoked_at into k
      from kudos where workspace_id = p_workspace and id = p_id
      for update;
      if not found then return 'not_found'; end if;
      if k.revoked_at is not null then return 'already_revoked'; end if;
      update kudos set revoked_at = p_at, revoked_by = p_by, revoked_reason = p_reason where id = p_id;
      update allowance_usage a
      set used = greatest(a.used - (select count(*) from kudos_recipient r where r.kudos_id = p_id), 0)
      where a.person_id = k.giver_id and a.day = k.local_day;
      return 'revoked';
    end
    $$`.execute(db);

  await sql`
    create function kudos_apply_reaction(
      -- the event: its natural key, its timestamp, added or removed
      p_workspace int, p_channel text, p_message_ts text, p_reactor text, p_emoji text, p_event_ts numeric,
      p_present boolean,
      -- its group (one reaction, or one reactor's pile-on on a post, whatever the emoji) and the reactor
      p_group text, p_any_emoji boolean, p_reactor_id int,
      -- the kudos to give when the group needs one; p_can_give is false when the rules refuse it
      p_can_give boolean, p_source text, p_source_key text, p_permalink text, p_parent int, p_campaign text,
      p_at timestamptz, p_day date, p_recipients int[], p_values int[], p_limit int, p_notify_by timestamptz,
      out o_status text, out o_given int, out o_used int, out o_revoked int[])
    language plpgsql as $$
    declare
      v_present boolean;
      v_wanted boolean;
      v_active int[];
      v_extra int[];
      v_id int;
      v_round int := 0;
      r record;
    begin
      -- The caller stored the event durably before acknowledging it, and applying it again changes nothing:
      -- this commit need not wait for the disk.
      perform set_config('synchronous_commit', 'off', true);
      -- One event of a group at a time; each statement below sees the ones before.
      perform pg_advisory_xact_lock(hashtextextended(p_group, p_workspace));

      insert into reaction_state as s (workspace_id, channel_id, message_ts, reactor, emoji, event_ts, present)
      values (p_workspace, p_channel, p_message_ts, p_reactor, p_emoji, p_event_ts, p_present)
      on conflict (workspace_id, channel_id, message_ts, reactor, emoji)
      do update set event_ts = excluded.event_ts, present = excluded.present, updated_at = now()
      where s.event_ts < excluded.event_ts
      returning s.present into v_present;

      o_revoked := '{}';
      -- Even an event the register has seen (a re-delivery, a retry after a stop) reconciles the group.
      loop
        -- Wanted: this reaction is present (a pile-on: any of the reactor's reactions on the post is).
        if p_any_emoji then
          select exists (
                   select 1 from reaction_state s
                   where s.workspace_id = p_workspace and s.channel_id = p_channel and s.message_ts = p_message_ts
                     and s.reactor = p_reactor and s.present)
          into v_wanted;
        else
          select coalesce((
                   select s.present from reaction_state s
                   where s.workspace_id = p_workspace and s.channel_id = p_channel and s.message_ts = p_message_ts
                     and s.reactor = p_reactor and s.emoji = p_emoji), false)
          into v_wanted;
        end if;
        select coalesce(array_agg(k.id order by k.id), '{}') into v_active
        from kudos k
        where k.workspace_id = p_workspace and k.reaction_group = p_group and k.revoked_at is null;

        if v_wanted and cardinality(v_active) = 0 then
          if not p_can_give then
            o_status := 'refused';
            return;
          end if;
          -- One kudos per event (and per round, should a round's key already be taken by a revoked one).
          r := kudos_record(
            p_workspace, p_reactor_id, p_source,
            p_source_key || case when v_round > 0 then '#' || v_round else '' end, '',
            p_channel, p_message_ts, p_permalink, p_emoji, p_parent, p_group, p_campaign, p_at, p_day,
            p_recipients, p_values, p_limit, p_notify_by);
          if r.o_status = 'allowance_exceeded' then
            o_status := 'allowance_exceeded';
            o_used := r.o_used;
            return;
          end if;
          if r.o_status = 'recorded' then
            o_given := r.o_kudos_id;
            o_used := r.o_used;
          end if;
        else
          v_extra := case when v_wanted then v_active[2:] else v_active end;
          exit when cardinality(v_extra) = 0;
          foreach v_id in array v_extra loop
            if kudos_revoke(p_workspace, v_id, p_reactor_id,
                            case when v_wanted then 'duplicate_reaction' else 'reaction_removed' end, p_at) = 'revoked' then
              o_revoked := o_revoked || v_id;
            end if;
          end loop;
        end if;
        v_round := v_round + 1;
        exit when v_round >= 6;
      end loop;

      o_status := case
        when o_given is not null and not (o_given = any(o_revoked)) then 'given'
        when cardinality(o_revoked) > 0 and o_given is null then 'revoked'
        when v_present is null then 'stale'
        else 'unchanged'
      end;
    end
    $$`.execute(db);

  await sql`
    create function kudos_apply_reactions(p_events jsonb)
    returns table (idx int, o_status text, o_given int, o_used int, o_revoked int[])
    language plpgsql as $$
    declare
      e record;
      r record;
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

  await sql`
    create function inbox_mark_processed(p_ids bigint[], p_at timestamptz) returns void
    language plpgsql as $$
    begin
      perform set_config('synchronous_commit', 'off', true);
      update event_inbox set processed_at = p_at, locked_until = null, last_error = null where id = any(p_ids);
    end
    $$`.execute(db);

  // Refusing by raising is no longer how a record says no.
  await sql`drop function if exists kudos_refuse(text)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    create or replace function kudos_refuse(reason text) returns integer
    language plpgsql as $$
    begin
      raise exception using errcode = 'KD001', message = reason;
    end
    $$`.execute(db);
  await sql`drop function if exists inbox_mark_processed(bigint[], timestamptz)`.execute(db);
  await sql`drop function if exists kudos_apply_reactions(jsonb)`.execute(db);
  await sql`drop function if exists kudos_apply_reaction(int, text, text, text, text, numeric, boolean, text, boolean, int, boolean, text, text, text, int, text, timestamptz, date, int[], int[], int, timestamptz)`.execute(db);
  await sql`drop function if exists kudos_revoke(int, int, int, text, timestamptz)`.execute(db);
  await sql`drop function if exists kudos_record(int, int, text, text, text, text, text, text, text, int, text, text, timestamptz, date, int[], int[], int, timestamptz)`.execute(db);
}
