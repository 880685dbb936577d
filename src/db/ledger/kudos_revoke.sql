-- kudos_revoke: reverses a kudos. Reversal is a record: the kudos is marked revoked (who, when, why) and
-- never deleted, and the allowance it consumed goes back to the day it was taken from (its local_day), not
-- to today, so a reversal tomorrow returns yesterday's allowance.
--
-- The record: { workspace, id, revoked_by (person id or null), reason, at }.
-- Returns 'revoked', 'already_revoked' (revoking twice changes nothing) or 'not_found' (no such kudos in
-- this workspace). Who may revoke what is for the application to decide before it calls this.
create or replace function kudos_revoke(p_revoke jsonb)
returns text
language plpgsql as $$
declare
  v record;
  k record;
begin
  select * into v from jsonb_to_record(p_revoke) as x(workspace int, id int, revoked_by int, reason text, at timestamptz);

  select id, giver_id, local_day, revoked_at into k
  from kudos where workspace_id = v.workspace and id = v.id
  for update;
  if not found then return 'not_found'; end if;
  if k.revoked_at is not null then return 'already_revoked'; end if;

  update kudos set revoked_at = v.at, revoked_by = v.revoked_by, revoked_reason = v.reason where id = k.id;
  update allowance_usage a
  set used = greatest(a.used - (select count(*) from kudos_recipient r where r.kudos_id = k.id), 0)
  where a.person_id = k.giver_id and a.day = k.local_day;
  return 'revoked';
end
$$;
