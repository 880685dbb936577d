import { sql, type Kysely, type Transaction } from 'kysely';
import type { Config } from '../config';
import { DEFAULT_SETTINGS } from '../core/settings';
import { localDay } from '../core/time';
import { DEFAULT_VALUES } from '../core/values';
import { deleteWorkspace } from '../core/workspaces';
import { connectDatabase, type DatabaseHandle } from '../db/connect';
import { migrateToLatest } from '../db/migrate';
import type { Database, WorkspaceRow } from '../db/schema';
import { latestDigestPeriod } from '../jobs/digest-job';
import { configOrExplain } from './config';

/**
 * `kudos seed-demo` (`npm run seed:demo`): a demo workspace in the app's database (the embedded one unless DATABASE_URL is set):
 * a support team of two dozen people, the default values, and four weeks of kudos with pile-ons, a withdrawn
 * kudos, someone who opted out of rankings and two new hires thanked for the first time this week. Then
 * `kudos digest --workspace TDEMO --preview` shows a digest without any Slack. Running it again replaces
 * the demo workspace (and nothing else).
 */

export const DEMO_WORKSPACE = 'TDEMO';
const ZONE = 'America/Chicago';

const PEOPLE: Array<{ id: string; name: string; tz: string; rankings?: false; bot?: true; newHire?: true; quiet?: true }> = [
  { id: 'UDEMO01', name: 'Amara Osei', tz: 'America/Chicago' },
  { id: 'UDEMO02', name: 'Bruno Costa', tz: 'America/Sao_Paulo' },
  { id: 'UDEMO03', name: 'Chiara Ricci', tz: 'Europe/Rome' },
  { id: 'UDEMO04', name: 'Dmitri Volkov', tz: 'Europe/Berlin' },
  { id: 'UDEMO05', name: 'Elena Marsh', tz: 'America/New_York' },
  { id: 'UDEMO06', name: 'Farid Haddad', tz: 'Europe/London' },
  { id: 'UDEMO07', name: 'Grace Liu', tz: 'America/Los_Angeles' },
  { id: 'UDEMO08', name: 'Hiro Tanaka', tz: 'Asia/Tokyo' },
  { id: 'UDEMO09', name: 'Ines Duarte', tz: 'Europe/Lisbon' },
  { id: 'UDEMO10', name: 'Jonah Berg', tz: 'America/Chicago' },
  { id: 'UDEMO11', name: 'Kavya Rao', tz: 'Asia/Kolkata' },
  { id: 'UDEMO12', name: "Liam O'Connor", tz: 'Europe/Dublin' },
  { id: 'UDEMO13', name: 'Mei Chen', tz: 'America/Chicago' },
  { id: 'UDEMO14', name: 'Nadia Petrova', tz: 'Europe/Berlin' },
  { id: 'UDEMO15', name: 'Owen Price', tz: 'America/Denver' },
  { id: 'UDEMO16', name: 'Priya Nair', tz: 'America/Chicago' },
  { id: 'UDEMO17', name: 'Quinn Adler', tz: 'America/New_York', rankings: false },
  { id: 'UDEMO18', name: 'Rosa Jimenez', tz: 'America/Mexico_City' },
  { id: 'UDEMO19', name: 'Sam Whitfield', tz: 'America/Chicago' },
  { id: 'UDEMO20', name: 'Tomasz Nowak', tz: 'Europe/Warsaw' },
  { id: 'UDEMO21', name: 'Willa Grant', tz: 'America/Chicago', newHire: true },
  { id: 'UDEMO22', name: 'Yusuf Kaya', tz: 'Europe/Istanbul', newHire: true },
  // Took part a few weeks ago, not lately: the participation rate has room to grow.
  { id: 'UDEMO23', name: 'Zoe Lambert', tz: 'Europe/Paris', quiet: true },
  { id: 'UDEMO24', name: 'Arjun Mehta', tz: 'Asia/Kolkata', quiet: true },
  { id: 'UDEMO25', name: 'Beatriz Santos', tz: 'America/Sao_Paulo', quiet: true },
  { id: 'UDEMO26', name: 'Callum Reid', tz: 'Europe/London', quiet: true },
  { id: 'UDEMO27', name: 'Dana Kowalski', tz: 'America/Chicago', quiet: true },
  { id: 'UDEMOBOT', name: 'Deploy Bot', tz: 'UTC', bot: true },
];

