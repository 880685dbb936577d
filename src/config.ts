import { config as loadDotenv } from 'dotenv';
import { z } from 'zod';
import { parseKey } from './core/secrets';

/**
 * The environment, parsed and validated once. This is the only module that reads process.env;
 * everything else receives a frozen Config.
 */

const optionalString = z
  .string()
  .trim()
  .transform((s) => (s === '' ? undefined : s))
  .optional();

const boolFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .optional()
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** What MICROSOFT_APP_TYPE means when unset: Azure no longer creates multi-tenant bots. */
const DEFAULT_MICROSOFT_APP_TYPE = 'SingleTenant';

const schema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: optionalString,
    PUBLIC_URL: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
    DATABASE_URL: optionalString.pipe(z.url({ protocol: /^postgres(ql)?$/ }).optional()),
    DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
    DATABASE_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(5_000),
    DATABASE_QUERY_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(15_000),
    DATABASE_IDLE_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(10_000),
    DATA_DIR: z.string().trim().min(1).default('./data'),
    SLACK_SIGNING_SECRET: optionalString,
    SLACK_BOT_TOKEN: optionalString.pipe(z.string().startsWith('xoxb-', 'must be a bot token (xoxb-…)').optional()),
    SLACK_APP_TOKEN: optionalString.pipe(z.string().startsWith('xapp-', 'must be an app-level token (xapp-…)').optional()),
    SLACK_API_URL: optionalString.pipe(z.url().optional()),
    SLACK_ACK_TIMEOUT_MS: z.coerce.number().int().min(100).max(2_900).default(2_500),
    SLACK_CLIENT_ID: optionalString,
    SLACK_CLIENT_SECRET: optionalString,
    SLACK_STATE_SECRET: optionalString.pipe(z.string().min(16, 'must be at least 16 characters (a random string: openssl rand -hex 32)').optional()),
    SLACK_REDIRECT_URI: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
    UNINSTALL_GRACE_DAYS: z.coerce.number().int().min(0).max(3650).default(30),
    MICROSOFT_APP_ID: optionalString,
    MICROSOFT_APP_PASSWORD: optionalString,
    MICROSOFT_APP_TYPE: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMsi', '']).optional().default(''),
    MICROSOFT_APP_TENANT_ID: optionalString,
    TEAMS_ALLOW_UNAUTHENTICATED: boolFlag,
    KUDOS_ADMINS: optionalString,
    KUDOS_ENCRYPTION_KEY: optionalString,
    KUDOS_ENCRYPTION_KEY_PREVIOUS: optionalString,
    SCHEDULER_ENABLED: z.enum(['true', 'false', '']).optional().transform((v) => v !== 'false'),
    JOB_GRACE_HOURS: z.coerce.number().min(0).max(24 * 14).default(24),
    SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).max(120_000).default(10_000),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    LOG_FORMAT: z.enum(['json', 'pretty', '']).optional().transform((v) => v || undefined),
    HTTPS_PROXY: optionalString.pipe(z.url().optional()),
    HTTP_PROXY: optionalString.pipe(z.url().optional()),
    NO_PROXY: optionalString,
    // The lower-case spellings many tools also read; the upper-case ones win when both are set.
    https_proxy: optionalString.pipe(z.url().optional()),
    http_proxy: optionalString.pipe(z.url().optional()),
    no_proxy: optionalString,
  })
  .superRefine((env, ctx) => {
    // Keys are checked here so a bad one stops start-up with the variable named (never its value).
    for (const [name, value] of [
      ['KUDOS_ENCRYPTION_KEY', env.KUDOS_ENCRYPTION_KEY],
      ...(env.KUDOS_ENCRYPTION_KEY_PREVIOUS ?? '').split(',').filter((k) => k.trim()).map((k) => ['KUDOS_ENCRYPTION_KEY_PREVIOUS', k] as const),
    ] as const) {
      if (!value) continue;
      try {
        parseKey(value);
      } catch (err) {
        ctx.addIssue({ code: 'custom', path: [name], message: err instanceof Error ? err.message : String(err) });
      }
    }
    if (env.PUBLIC_URL && URL.canParse(env.PUBLIC_URL)) {
      // Download links carry a secret: only https, but for a browser on the same machine (local development).
      const u = new URL(env.PUBLIC_URL);
      if (u.protocol !== 'https:' && !['localhost', '127.0.0.1', '[::1]'].includes(u.hostname)) {
        ctx.addIssue({ code: 'custom', path: ['PUBLIC_URL'], message: 'must start with https:// (http:// only for localhost)' });
      }
      if (u.search || u.hash) ctx.addIssue({ code: 'custom', path: ['PUBLIC_URL'], message: 'must have no ?query or #fragment: it is the address people reach Kudos at' });
    }
    if (env.KUDOS_ENCRYPTION_KEY_PREVIOUS && !env.KUDOS_ENCRYPTION_KEY) {
      ctx.addIssue({ code: 'custom', path: ['KUDOS_ENCRYPTION_KEY'], message: 'is required when KUDOS_ENCRYPTION_KEY_PREVIOUS is set (the new key seals, the previous ones only open)' });
    }
    if (env.SLACK_CLIENT_ID) {
      // "Add to Slack" for several workspaces: every installation's tokens are sealed, so the key is required.
      if (env.SLACK_BOT_TOKEN) {
        ctx.addIssue({ code: 'custom', path: ['SLACK_BOT_TOKEN'], message: 'must not be set with SLACK_CLIENT_ID: choose one workspace (SLACK_BOT_TOKEN) or "Add to Slack" for several (SLACK_CLIENT_ID)' });
      }
      if (env.SLACK_APP_TOKEN) {
        ctx.addIssue({ code: 'custom', path: ['SLACK_APP_TOKEN'], message: 'must not be set with SLACK_CLIENT_ID: Socket Mode serves one workspace (use SLACK_BOT_TOKEN with it)' });
      }
      for (const [name, value] of [
        ['SLACK_CLIENT_SECRET', env.SLACK_CLIENT_SECRET],
        ['SLACK_STATE_SECRET', env.SLACK_STATE_SECRET],
        ['SLACK_SIGNING_SECRET', env.SLACK_SIGNING_SECRET],
        ['KUDOS_ENCRYPTION_KEY', env.KUDOS_ENCRYPTION_KEY],
      ] as const) {
        if (!value) ctx.addIssue({ code: 'custom', path: [name], message: 'is required with SLACK_CLIENT_ID (installing Kudos in several workspaces)' });
      }
    }
    if (env.SLACK_BOT_TOKEN && !env.SLACK_APP_TOKEN && !env.SLACK_SIGNING_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['SLACK_SIGNING_SECRET'],
        message: 'is required for Slack over HTTP (or set SLACK_APP_TOKEN for Socket Mode)',
      });
    }
    if ((env.SLACK_SIGNING_SECRET || env.SLACK_APP_TOKEN) && !env.SLACK_BOT_TOKEN && !env.SLACK_CLIENT_ID) {
      ctx.addIssue({ code: 'custom', path: ['SLACK_BOT_TOKEN'], message: 'is required when Slack is configured (or SLACK_CLIENT_ID to install Kudos in several workspaces)' });
    }
    if (env.MICROSOFT_APP_ID && env.MICROSOFT_APP_TYPE !== 'UserAssignedMsi' && !env.MICROSOFT_APP_PASSWORD) {
      ctx.addIssue({ code: 'custom', path: ['MICROSOFT_APP_PASSWORD'], message: 'is required with MICROSOFT_APP_ID' });
    }
    // Azure creates new bots as single-tenant or user-assigned managed identity only, so SingleTenant is the
    // default; both need the tenant id. MultiTenant stays for bots registered before that change.
    const appType = env.MICROSOFT_APP_TYPE || DEFAULT_MICROSOFT_APP_TYPE;
    if (env.MICROSOFT_APP_ID && appType !== 'MultiTenant' && !env.MICROSOFT_APP_TENANT_ID) {
      ctx.addIssue({
        code: 'custom',
        path: ['MICROSOFT_APP_TENANT_ID'],
        message:
          `is required for ${appType}${env.MICROSOFT_APP_TYPE ? '' : ' (the default MICROSOFT_APP_TYPE)'}: set it to your Microsoft Entra tenant id, ` +
          'or set MICROSOFT_APP_TYPE=MultiTenant for a bot registered as multi-tenant before Azure stopped offering that',
      });
    }
  });

