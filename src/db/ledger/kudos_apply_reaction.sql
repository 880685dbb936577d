-- Applying reaction events: the last-writer-wins register of reactions, and the kudos it calls for.
--
-- An event is one jsonb record, exactly as src/db/queries/reactions.ts (eventRecord) writes it:
--   { workspace, channel, message_ts, reactor, emoji,  -- the reaction's natural key
--     event_ts, present,                              -- the platform's timestamp; added (true) or removed
--     reaction_group, any_emoji, reactor_id,          -- the kudos group it belongs to, and who reacted
--     at,                                             -- when it is applied (a give's and a revocation's time)
--     give }                                          -- the give record kudos_record takes, or null
-- A group is one reaction, or (any_emoji) one reactor's pile-on on one post, whatever the emoji. `give` is the
-- kudos to record should the group need one, with everything the application decided about it (recipients,
-- values, allowance limit); null when the application's rules refuse it.


-- kudos_apply_reaction: one event, under its group's lock.
--   1. The register (reaction_state, one row per natural key) takes the event unless it already holds this
--      one or a later one (by event_ts): re-deliveries and out-of-order add/remove converge.
--   2. The group's kudos are made to match the register, even when the event was stale (a retry after a stop
--      reconciles too): while the register wants one (the reaction, or for a pile-on any of the reactor's
--      reactions on the post, is present) exactly one kudos counts, given from `give` through kudos_record;
--      otherwise none does. Extra kudos are revoked through kudos_revoke (allowance returned).
-- Outcome: 'given' (o_given, o_used), 'revoked' (o_revoked), 'refused' (wanted, but give is null),
-- 'allowance_exceeded' (o_used), 'stale' (the register held a later event) or 'unchanged'.
create or replace function kudos_apply_reaction(
  p_event jsonb, out o_status text, out o_given int, out o_used int, out o_revoked int[])
language plpgsql as $$
declare
  e record;
  v_give jsonb := nullif(p_event->'give', 'null'::jsonb);
  v_present boolean;
  v_wanted boolean;
  v_active int[];
  v_extra int[];
  v_id int;
  v_round int := 0;
  r record;
begin
  select * into e from jsonb_to_record(p_event) as x(
    workspace int, channel text, message_ts text, reactor text, emoji text, event_ts numeric, present boolean,
    reaction_group text, any_emoji boolean, reactor_id int, at timestamptz);

  -- The caller stored the event durably before acknowledging it, and applying it again changes nothing:
  -- this commit need not wait for the disk.
  perform set_config('synchronous_commit', 'off', true);
  -- One event of a group at a time; each statement below sees the ones before.
  perform pg_advisory_xact_lock(hashtextextended(e.reaction_group, e.workspace));

  insert into reaction_state as s (workspace_id, channel_id, message_ts, reactor, emoji, event_ts, present)
  values (e.workspace, e.channel, e.message_ts, e.reactor, e.emoji, e.event_ts, e.present)
  on conflict (workspace_id, channel_id, message_ts, reactor, emoji)
  do update set event_ts = excluded.event_ts, present = excluded.present, updated_at = now()
  where s.event_ts < excluded.event_ts
  returning s.present into v_present;

  o_revoked := '{}';
  loop
    -- Wanted: this reaction is present (a pile-on: any of the reactor's reactions on the post is).
    if e.any_emoji then
      select exists (
               select 1 from reaction_state s
               where s.workspace_id = e.workspace and s.channel_id = e.channel and s.message_ts = e.message_ts
                 and s.reactor = e.reactor and s.present)
      into v_wanted;
    else
      select coalesce((
               select s.present from reaction_state s
               where s.workspace_id = e.workspace and s.channel_id = e.channel and s.message_ts = e.message_ts
                 and s.reactor = e.reactor and s.emoji = e.emoji), false)
      into v_wanted;
    end if;
    select coalesce(array_agg(k.id order by k.id), '{}') into v_active
    from kudos k
    where k.workspace_id = e.workspace and k.reaction_group = e.reaction_group and k.revoked_at is null;

    if v_wanted and cardinality(v_active) = 0 then
      if v_give is null then
        o_status := 'refused';
        return;
      end if;
      -- The kudos answers for this group. One per event, and per round should a round's key already be taken
      -- by a revoked one.
      r := kudos_record(v_give || jsonb_build_object(
             'reaction_group', e.reaction_group,
             'source_key', (v_give->>'source_key') || case when v_round > 0 then '#' || v_round else '' end));
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
      -- Wanted: all but the oldest go; unwanted: all go.
      v_extra := case when v_wanted then v_active[2:] else v_active end;
      exit when cardinality(v_extra) = 0;
      foreach v_id in array v_extra loop
        if kudos_revoke(jsonb_build_object(
             'workspace', e.workspace, 'id', v_id, 'revoked_by', e.reactor_id,
             'reason', case when v_wanted then 'duplicate_reaction' else 'reaction_removed' end,
             'at', e.at)) = 'revoked' then
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
$$;


-- kudos_apply_reactions: several events (a jsonb array of event records) in one round trip and one
-- transaction, each applied exactly as kudos_apply_reaction applies it alone; a single event is a batch of
-- one. One row per event, `idx` being its position in the array (from 0).
--
-- Every group's lock is taken first, in one order, so that batches applied at once never wait on each other
-- in a circle; then the events go by reactor and day (the allowance rows they lock, in one order too), each
-- group's events in the order given.
create or replace function kudos_apply_reactions(p_events jsonb)
returns table (idx int, o_status text, o_given int, o_used int, o_revoked int[])
language plpgsql as $$
declare
  e record;
  r record;
begin
  perform pg_advisory_xact_lock(s.h)
  from (select distinct hashtextextended(x.ev->>'reaction_group', (x.ev->>'workspace')::int) as h
        from jsonb_array_elements(p_events) as x(ev)
        order by 1) s;
  for e in
    select (x.ord - 1)::int as i, x.ev
    from jsonb_array_elements(p_events) with ordinality as x(ev, ord)
    order by (x.ev->>'reactor_id')::int, (x.ev->'give'->>'day')::date, x.ord
  loop
    r := kudos_apply_reaction(e.ev);
    idx := e.i;
    o_status := r.o_status;
    o_given := r.o_given;
    o_used := r.o_used;
    o_revoked := r.o_revoked;
    return next;
  end loop;
end
$$;