/** Thanks written for this demo: specific, about support work, each with the values it showed. */
const THANKS: Array<[string, string[]]> = [
  ['for turning a furious chargeback call into a thank-you email from the customer', ['empathy', 'communication']],
  ['for writing the macro that cut our refund replies in half', ['ownership', 'knowledge']],
  ['for covering the Saturday queue when I was out sick', ['collaboration']],
  ['for spotting the duplicate-invoice bug two days before billing ran', ['attention-to-detail']],
  ["for the calm, clear status updates during Tuesday's outage", ['communication', 'urgency']],
  ['for pairing with me on my first escalation and never once grabbing the keyboard', ['patience', 'collaboration']],
  ['for answering the same shipping question forty times with the same warmth', ['positive-attitude', 'patience']],
  ['for translating that ticket from Portuguese at eleven at night', ['quick-response', 'collaboration']],
  ['for cleaning up the tag list nobody wanted to touch', ['ownership']],
  ["for handover notes so good I didn't need to ask a single question", ['communication', 'attention-to-detail']],
  ['for checking back with the customer a week later to make sure the fix held', ['empathy', 'ownership']],
  ['for finding the root cause instead of closing the ticket', ['knowledge', 'ownership']],
  ['for the onboarding checklist the new starters actually enjoy', ['collaboration', 'knowledge']],
  ['for making the returns article in the help centre readable at last', ['communication']],
  ['for getting on the phone with the enterprise client at 7am their time', ['urgency', 'quick-response']],
  ['for keeping the whole team laughing through quarter-end', ['humour', 'positive-attitude']],
  ['for catching my typo in the mass email before it reached 8,000 people', ['attention-to-detail']],
  ['for staying kind with a customer who needed five tries to reset a password', ['patience', 'empathy']],
  ['for documenting the warehouse API quirks so the rest of us can sleep', ['knowledge', 'ownership']],
  ["for flagging the renewal date on the big account before it slipped", ['urgency', 'attention-to-detail']],
  ['for the sheet that finally shows first-response times by channel', ['knowledge']],
  ['for owning the backlog clean-up and getting us under fifty open tickets', ['ownership', 'urgency']],
  ['for the thoughtful, honest feedback on my call review', ['communication', 'empathy']],
  ['for walking a nervous first-time buyer through checkout step by step', ['patience', 'empathy']],
  ['for testing the new chat widget on every browser we support', ['attention-to-detail', 'collaboration']],
  ['for sharing your screen-reader tips so we can help blind customers better', ['knowledge', 'empathy']],
  ["for noticing the order was a birthday gift and upgrading the wrapping", ['empathy', 'positive-attitude']],
  ['for untangling the routing of the Spanish-language queue', ['ownership', 'knowledge']],
  ['for bringing snacks and a good mood to the late shift', ['humour', 'positive-attitude']],
  ['for rewriting our apology template so it sounds like a person wrote it', ['communication', 'empathy']],
];

/** A small seeded generator (mulberry32): the same demo every time it is run on the same day. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface DemoSummary {
  workspace: WorkspaceRow;
  people: number;
  kudos: number;
  weeks: number;
}

/**
 * Seeds the demo in one transaction: an earlier demo workspace is deleted with all its rows first, and a seed
 * that fails leaves the database as it was.
 */
export async function seedDemo(db: Kysely<Database>, now: Date): Promise<DemoSummary> {
  const summary = await db.transaction().execute((trx) => seedIn(trx, now));
  // Fresh statistics for the digest's queries, once the rows are committed.
  await sql`analyze kudos`.execute(db);
  return summary;
}

