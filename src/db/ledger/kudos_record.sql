-- Recording kudos: the books of a give.
--
-- A give is one jsonb record, exactly as src/db/queries/record-kudos.ts (giveRecord) writes it:
--   { workspace, giver, source, source_key, message, channel, message_ts, permalink, emoji, parent,
--     reaction_group, campaign, created_at, day, recipients: [person id, ...], values: [value id, ...],
--     lim, notify_by, post_lease }
-- `day` is the giver's local day (the allowance day the give consumes), `lim` the recipients the giver may
-- thank that day (null: unlimited, usage still counted), `notify_by` when recipients' DMs are due (null: no
-- DMs), `post_lease` until when the recording request holds the claim to post it (it posts right after its
-- answer, and sends the DMs, which the kudos row owes until notify_by; null: the kudos waits as pending and
-- its DMs are queued in the outbox). Whether the give is allowed at all was decided by the application before.


-- kudos_record: one give, recorded exactly once.
--   * Keyed by (workspace, source_key): a give whose key is taken records nothing ('duplicate').
--   * The allowance row (giver, day) only grows while used + recipients <= lim, a condition Postgres re-checks
--     on the locked row, so concurrent gives never pass it; when it says no, nothing is recorded
--     ('allowance_exceeded', with the day's usage).
--   * Otherwise ('recorded') the kudos, its recipients (in the order named), its values and the recipients'
--     queued DMs are written together.
-- The one way a kudos enters the books: kudos_record_many and kudos_apply_reactions both call it.
create or replace function kudos_record(p_give jsonb, out o_status text, out o_kudos_id int, out o_used int)
language plpgsql as $$
declare
  g record;
  n int;
begin
  select * into g from jsonb_to_record(p_give) as x(
    workspace int, giver int, source text, source_key text, message text, channel text, message_ts text,
    permalink text, emoji text, parent int, reaction_group text, campaign text, created_at timestamptz,
    day date, recipients int[], "values" int[], lim int, notify_by timestamptz, post_lease timestamptz);
  n := coalesce(cardinality(g.recipients), 0);

  insert into kudos (workspace_id, giver_id, source, source_key, message, channel_id, message_ts, permalink, emoji,
                     parent_id, reaction_group, campaign_key, post_status, post_lease_until, dms_due_at, created_at,
                     local_day)
  values (g.workspace, g.giver, g.source, g.source_key, g.message, g.channel, g.message_ts, g.permalink, g.emoji,
          g.parent, g.reaction_group, g.campaign,
          -- A reaction's kudos is not posted on its own; any other is claimed for posting by the request that
          -- records it, or waits as pending.
          case when g.reaction_group is not null then 'none' when g.post_lease is not null then 'posting' else 'pending' end,
          case when g.reaction_group is null then g.post_lease end,
          -- Its recipients' DMs are owed here while the recording request publishes it (it sends them).
          case when g.reaction_group is null and g.post_lease is not null then g.notify_by end,
          g.created_at, g.day)
  on conflict (workspace_id, source_key) do nothing
  returning id into o_kudos_id;
  if o_kudos_id is null then
    o_status := 'duplicate';
    return;
  end if;

  insert into allowance_usage as a (workspace_id, person_id, day, used)
  select g.workspace, g.giver, g.day, n
  where g.lim is null or n <= g.lim
  on conflict (person_id, day) do update set used = a.used + excluded.used
  where g.lim is null or a.used + excluded.used <= g.lim
  returning a.used into o_used;
  if o_used is null then
    -- Not enough left: the kudos goes, as if never inserted (nothing refers to it yet).
    delete from kudos where id = o_kudos_id;
    o_kudos_id := null;
    select coalesce((select a.used from allowance_usage a where a.person_id = g.giver and a.day = g.day), 0)
    into o_used;
    o_status := 'allowance_exceeded';
    return;
  end if;

  insert into kudos_recipient (kudos_id, workspace_id, recipient_id, position, created_at)
  select o_kudos_id, g.workspace, u.rid, u.pos - 1, g.created_at
  from unnest(g.recipients) with ordinality as u(rid, pos);

  insert into kudos_value (kudos_id, value_id, workspace_id)
  select o_kudos_id, vid, g.workspace from unnest(g."values") as vid;

  if g.notify_by is not null and (g.reaction_group is not null or g.post_lease is null) then
    -- Queued in the outbox (a kudos its request publishes owes them on its own row instead, above).
    -- A recipient with a batch already waiting joins it; otherwise a new one is due by notify_by.
    insert into dm_outbox (workspace_id, recipient_id, kudos_id, due_at)
    select g.workspace, p.id, o_kudos_id,
           coalesce((select min(o.due_at) from dm_outbox o
                     where o.workspace_id = g.workspace and o.recipient_id = p.id and o.sent_at is null),
                    g.notify_by)
    from person p
    where p.workspace_id = g.workspace and p.id = any(g.recipients) and p.dm_enabled
    on conflict (kudos_id, recipient_id) do nothing;
  end if;
  o_status := 'recorded';
end
$$;


-- kudos_record_many: several gives (a jsonb array of give records) in one round trip and one transaction,
-- each recorded exactly as kudos_record records it alone; a single give is a batch of one. One row per give,
-- `idx` being its position in the array (from 0).
--
-- Gives go by giver and day (the allowance rows they lock, in one order, so batches committed at once never
-- wait on each other in a circle), each giver's in the order given. Two gives with one source_key: the first
-- is recorded, the second is a duplicate, as if they had come one after the other.
create or replace function kudos_record_many(p_gives jsonb)
returns table (idx int, o_status text, o_kudos_id int, o_used int)
language plpgsql as $$
declare
  e record;
  r record;
begin
  for e in
    select (x.ord - 1)::int as i, x.give
    from jsonb_array_elements(p_gives) with ordinality as x(give, ord)
    order by (x.give->>'giver')::int, (x.give->>'day')::date, x.ord
  loop
    r := kudos_record(e.give);
    idx := e.i;
    o_status := r.o_status;
    o_kudos_id := r.o_kudos_id;
    o_used := r.o_used;
    return next;
  end loop;
end
$$;
