/**
 * The fleet of bench:fleet, loaded in a few bulk statements: `count` Slack workspaces installed more than a week
 * ago, each with its installation (its own bot token, sealed with the deployment's key), its values, 10–20
 * people and 20–50 kudos over the last week, and a time zone from a list that spans the globe. The digest
 * schedule is written separately (scheduleDigests), just before the replicas start, so that every workspace's
 * digest falls due at one chosen instant, whatever its zone.
 */
import { sql, type Kysely } from 'kysely';
import { DateTime } from 'luxon';
import type { Secrets } from '../src/core/secrets';
import { DEFAULT_SETTINGS, digestSettingsSchema, type DigestSettings } from '../src/core/settings';
import { DEFAULT_VALUES } from '../src/core/values';
import type { Database } from '../src/db/schema';
import { latestDigestPeriod } from '../src/jobs/digest-job';
import { FLEET_APP_ID, fleetBotId, fleetBotUserId, fleetChannel, fleetPersonId, fleetTeamId, fleetToken } from './fleet-slack';

/** Whole, half and quarter hours, both hemispheres, both sides of the date line. */
export const FLEET_ZONES = [
  'UTC',
  'Europe/London',
  'Europe/Paris',
  'Europe/Helsinki',
  'Europe/Moscow',
  'Asia/Tehran',
  'Asia/Dubai',
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'Asia/Dhaka',
  'Asia/Bangkok',
  'Asia/Shanghai',
  'Asia/Tokyo',
  'Australia/Adelaide',
  'Australia/Sydney',
  'Pacific/Auckland',
  'Pacific/Chatham',
  'Pacific/Honolulu',
  'America/Anchorage',
  'America/Los_Angeles',
  'America/Denver',
  'America/Chicago',
  'America/New_York',
  'America/St_Johns',
  'America/Sao_Paulo',
  'Atlantic/Azores',
  'Africa/Lagos',
  'Africa/Johannesburg',
] as const;

export interface FleetWorkspace {
  n: number;
  id: number;
  zone: string;
  people: number;
  kudos: number;
}

export interface FleetSeed {
  workspaces: FleetWorkspace[];
  people: number;
  kudos: number;
  recipients: number;
}

const peopleOf = (n: number) => 10 + ((n * 7) % 11);
const kudosOf = (n: number) => 20 + ((n * 13) % 31);