async function seedIn(db: Transaction<Database>, now: Date): Promise<DemoSummary> {
  const earlier = await db.selectFrom('workspace').select('id').where('platform', '=', 'slack').where('external_id', '=', DEMO_WORKSPACE).executeTakeFirst();
  if (earlier) await deleteWorkspace(db, earlier.id);
  // Written here rather than through upsertWorkspace and saveSetting: each of those opens a transaction of its own.
  const ws = await db
    .insertInto('workspace')
    .values({ platform: 'slack', external_id: DEMO_WORKSPACE, name: 'Harbor Lane Support (demo)', time_zone: ZONE })
    .returningAll()
    .executeTakeFirstOrThrow();
  await db
    .insertInto('value')
    .values(DEFAULT_VALUES.map((v, i) => ({ workspace_id: ws.id, slug: v.slug, label: v.label, emoji: v.emoji, position: i })))
    .execute();
  await db.insertInto('setting').values({ workspace_id: ws.id, key: 'kudosChannel', value: JSON.stringify('CDEMOKUDOS') }).execute();

  const ids = new Map<string, number>();
  for (const p of PEOPLE) {
    const row = await db
      .insertInto('person')
      .values({
        workspace_id: ws.id,
        external_id: p.id,
        display_name: p.name,
        time_zone: p.tz,
        is_bot: p.bot ?? false,
        rankings_enabled: p.rankings ?? true,
        profile_fetched_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    ids.set(p.id, row.id);
  }
  const values = new Map((await db.selectFrom('value').select(['id', 'slug']).where('workspace_id', '=', ws.id).execute()).map((v) => [v.slug, v.id]));
  const regulars = PEOPLE.filter((p) => !p.bot && !p.newHire && !p.quiet);
  const everyone = PEOPLE.filter((p) => !p.bot && !p.newHire);
  const newHires = PEOPLE.filter((p) => p.newHire);
  const rand = seededRandom(Number(localDay(now, ZONE).replace(/-/g, '')));
  const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)];

  // Four weeks that end with the latest digest that came due, busier as the team warms to it.
  const latest = latestDigestPeriod(DEFAULT_SETTINGS.digest, ZONE, now);
  const WEEKS = 4;
  let count = 0;
  let key = 0;
  const give = async (giver: string, recipients: string[], at: Date, message: string, slugs: string[], opts: { parentId?: number; revoked?: boolean } = {}) => {
    const k = await db
      .insertInto('kudos')
      .values({
        workspace_id: ws.id,
        giver_id: ids.get(giver)!,
        source: opts.parentId ? 'pileon' : 'command',
        source_key: `demo:${++key}`,
        message,
        channel_id: 'CDEMOKUDOS',
        post_channel_id: 'CDEMOKUDOS',
        post_status: 'posted',
        parent_id: opts.parentId ?? null,
        created_at: at,
        local_day: localDay(at, PEOPLE.find((p) => p.id === giver)!.tz),
        revoked_at: opts.revoked ? new Date(at.getTime() + 5 * 60_000) : null,
        revoked_by: opts.revoked ? ids.get(giver)! : null,
        revoked_reason: opts.revoked ? 'undo' : null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('kudos_recipient')
      .values(recipients.map((r) => ({ kudos_id: k.id, workspace_id: ws.id, recipient_id: ids.get(r)!, created_at: at })))
      .execute();
    const valueIds = slugs.map((s) => values.get(s)).filter((v): v is number => v !== undefined);
    if (valueIds.length) await db.insertInto('kudos_value').values(valueIds.map((value_id) => ({ kudos_id: k.id, value_id, workspace_id: ws.id }))).execute();
    count++;
    return k.id;
  };

  for (let w = WEEKS - 1; w >= 0; w--) {
    const team = w >= 2 ? everyone : regulars;
    // Each week's messages are different from one another.
    const messages = [...THANKS].sort(() => rand() - 0.5);
    const start = latest.start.getTime() - w * 7 * 86_400_000;
    const span = 7 * 86_400_000 - 3_600_000;
    const n = 14 + (WEEKS - 1 - w) * 4 + Math.floor(rand() * 4);
    const week: Array<{ id: number; at: Date; recipients: string[] }> = [];
    for (let i = 0; i < n; i++) {
      const giver = pick(team).id;
      const others = team.filter((p) => p.id !== giver);
      const recipients = [pick(others).id];
      if (rand() < 0.25) {
        const second = pick(others.filter((p) => p.id !== recipients[0])).id;
        recipients.push(second);
      }
      // This week the new hires get their first thanks.
      if (w === 0 && i < newHires.length) recipients.splice(0, recipients.length, newHires[i].id);
      const [message, slugs] = messages[i % messages.length];
      const at = new Date(start + Math.floor(rand() * span));
      week.push({ id: await give(giver, recipients, at, message, slugs, { revoked: w === 0 && i === n - 1 }), at, recipients });
    }
    // Pile-ons: others add their thanks to a few of the week's posts.
    for (const story of week.slice(0, 3)) {
      const reactors = regulars.filter((p) => !story.recipients.includes(p.id)).slice(Math.floor(rand() * 6), 10);
      for (const r of reactors.slice(0, 1 + Math.floor(rand() * 4))) {
        await give(r.id, story.recipients, new Date(story.at.getTime() + 20 * 60_000), '', [], { parentId: story.id });
      }
    }
  }
  return { workspace: ws, people: PEOPLE.length, kudos: count, weeks: WEEKS };
}

async function main(config: Config): Promise<void> {
  const handle: DatabaseHandle = await connectDatabase({ url: config.databaseUrl, dataDir: config.dataDir, poolMax: 2 });
  try {
    await migrateToLatest(handle.db, handle.kind);
    const s = await seedDemo(handle.db, new Date());
    const where = handle.kind === 'pglite' ? `the embedded database in ${config.dataDir}` : 'Postgres';
    process.stdout.write(
      [
        `Seeded "${s.workspace.name}" (workspace ${s.workspace.id}, ${DEMO_WORKSPACE}) in ${where}:`,
        `  ${s.people} people, ${DEFAULT_VALUES.length} values, ${s.kudos} kudos over ${s.weeks} weeks.`,
        'See its latest weekly digest:',
        `  npm run digest -- --workspace ${DEMO_WORKSPACE} --preview   (or: kudos digest --workspace ${DEMO_WORKSPACE} --preview)`,
        '',
      ].join('\n'),
    );
  } finally {
    await handle.close();
  }
}

/** `kudos seed-demo`: the demo workspace in the app's database. */
export async function seedDemoMain(): Promise<number> {
  const config = configOrExplain();
  if (!config) return 1;
  try {
    await main(config);
    return 0;
  } catch (err) {
    process.stderr.write(`Seeding failed: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}