export interface SlackConfig {
  /** One workspace (SLACK_BOT_TOKEN); undefined when installations come through "Add to Slack" (`oauth`). */
  readonly botToken: string | undefined;
  /** Several workspaces, each installed with "Add to Slack" (OAuth v2); undefined in one-workspace mode. */
  readonly oauth: SlackOAuthConfig | undefined;
  readonly signingSecret: string | undefined;
  readonly appToken: string | undefined;
  readonly apiUrl: string | undefined;
  /** How long a command may take before Slack is answered "working on it" (the answer then follows). */
  readonly ackTimeoutMs: number;
  /** The process's outbound proxy (Config.proxy), for the Web API and response_url posts; unset: direct. */
  readonly proxy?: ProxyConfig;
}

/** "Add to Slack": the app's OAuth credentials, for installing Kudos in any number of workspaces. */
export interface SlackOAuthConfig {
  readonly clientId: string;
  readonly clientSecret: string;
  /** Signs the `state` of each install link (it is also single-use: see src/slack/oauth.ts). */
  readonly stateSecret: string;
  /** The redirect URL registered with Slack; unset: the one in the app's settings. */
  readonly redirectUri: string | undefined;
}

export interface TeamsConfig {
  readonly appId: string | undefined;
  readonly appPassword: string | undefined;
  readonly appType: string;
  readonly tenantId: string | undefined;
  readonly allowUnauthenticated: boolean;
}