export async function seedFleet(db: Kysely<Database>, opts: { count: number; secrets: Secrets; now: Date }): Promise<FleetSeed> {
  const { count, secrets, now } = opts;
  const ns = Array.from({ length: count }, (_, i) => i + 1);
  const zoneOf = (n: number) => FLEET_ZONES[n % FLEET_ZONES.length];
  const installedAt = new Date(now.getTime() - 8 * 86_400_000);

  const { rows: created } = await sql<{ id: number; n: number }>`
    insert into workspace (platform, external_id, name, bot_user_id, time_zone, installed_at)
    select 'slack', t.team, 'Fleet ' || t.n, t.bot, t.zone, ${installedAt}
    from unnest(${ns}::int[], ${ns.map(fleetTeamId)}::text[], ${ns.map(fleetBotUserId)}::text[], ${ns.map(zoneOf)}::text[]) as t(n, team, bot, zone)
    order by t.n
    returning id, substr(external_id, 2)::int as n`.execute(db);
  const idOf = new Map(created.map((r) => [Number(r.n), Number(r.id)]));
  const workspaces = ns.map((n) => ({ n, id: idOf.get(n)!, zone: zoneOf(n), people: peopleOf(n), kudos: kudosOf(n) }));
  const fleet = sql`unnest(${workspaces.map((w) => w.id)}::int[], ${ns}::int[], ${workspaces.map((w) => w.zone)}::text[],
    ${workspaces.map((w) => w.people)}::int[], ${workspaces.map((w) => w.kudos)}::int[], ${ns.map(fleetChannel)}::text[]) as f(id, n, zone, people, kudos, channel)`;

  // The values a new workspace starts with (what connectWorkspace seeds).
  await sql`
    insert into value (workspace_id, slug, label, emoji, position)
    select f.id, v.slug, v.label, v.emoji, v.ord - 1
    from ${fleet}
    cross join unnest(${DEFAULT_VALUES.map((v) => v.slug)}::text[], ${DEFAULT_VALUES.map((v) => v.label)}::text[], ${DEFAULT_VALUES.map((v) => v.emoji)}::text[])
      with ordinality as v(slug, label, emoji, ord)`.execute(db);

  // Installations as PostgresInstallationStore stores them: one per team, its bot token sealed for real.
  const scopes = 'chat:write,channels:join,channels:history,commands,reactions:read,users:read';
  for (let i = 0; i < workspaces.length; i += 250) {
    await db
      .insertInto('slack_installation')
      .values(
        workspaces.slice(i, i + 250).map((w) => ({
          workspace_id: w.id,
          install_key: fleetTeamId(w.n),
          team_id: fleetTeamId(w.n),
          team_name: `Fleet ${w.n}`,
          enterprise_id: null,
          enterprise_name: null,
          is_enterprise_install: false,
          app_id: FLEET_APP_ID,
          bot_id: fleetBotId(w.n),
          bot_user_id: fleetBotUserId(w.n),
          bot_scopes: scopes,
          bot_token_sealed: secrets.seal(fleetToken(w.n)),
          bot_refresh_token_sealed: null,
          bot_token_expires_at: null,
          installer_user_id: fleetPersonId(w.n, 1),
          installed_at: installedAt,
          updated_at: installedAt,
        })),
      )
      .execute();
  }

  // People whose profiles are fresh (the digest needs no users.info), in the workspace's zone.
  await sql`
    insert into person (workspace_id, external_id, display_name, time_zone, profile_fetched_at, created_at)
    select f.id, 'U' || lpad(f.n::text, 6, '0') || 'P' || lpad(p::text, 2, '0'), 'Colleague ' || p || ' of ' || f.n, f.zone, ${now}, ${installedAt}
    from ${fleet}
    cross join lateral generate_series(1, f.people) p
    order by f.id, p`.execute(db);

  // A week of kudos (from 6 days 20 hours ago to 10 minutes ago), each workspace's spread over it; one in five
  // names two people, one in 25 was revoked. Person p of workspace f is the p-th by id (0-based below).
  const start = new Date(now.getTime() - (6 * 24 + 20) * 3_600_000);
  const span = now.getTime() - 10 * 60_000 - start.getTime();
  await sql`
    with ppl as (
      select id, workspace_id, row_number() over (partition by workspace_id order by id) - 1 as idx from person
    ), g as (
      select f.id as ws, f.n, f.zone, f.people, f.channel, k,
             ${start}::timestamptz + (${span}::float8 * (k - 0.5 + ((f.n * 31 + k * 17) % 100) / 200.0) / f.kudos) * interval '1 millisecond' as at
      from ${fleet}
      cross join lateral generate_series(1, f.kudos) k
    )
    insert into kudos (workspace_id, giver_id, source, source_key, message, channel_id, post_channel_id, post_ts, created_at, local_day,
                       revoked_at, revoked_reason, post_status)
    select g.ws, giver.id, 'command', 'fleet:' || g.n || ':' || g.k,
           'Thanks for the help with ticket #' || (g.n * 100 + g.k) || ', it made the customer''s week',
           g.channel, g.channel, extract(epoch from g.at)::bigint || '.' || lpad(g.k::text, 6, '0'),
           g.at, (g.at at time zone g.zone)::date,
           case when g.k % 25 = 0 then g.at + interval '3 minutes' end,
           case when g.k % 25 = 0 then 'undo' end,
           'posted'
    from g
    join ppl giver on giver.workspace_id = g.ws and giver.idx = (g.k * 7 + g.n) % g.people
    order by g.at`.execute(db);

  await sql`
    with ppl as (
      select id, workspace_id, row_number() over (partition by workspace_id order by id) - 1 as idx from person
    ), k as (
      select k.id, k.workspace_id, k.created_at, f.people, split_part(k.source_key, ':', 3)::int as i, (split_part(k.source_key, ':', 3)::int * 7 + f.n) % f.people as g
      from kudos k join ${fleet} on f.id = k.workspace_id
    )
    insert into kudos_recipient (kudos_id, workspace_id, recipient_id, created_at, position)
    select k.id, k.workspace_id, r.id, k.created_at, x.pos
    from k
    cross join lateral (values
      (0, (k.g + 1 + (k.i * 3) % (k.people - 1)) % k.people),
      (1, case when k.i % 5 = 0 then (k.g + 1 + (k.i * 3 + 5) % (k.people - 1)) % k.people end)) as x(pos, idx)
    join ppl r on r.workspace_id = k.workspace_id and r.idx = x.idx`.execute(db);

  // Two kudos in three carry a value.
  await sql`
    insert into kudos_value (kudos_id, value_id, workspace_id)
    select k.id, v.id, k.workspace_id
    from kudos k
    join value v on v.workspace_id = k.workspace_id and v.position = k.id % ${DEFAULT_VALUES.length}
    where k.id % 3 <> 0`.execute(db);

  for (const t of ['workspace', 'slack_installation', 'value', 'person', 'kudos', 'kudos_recipient', 'kudos_value']) {
    await sql`vacuum analyze ${sql.table(t)}`.execute(db);
  }
  const totals = await sql<{ kudos: number; recipients: number; people: number }>`
    select (select count(*) from kudos) as kudos, (select count(*) from kudos_recipient) as recipients, (select count(*) from person) as people`.execute(db);
  const t = totals.rows[0];
  return { workspaces, people: Number(t.people), kudos: Number(t.kudos), recipients: Number(t.recipients) };
}

