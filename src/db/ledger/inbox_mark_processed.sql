-- inbox_mark_processed: marks stored platform deliveries (event_inbox rows) processed, releasing their lease.
--
-- The record: a jsonb array of { id, at }, each delivery marked at its own time.
-- The commit does not wait for the disk: a mark lost to a server stop only means the sweeper processes that
-- event again, and applying an event again changes nothing in the books.
create or replace function inbox_mark_processed(p_deliveries jsonb)
returns void
language plpgsql as $$
begin
  perform set_config('synchronous_commit', 'off', true);
  update event_inbox i
  set processed_at = d.at, locked_until = null, last_error = null
  from jsonb_to_recordset(p_deliveries) as d(id int, at timestamptz)
  where i.id = d.id;
end
$$;
