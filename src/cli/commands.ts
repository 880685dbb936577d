import type { ParseArgsConfig } from 'node:util';

/** What a command is given once its arguments are parsed. */
export interface ParsedArgs {
  values: Record<string, string | boolean | Array<string | boolean> | undefined>;
  positionals: string[];
}

/**
 * One `kudos` subcommand. Everything here is cheap to load: `run` imports the command's module only when it
 * runs, so `kudos --help` (and the signal handlers of `kudos serve`) come first.
 */
export interface Command {
  name: string;
  /** One line for the list of commands. */
  summary: string;
  /** The command's own help: usage line, options, notes. */
  help: string;
  options: NonNullable<ParseArgsConfig['options']>;
  /** How many positional arguments it takes (0 by default). */
  maxPositionals?: number;
  /** Resolves to the exit code, or to undefined for a command that keeps running (serve) and exits on its own. */
  run(args: ParsedArgs): Promise<number | undefined>;
}

const HELP = { help: { type: 'boolean', short: 'h' } } as const;

const DATABASE_NOTE = `The database is the app's: DATABASE_URL, else the embedded one in DATA_DIR (./data by default).
Only one process can open the embedded database at a time: stop the app first.`;

export const COMMANDS: Command[] = [
  {
    name: 'serve',
    summary: 'apply pending migrations, then serve Slack, Teams, /healthz and /readyz (the default)',
    help: `Usage: kudos serve

Applies pending database migrations, then serves Slack (POST /slack/events), Teams (POST /api/messages),
/healthz and /readyz on PORT (3000). Configured by the environment and .env (see .env.example).
SIGTERM or Ctrl-C stops it gracefully; a second signal while stopping exits at once.`,
    options: { ...HELP },
    run: async () => {
      const { serve } = await import('./serve.js');
      serve();
      return undefined;
    },
  },
  {
    name: 'migrate',
    summary: "apply pending migrations and install the ledger's SQL functions, then exit",
    help: `Usage: kudos migrate

Applies pending migrations and installs the ledger's SQL functions if they changed, then exits.
\`kudos serve\` does this too on start; run it alone to migrate before starting replicas.

${DATABASE_NOTE}`,
    options: { ...HELP },
    run: async () => (await import('./migrate.js')).migrateMain(),
  },
  {
    name: 'digest',
    summary: "preview a workspace's weekly digest as text, or post it now",
    help: `Usage: kudos digest --workspace <id> [--period <YYYY-Www>] [--preview | --post]

  --workspace  the workspace: its number in Kudos, or its Slack team / Teams tenant id
  --period     the ISO week of the digest, e.g. 2026-W48 (default: the latest digest that came due)
  --preview    print the digest as text (the default)
  --post       post it now, through the same once-per-period claim as the scheduler

A period is posted at most once however it is asked for: a second --post says it was already posted.
Posting needs the platform's credentials too (SLACK_BOT_TOKEN).

${DATABASE_NOTE}`,
    options: {
      ...HELP,
      workspace: { type: 'string' },
      period: { type: 'string' },
      preview: { type: 'boolean' },
      post: { type: 'boolean' },
    },
    run: async (args) => (await import('./digest.js')).digestMain(args),
  },
  {
    name: 'export',
    summary: "export a workspace's kudos (or one person's) as CSV or JSON",
    help: `Usage: kudos export --workspace <id> [--from <YYYY-MM-DD>] [--to <YYYY-MM-DD>] [--format csv|json]
                    [--person <user id>] [--output <file>]

  --workspace  the workspace: its number in Kudos, or its Slack team / Teams tenant id
  --from       the first day to export (UTC; default: the first kudos)
  --to         the last day to export, included (UTC; default: the latest kudos)
  --format     csv (the default: RFC 4180, a header row, CRLF line ends) or json (an array of objects)
  --person     only the kudos this person gave or received (their Slack or Teams user id), with their role
  --output     write to this file instead of standard output

One row per kudos, oldest first: id, created_at, source, channel_id, giver and giver_name, recipients and
recipient_names (";"-separated in CSV), values, message, campaign_key, withdrawn_at, withdrawn_by and
withdrawn_by_name. Times are UTC ISO 8601. CSV cells that a spreadsheet would run as a formula (starting with
= + - @, a tab or a carriage return) start with an apostrophe; JSON keeps every text exactly.

${DATABASE_NOTE}`,
    options: {
      ...HELP,
      workspace: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      format: { type: 'string' },
      person: { type: 'string' },
      output: { type: 'string', short: 'o' },
    },
    run: async (args) => (await import('./export.js')).exportMain(args),
  },
  {
    name: 'seed-demo',
    summary: 'add a demo workspace with four weeks of kudos (replaces an earlier demo, nothing else)',
    help: `Usage: kudos seed-demo

Adds a demo workspace (TDEMO): two dozen people, the default values and four weeks of kudos. Running it
again replaces the demo workspace and nothing else. Then \`kudos digest --workspace TDEMO --preview\`
shows a digest without any Slack.

${DATABASE_NOTE}`,
    options: { ...HELP },
    run: async () => (await import('./seed-demo.js')).seedDemoMain(),
  },
  {
    name: 'teams-package',
    summary: 'write the Teams app package (zip) to upload in Teams',
    help: `Usage: kudos teams-package [<out.zip>]

Writes the Teams app package: manifests/teams/manifest.json with the bot's Microsoft app id
(MICROSOFT_APP_ID, from the environment or .env) as app id and bot id, and the two icons.
  <out.zip>  where to write it (default: kudos-teams.zip in the current directory)`,
    options: { ...HELP },
    maxPositionals: 1,
    run: async (args) => (await import('./teams-package.js')).teamsPackageMain(args.positionals[0]),
  },
];

export function findCommand(name: string): Command | undefined {
  return COMMANDS.find((c) => c.name === name);
}