/** Each workspace's digest settings: its channel, its zone, and the local weekday and time `dueAt` is there. */
export function digestSettingsFor(w: FleetWorkspace, dueAt: Date): DigestSettings {
  const local = DateTime.fromJSDate(dueAt, { zone: w.zone });
  const settings: DigestSettings = {
    ...DEFAULT_SETTINGS.digest,
    enabled: true,
    channel: fleetChannel(w.n),
    weekday: local.weekday,
    time: local.toFormat('HH:mm'),
    timeZone: w.zone,
  };
  // The app's own calendar arithmetic must land on the same instant (a local time repeated by a DST change would not).
  const due = latestDigestPeriod(settings, w.zone, new Date(dueAt.getTime() + 1_000)).end;
  if (due.getTime() !== dueAt.getTime()) throw new Error(`${w.zone}: ${settings.time} on weekday ${settings.weekday} falls due at ${due.toISOString()}, not ${dueAt.toISOString()}`);
  return digestSettingsSchema.parse(settings);
}

/** Marks the runs the seed records (last week's digests), so that the benchmark leaves them out of its counts. */
export const SEEDED_RUN = 'bench-fleet-seed';

/**
 * Writes the `digest` setting of every workspace so that all fall due at `dueAt` (a whole minute), and records
 * last week's digest as posted, as a fleet that has been running has it (else a replica ticking before `dueAt`
 * would find last week's unposted and record it as missed).
 */
export async function scheduleDigests(db: Kysely<Database>, workspaces: FleetWorkspace[], dueAt: Date): Promise<void> {
  if (dueAt.getTime() % 60_000 !== 0) throw new Error('a digest falls due on a whole minute');
  const settings = workspaces.map((w) => digestSettingsFor(w, dueAt));
  await sql`
    insert into setting (workspace_id, key, value, version)
    select t.id, 'digest', t.value::jsonb, 1
    from unnest(${workspaces.map((w) => w.id)}::int[], ${settings.map((d) => JSON.stringify(d))}::text[]) as t(id, value)
    on conflict (workspace_id, key) do update set value = excluded.value, version = setting.version + 1, updated_at = now()`.execute(db);
  const lastWeek = workspaces.map((w, i) => latestDigestPeriod(settings[i], w.zone, new Date(dueAt.getTime() - 1_000)));
  await sql`
    insert into job_run (workspace_id, kind, period_key, due_at, status, target, message_ref, attempts, claimed_by, claimed_at, finished_at)
    select t.id, 'digest', t.period_key, t.due_at, 'posted', t.channel, 'seeded', 1, ${SEEDED_RUN}, t.due_at, t.due_at
    from unnest(${workspaces.map((w) => w.id)}::int[], ${lastWeek.map((p) => p.key)}::text[], ${lastWeek.map((p) => p.end)}::timestamptz[],
                ${workspaces.map((w) => fleetChannel(w.n))}::text[]) as t(id, period_key, due_at, channel)`.execute(db);
}
