import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema';
import type { PersonRef } from './digest';

/**
 * The campaign side of the ledger: kudos carry the key of the campaign they were given in (kudos.campaign_key,
 * indexed per workspace), so a campaign's kudos are one index range. Revoked kudos never count.
 */

/**
 * How many different people `giverId` has thanked in the campaign: recipients of their live kudos tagged with
 * it, each person once however often they were thanked (a pile-on and a reaction thank people too).
 */
export async function distinctRecipientsInCampaign(
  db: Kysely<Database>,
  a: { workspaceId: number; giverId: number; campaignKey: string },
): Promise<number> {
  const row = await db
    .selectFrom('kudos as k')
    .innerJoin('kudos_recipient as r', 'r.kudos_id', 'k.id')
    .select(sql<string>`count(distinct r.recipient_id)`.as('n'))
    .where('k.workspace_id', '=', a.workspaceId)
    .where('k.campaign_key', '=', a.campaignKey)
    .where('k.giver_id', '=', a.giverId)
    .where('k.revoked_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export interface CompleterRow extends PersonRef {
  /** False when the person opted out of being named (rankings), is a bot or left the workspace. */
  nameable: boolean;
}

/** Everyone who thanked at least `target` different people in the campaign, by name. */
export async function challengeCompleters(
  db: Kysely<Database>,
  a: { workspaceId: number; campaignKey: string; target: number },
): Promise<CompleterRow[]> {
  const { rows } = await sql<{ id: number; externalId: string; displayName: string; nameable: boolean }>`
    with done as (
      select k.giver_id
      from kudos k join kudos_recipient r on r.kudos_id = k.id
      where k.workspace_id = ${a.workspaceId} and k.campaign_key = ${a.campaignKey} and k.revoked_at is null
      group by k.giver_id
      having count(distinct r.recipient_id) >= ${a.target}
    )
    select p.id, p.external_id as "externalId", p.display_name as "displayName",
           (p.rankings_enabled and not p.is_bot and not p.is_deleted) as nameable
    from done join person p on p.id = done.giver_id
    order by lower(p.display_name), p.id`.execute(db);
  return rows.map((r) => ({ ...r, id: Number(r.id) }));
}

/** Takes back a one-off notice that could not be delivered, so a later trigger tries again. */
export async function forgetNotice(db: Kysely<Database>, a: { workspaceId: number; personId: number; kind: string; period: string }): Promise<void> {
  await db
    .deleteFrom('notice')
    .where('workspace_id', '=', a.workspaceId)
    .where('person_id', '=', a.personId)
    .where('kind', '=', a.kind)
    .where('period', '=', a.period)
    .execute();
}
