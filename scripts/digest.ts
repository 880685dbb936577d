import { parseArgs } from 'node:util';
import pino from 'pino';
import { ConfigError, loadConfig, type Config } from '../src/config';
import { buildDigest } from '../src/core/digest';
import { digestText } from '../src/core/digest-text';
import { loadSettings } from '../src/core/settings-store';
import { connectDatabase, type DatabaseHandle } from '../src/db/connect';
import { migrateToLatest } from '../src/db/migrate';
import type { WorkspaceRow } from '../src/db/schema';
import { digestJob, digestPeriodForKey, digestZone, latestDigestPeriod } from '../src/jobs/digest-job';
import type { JobPoster } from '../src/jobs/ports';
import { postRunNow } from '../src/jobs/scheduler';
import { createLogger } from '../src/logger';
import { SlackApi } from '../src/slack/api';
import { SlackJobPoster } from '../src/slack/job-poster';

const USAGE = `Usage: npm run digest -- --workspace <id> [--period <YYYY-Www>] [--preview | --post]

  --workspace  the workspace: its number in Kudos, or its Slack team / Teams tenant id
  --period     the ISO week of the digest, e.g. 2026-W48 (default: the latest digest that came due)
  --preview    print the digest as text (the default)
  --post       post it now, through the same once-per-period claim as the scheduler

The database is the app's (DATABASE_URL, else the embedded one in DATA_DIR); posting needs the platform's
credentials too (SLACK_BOT_TOKEN).`;

export interface CommandDeps {
  config: Config;
  /** An open database (tests); otherwise one is opened from the config. */
  database?: DatabaseHandle;
  now?: Date;
  print(line: string): void;
  /** The poster for a workspace (tests); otherwise built from the config. */
  poster?: JobPoster;
  /** Waits for Slack's Retry-After (tests record instead of waiting). */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * `npm run digest`: previews a workspace's weekly digest as text, or posts it now. Returns the exit code.
 * A period is posted at most once however it is asked for: a second --post says it was already posted.
 */
export async function digestCommand(argv: string[], deps: CommandDeps): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: { workspace: { type: 'string' }, period: { type: 'string' }, preview: { type: 'boolean' }, post: { type: 'boolean' }, help: { type: 'boolean' } },
      strict: true,
    }).values;
  } catch (err) {
    deps.print(`${err instanceof Error ? err.message : String(err)}\n\n${USAGE}`);
    return 2;
  }
  if (args.help || !args.workspace || (args.preview && args.post)) {
    deps.print(USAGE);
    return args.help ? 0 : 2;
  }
  const { print, config } = deps;
  const now = deps.now ?? new Date();
  const handle = deps.database ?? (await connectDatabase({ url: config.databaseUrl, dataDir: config.dataDir, poolMax: 4 }));
  try {
    const { db } = handle;
    if (!deps.database) await migrateToLatest(db, handle.kind);
    const ws = await findWorkspace(handle, args.workspace);
    if (!ws) {
      print(`No workspace "${args.workspace}". Workspaces here: ${(await db.selectFrom('workspace').select(['id', 'external_id', 'name']).orderBy('id').execute()).map((w) => `${w.id} (${w.name ?? w.external_id})`).join(', ') || 'none yet'}.`);
      return 1;
    }
    const settings = await loadSettings(db, ws.id);
    const zone = digestZone(ws, settings);
    const period = args.period ? digestPeriodForKey(args.period, settings.digest, zone) : latestDigestPeriod(settings.digest, zone, now);
    if (!period) {
      print(`"${args.period}" is not a week; use the ISO form, e.g. 2026-W48.`);
      return 2;
    }
    const dueLabel = `${period.end.toLocaleString('en-GB', { timeZone: zone, dateStyle: 'full', timeStyle: 'short' })} (${zone})`;
    const notYet = period.end.getTime() > now.getTime();

    if (!args.post) {
      const digest = await buildDigest(db, ws, period, settings.digest);
      print(`${ws.name ?? ws.external_id} · digest ${period.key} · ${notYet ? `due ${dueLabel}; so far` : `due ${dueLabel}`}`);
      if (!settings.digest.enabled) print('(The weekly digest is turned off for this workspace.)');
      print('');
      print(digestText(digest));
      return 0;
    }

    if (notYet) {
      print(`The ${period.key} digest is not due until ${dueLabel}: its week is not over. Use --preview to see it so far.`);
      return 1;
    }
    const target = settings.digest.channel ?? settings.kudosChannel;
    const logger = createLogger('warn', pino.destination(2));
    const poster = deps.poster ?? posterFor(ws, config, logger, deps.sleep);
    if (!poster) {
      print(`Posting from the command line needs ${ws.platform === 'slack' ? 'SLACK_BOT_TOKEN' : 'a Slack workspace; Teams digests are posted by the running app'}.`);
      return 1;
    }
    const out = await postRunNow(
      { db, posters: [poster], sources: [digestJob], clock: () => now, logger, graceHours: config.jobGraceHours, replicaId: 'command-line' },
      { workspace: ws, poster, source: digestJob, due: { periodKey: period.key, dueAt: period.end, target } },
    );
    const run = out.run;
    switch (out.status) {
      case 'posted':
        print(`Posted the ${period.key} digest to ${run.target} (message ${run.message_ref}).`);
        return 0;
      case 'already_posted':
        print(`The ${period.key} digest was already posted to ${run.target} (message ${run.message_ref}, ${new Date(run.finished_at ?? run.due_at).toISOString()}). Nothing was posted.`);
        return 0;
      case 'in_progress':
        print(`The ${period.key} digest is being posted right now by ${run.claimed_by ?? 'another replica'}. Nothing was posted.`);
        return 1;
      case 'skipped':
        print(`The ${period.key} digest was not posted: ${run.last_error === 'quiet_week' ? 'a quiet week, and the workspace skips those' : run.last_error}.`);
        return 0;
      case 'retrying':
        print(`Slack could not take the ${period.key} digest just now (${run.last_error}); the scheduler will try again at ${new Date(run.next_attempt_at!).toISOString()}.`);
        return 1;
      default:
        print(`Could not post the ${period.key} digest: ${run.last_error === 'no_channel' ? 'no digest or kudos channel is set' : run.last_error}.`);
        return 1;
    }
  } finally {
    if (!deps.database) await handle.close();
  }
}

async function findWorkspace(handle: DatabaseHandle, key: string): Promise<WorkspaceRow | undefined> {
  const q = handle.db.selectFrom('workspace').selectAll();
  return /^\d+$/.test(key) ? q.where('id', '=', Number(key)).executeTakeFirst() : q.where('external_id', '=', key).executeTakeFirst();
}

function posterFor(ws: WorkspaceRow, config: Config, logger: ReturnType<typeof createLogger>, sleep?: (ms: number) => Promise<void>): JobPoster | undefined {
  if (ws.platform !== 'slack' || !config.slack) return undefined;
  const api = new SlackApi({ token: config.slack.botToken, apiUrl: config.slack.apiUrl, logger, sleep });
  return new SlackJobPoster({ api, workspace: () => ws, logger });
}

if (require.main === module) {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    process.stderr.write(`${err instanceof ConfigError ? err.message : String(err)}\n`);
    process.exit(1);
  }
  digestCommand(process.argv.slice(2), { config, print: (line) => process.stdout.write(`${line}\n`) }).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