/** A forward proxy for outbound HTTP (Slack's Web API, response_url posts), from HTTPS_PROXY / HTTP_PROXY / NO_PROXY. */
export interface ProxyConfig {
  /** For https:// targets (falls back to httpProxy). */
  readonly httpsProxy: string | undefined;
  /** For http:// targets. */
  readonly httpProxy: string | undefined;
  /** Hosts reached directly: comma-separated names (a name also covers its subdomains), `host:port`, or `*`. */
  readonly noProxy: string | undefined;
}

/** `json` for log collectors, `pretty` for a person at a terminal; unset: pretty when stdout is a terminal. */
export type LogFormat = 'json' | 'pretty';

export interface Config {
  readonly port: number;
  readonly host: string | undefined;
  /** Where people reach this server (PUBLIC_URL), without a trailing slash; download links start with it. */
  readonly publicUrl: string | undefined;
  readonly databaseUrl: string | undefined;
  readonly databasePoolMax: number;
  /** Postgres only: see DatabaseTimeouts in db/connect.ts. */
  readonly databaseTimeouts: { readonly connectMs: number; readonly queryMs: number; readonly idleMs: number };
  readonly dataDir: string;
  readonly slack: SlackConfig | undefined;
  readonly teams: TeamsConfig | undefined;
  readonly seedAdmins: readonly string[];
  /** Keys for secrets at rest (core/secrets.ts): the current one, and earlier ones that only open. */
  readonly encryption: { readonly key: string; readonly previous: string | undefined } | undefined;
  readonly schedulerEnabled: boolean;
  readonly jobGraceHours: number;
  /** Days an uninstalled workspace's data is kept (a reinstall within them restores it), then deleted. */
  readonly uninstallGraceDays: number;
  readonly shutdownTimeoutMs: number;
  readonly logLevel: string;
  /** Undefined: decided by whether stdout is a terminal. */
  readonly logFormat: LogFormat | undefined;
  /** Undefined when no proxy is set: outbound HTTP goes direct. */
  readonly proxy: ProxyConfig | undefined;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses the environment (after reading `.env` when it is process.env) into a frozen Config. */
export function loadConfig(env: NodeJS.ProcessEnv = readProcessEnv()): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(`Invalid configuration:\n${z.prettifyError(parsed.error)}`);
  }
  const e = parsed.data;
  const proxy = proxyConfig(e.HTTPS_PROXY ?? e.https_proxy, e.HTTP_PROXY ?? e.http_proxy, e.NO_PROXY ?? e.no_proxy);
  const oauth: SlackOAuthConfig | undefined = e.SLACK_CLIENT_ID
    ? Object.freeze({ clientId: e.SLACK_CLIENT_ID, clientSecret: e.SLACK_CLIENT_SECRET!, stateSecret: e.SLACK_STATE_SECRET!, redirectUri: e.SLACK_REDIRECT_URI })
    : undefined;
  const slack: SlackConfig | undefined = e.SLACK_BOT_TOKEN || oauth
    ? Object.freeze({
        botToken: e.SLACK_BOT_TOKEN,
        oauth,
        signingSecret: e.SLACK_SIGNING_SECRET,
        appToken: e.SLACK_APP_TOKEN,
        apiUrl: e.SLACK_API_URL,
        ackTimeoutMs: e.SLACK_ACK_TIMEOUT_MS,
        proxy,
      })
    : undefined;
  const teams: TeamsConfig | undefined =
    e.MICROSOFT_APP_ID || e.TEAMS_ALLOW_UNAUTHENTICATED
      ? Object.freeze({
          appId: e.MICROSOFT_APP_ID,
          appPassword: e.MICROSOFT_APP_PASSWORD,
          appType: e.MICROSOFT_APP_TYPE || DEFAULT_MICROSOFT_APP_TYPE,
          tenantId: e.MICROSOFT_APP_TENANT_ID,
          allowUnauthenticated: e.TEAMS_ALLOW_UNAUTHENTICATED,
        })
      : undefined;
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    publicUrl: e.PUBLIC_URL?.replace(/\/+$/, ''),
    databaseUrl: e.DATABASE_URL,
    databasePoolMax: e.DATABASE_POOL_MAX,
    databaseTimeouts: Object.freeze({ connectMs: e.DATABASE_CONNECT_TIMEOUT_MS, queryMs: e.DATABASE_QUERY_TIMEOUT_MS, idleMs: e.DATABASE_IDLE_TIMEOUT_MS }),
    dataDir: e.DATA_DIR,
    slack,
    teams,
    encryption: e.KUDOS_ENCRYPTION_KEY ? Object.freeze({ key: e.KUDOS_ENCRYPTION_KEY, previous: e.KUDOS_ENCRYPTION_KEY_PREVIOUS }) : undefined,
    seedAdmins: Object.freeze(
      (e.KUDOS_ADMINS ?? '')
        .split(/[\s,]+/)
        .map((s) => s.trim())
        .filter(Boolean),
    ),
    schedulerEnabled: e.SCHEDULER_ENABLED,
    jobGraceHours: e.JOB_GRACE_HOURS,
    uninstallGraceDays: e.UNINSTALL_GRACE_DAYS,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
    proxy,
  });
}

function proxyConfig(httpsProxy: string | undefined, httpProxy: string | undefined, noProxy: string | undefined): ProxyConfig | undefined {
  if (!httpsProxy && !httpProxy) return undefined;
  return Object.freeze({ httpsProxy, httpProxy, noProxy });
}

function readProcessEnv(): NodeJS.ProcessEnv {
  loadDotenv({ quiet: true });
  return process.env;
}
