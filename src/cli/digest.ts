import { parseArgs } from 'node:util';
import pino from 'pino';
import type { Config } from '../config';
import { buildDigest } from '../core/digest';
import { digestText } from '../core/digest-text';
import { loadSettings } from '../core/settings-store';
import { connectDatabase, type DatabaseHandle } from '../db/connect';
import { migrateToLatest } from '../db/migrate';
import type { WorkspaceRow } from '../db/schema';
import { digestJob, digestPeriodForKey, digestZone, latestDigestPeriod } from '../jobs/digest-job';
import type { JobPoster } from '../jobs/ports';
import { postRunNow } from '../jobs/scheduler';
import { createLogger } from '../logger';
import { SlackApi } from '../slack/api';
import { SlackJobPoster } from '../slack/job-poster';
import { PostgresInstallationStore } from '../slack/installation-store';
import { Secrets } from '../core/secrets';
import { findCommand, type ParsedArgs } from './commands';
import { configOrExplain } from './config';

const DIGEST = findCommand('digest')!;

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
 * `kudos digest` (`npm run digest`): previews a workspace's weekly digest as text, or posts it now. Returns the exit code.
 * A period is posted at most once however it is asked for: a second --post says it was already posted.
 */
export async function digestCommand(argv: string[], deps: CommandDeps): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: DIGEST.options, strict: true });
  } catch (err) {
    deps.print(`${err instanceof Error ? err.message : String(err)}\n\n${DIGEST.help}`);
    return 2;
  }
  return digestRun(parsed.values, deps);
}

/** The digest command once its options are parsed (by `kudos`, or by digestCommand). */
export async function digestRun(values: ParsedArgs['values'], deps: CommandDeps): Promise<number> {
  const args = values as { workspace?: string; period?: string; preview?: boolean; post?: boolean; help?: boolean };
  if (args.help || !args.workspace || (args.preview && args.post)) {
    deps.print(args.help ? DIGEST.help : `${args.workspace ? 'Choose --preview or --post, not both.' : 'Say which workspace: --workspace <id>.'}\n\n${DIGEST.help}`);
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
    const poster = deps.poster ?? (await posterFor(db, ws, config, logger, deps.sleep));
    if (!poster) {
      print(
        ws.platform !== 'slack'
          ? 'Posting from the command line needs a Slack workspace; Teams digests are posted by the running app.'
          : config.slack?.oauth
            ? `Kudos is not installed in ${ws.external_id} any more (no stored installation), so nothing was posted.`
            : 'Posting from the command line needs SLACK_BOT_TOKEN (or SLACK_CLIENT_ID and KUDOS_ENCRYPTION_KEY).',
      );
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

/** A poster for the workspace with its token: SLACK_BOT_TOKEN, or the workspace's stored installation. */
async function posterFor(
  db: DatabaseHandle['db'],
  ws: WorkspaceRow,
  config: Config,
  logger: ReturnType<typeof createLogger>,
  sleep?: (ms: number) => Promise<void>,
): Promise<JobPoster | undefined> {
  if (ws.platform !== 'slack' || !config.slack) return undefined;
  let token = config.slack.botToken;
  if (!token && config.slack.oauth && config.encryption) {
    const store = new PostgresInstallationStore(db, Secrets.fromText(config.encryption.key, config.encryption.previous));
    token = ws.uninstalled_at ? undefined : (await store.findServing({ teamId: ws.external_id, enterpriseId: ws.enterprise_id }))?.botToken;
  }
  if (!token) return undefined;
  const api = new SlackApi({ token, apiUrl: config.slack.apiUrl, logger, sleep, proxy: config.proxy });
  return SlackJobPoster.forOne(api, ws, logger);
}

/** `kudos digest`: the app's config and database; the text on standard output. */
export async function digestMain(args: ParsedArgs): Promise<number> {
  const config = configOrExplain();
  if (!config) return 1;
  return digestRun(args.values, { config, print: (line) => process.stdout.write(`${line}\n`) });
}
