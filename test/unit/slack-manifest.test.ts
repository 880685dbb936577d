import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { BOT_SCOPES } from '../../src/slack/scopes';

/**
 * Validates manifests/slack/manifest.yaml against the parts of Slack's app manifest schema (v1) that
 * apply to Kudos, plus what the product itself needs from the app. The rules are data; `checkManifest`
 * walks them and returns one message per problem, each naming the key at fault.
 */

const MANIFEST_PATH = join(__dirname, '..', '..', 'manifests', 'slack', 'manifest.yaml');

type Kind = 'string' | 'boolean' | 'integer' | 'array' | 'object';

interface FieldRule {
  /** Dotted path; `name[]` stands for every item of the array `name`. */
  readonly path: string;
  readonly kind: Kind;
  /** Required whenever the enclosing object exists. */
  readonly required?: boolean;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: RegExp;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly uniqueItems?: boolean;
  readonly equals?: string | number | boolean;
  /** For objects: the only keys Slack accepts (its schema has `additionalProperties: false`). */
  readonly keys?: readonly string[];
}

const URL_PATTERN = /^https?:\/\//;

/** Slack's manifest schema v1, restricted to the sections Kudos uses. */
const SCHEMA_RULES: readonly FieldRule[] = [
  {
    path: '',
    kind: 'object',
    keys: ['_metadata', 'display_information', 'features', 'oauth_config', 'settings', 'app_directory'],
  },
  { path: '_metadata', kind: 'object', required: true, keys: ['major_version', 'minor_version'] },
  { path: '_metadata.major_version', kind: 'integer', required: true, equals: 1 },
  { path: '_metadata.minor_version', kind: 'integer', required: true },

  {
    path: 'display_information',
    kind: 'object',
    required: true,
    keys: ['name', 'description', 'long_description', 'background_color'],
  },
  { path: 'display_information.name', kind: 'string', required: true, minLength: 1, maxLength: 35 },
  { path: 'display_information.description', kind: 'string', minLength: 1, maxLength: 140 },
  { path: 'display_information.long_description', kind: 'string', minLength: 175, maxLength: 4000 },
  {
    path: 'display_information.background_color',
    kind: 'string',
    minLength: 4,
    maxLength: 7,
    pattern: /^#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?$/,
  },

  {
    path: 'features',
    kind: 'object',
    keys: ['app_home', 'bot_user', 'shortcuts', 'slash_commands', 'unfurl_domains', 'workflow_steps'],
  },
  { path: 'features.bot_user', kind: 'object', keys: ['display_name', 'always_online'] },
  { path: 'features.bot_user.display_name', kind: 'string', required: true, minLength: 1, maxLength: 80 },
  { path: 'features.bot_user.always_online', kind: 'boolean' },
  {
    path: 'features.app_home',
    kind: 'object',
    keys: ['home_tab_enabled', 'messages_tab_enabled', 'messages_tab_read_only_enabled'],
  },
  { path: 'features.app_home.home_tab_enabled', kind: 'boolean' },
  { path: 'features.app_home.messages_tab_enabled', kind: 'boolean' },
  { path: 'features.app_home.messages_tab_read_only_enabled', kind: 'boolean' },

  { path: 'features.slash_commands', kind: 'array', minItems: 1, maxItems: 50 },
  {
    path: 'features.slash_commands[]',
    kind: 'object',
    keys: ['command', 'description', 'url', 'usage_hint', 'should_escape'],
  },
  {
    path: 'features.slash_commands[].command',
    kind: 'string',
    required: true,
    minLength: 2,
    maxLength: 32,
    pattern: /^\//,
  },
  { path: 'features.slash_commands[].description', kind: 'string', required: true, minLength: 1, maxLength: 2000 },
  { path: 'features.slash_commands[].url', kind: 'string', maxLength: 3000, pattern: URL_PATTERN },
  { path: 'features.slash_commands[].usage_hint', kind: 'string', minLength: 1, maxLength: 1000 },
  { path: 'features.slash_commands[].should_escape', kind: 'boolean' },

  { path: 'features.shortcuts', kind: 'array', minItems: 1, maxItems: 10 },
  { path: 'features.shortcuts[]', kind: 'object', keys: ['name', 'type', 'callback_id', 'description'] },
  { path: 'features.shortcuts[].name', kind: 'string', required: true, minLength: 1, maxLength: 24 },
  { path: 'features.shortcuts[].type', kind: 'string', required: true, pattern: /^(message|global)$/ },
  { path: 'features.shortcuts[].callback_id', kind: 'string', required: true, minLength: 1, maxLength: 255 },
  { path: 'features.shortcuts[].description', kind: 'string', required: true, minLength: 1, maxLength: 150 },

  { path: 'oauth_config', kind: 'object', keys: ['redirect_urls', 'scopes', 'token_management_enabled'] },
  { path: 'oauth_config.redirect_urls', kind: 'array', maxItems: 1000, uniqueItems: true },
  { path: 'oauth_config.scopes', kind: 'object', keys: ['bot', 'user', 'bot_optional', 'user_optional'] },
  { path: 'oauth_config.scopes.bot', kind: 'array', maxItems: 255, uniqueItems: true },
  { path: 'oauth_config.scopes.bot[]', kind: 'string', minLength: 1, maxLength: 50 },

  {
    path: 'settings',
    kind: 'object',
    keys: [
      'allowed_ip_address_ranges',
      'event_subscriptions',
      'incoming_webhooks',
      'interactivity',
      'org_deploy_enabled',
      'socket_mode_enabled',
      'token_rotation_enabled',
    ],
  },
  { path: 'settings.event_subscriptions', kind: 'object', keys: ['request_url', 'bot_events', 'user_events'] },
  { path: 'settings.event_subscriptions.request_url', kind: 'string', maxLength: 3500, pattern: URL_PATTERN },
  { path: 'settings.event_subscriptions.bot_events', kind: 'array', maxItems: 100, uniqueItems: true },
  { path: 'settings.event_subscriptions.bot_events[]', kind: 'string', minLength: 1, maxLength: 50 },
  {
    path: 'settings.interactivity',
    kind: 'object',
    keys: ['is_enabled', 'request_url', 'message_menu_options_url'],
  },
  { path: 'settings.interactivity.is_enabled', kind: 'boolean', required: true },
  { path: 'settings.interactivity.request_url', kind: 'string', maxLength: 3500, pattern: URL_PATTERN },
  { path: 'settings.org_deploy_enabled', kind: 'boolean' },
  { path: 'settings.socket_mode_enabled', kind: 'boolean' },
  { path: 'settings.token_rotation_enabled', kind: 'boolean' },
];

/** What Kudos itself needs from the app, on top of Slack's schema. */
const PRODUCT_RULES: readonly FieldRule[] = [
  { path: 'display_information.name', kind: 'string', required: true, equals: 'Kudos' },
  { path: 'display_information.description', kind: 'string', required: true },
  { path: 'display_information.long_description', kind: 'string', required: true },
  { path: 'display_information.background_color', kind: 'string', required: true },
  { path: 'features', kind: 'object', required: true },
  { path: 'features.bot_user', kind: 'object', required: true },
  { path: 'features.bot_user.display_name', kind: 'string', required: true, equals: 'Kudos' },
  { path: 'features.bot_user.always_online', kind: 'boolean', required: true, equals: true },
  { path: 'features.app_home', kind: 'object', required: true },
  { path: 'features.app_home.home_tab_enabled', kind: 'boolean', required: true, equals: true },
  { path: 'features.app_home.messages_tab_enabled', kind: 'boolean', required: true, equals: true },
  // The Messages tab shows the bot's DMs but takes no input: nothing in Kudos answers a typed message.
  { path: 'features.app_home.messages_tab_read_only_enabled', kind: 'boolean', required: true, equals: true },
  { path: 'features.slash_commands', kind: 'array', required: true, minItems: 1, maxItems: 1 },
  { path: 'features.slash_commands[].command', kind: 'string', required: true, equals: '/thanks' },
  { path: 'features.slash_commands[].usage_hint', kind: 'string', required: true },
  // With escaping on, Slack sends mentions as <@U123> ids, which is what the parser reads.
  { path: 'features.slash_commands[].should_escape', kind: 'boolean', required: true, equals: true },
  { path: 'features.shortcuts', kind: 'array', required: true, minItems: 1, maxItems: 1 },
  { path: 'features.shortcuts[].name', kind: 'string', required: true, equals: 'Give kudos' },
  { path: 'features.shortcuts[].type', kind: 'string', required: true, equals: 'message' },
  { path: 'features.shortcuts[].callback_id', kind: 'string', required: true, equals: 'give_kudos_shortcut' },
  { path: 'oauth_config', kind: 'object', required: true },
  { path: 'oauth_config.scopes', kind: 'object', required: true },
  { path: 'oauth_config.scopes.bot', kind: 'array', required: true, minItems: 1 },
  { path: 'settings', kind: 'object', required: true },
  { path: 'settings.event_subscriptions', kind: 'object', required: true },
  { path: 'settings.event_subscriptions.bot_events', kind: 'array', required: true, minItems: 1 },
  { path: 'settings.interactivity', kind: 'object', required: true },
  { path: 'settings.interactivity.is_enabled', kind: 'boolean', required: true, equals: true },
  { path: 'settings.org_deploy_enabled', kind: 'boolean', required: true, equals: false },
  { path: 'settings.socket_mode_enabled', kind: 'boolean', required: true },
  { path: 'settings.token_rotation_enabled', kind: 'boolean', required: true, equals: false },
];

/** Bot scopes the product calls for (see the Web API methods it uses, SCOPE_USES below). */
const REQUIRED_BOT_SCOPES: readonly string[] = [
  'commands',
  'chat:write',
  'chat:write.public',
  'reactions:read',
  'users:read',
  'channels:join',
  // Exports are sent as files into the person's DM with Kudos.
  'im:write',
  'files:write',
  // A scheduled post interrupted between posting and recording is looked for in its channel's latest
  // messages (one call, rare) rather than posted twice.
  'channels:history',
  'groups:history',
  // The Kudos Wall shows kudos from public channels only: conversations.info tells which those are.
  'channels:read',
  // Kudos between teams: an admin marks user groups as teams, whose members are read from Slack.
  'usergroups:read',
];

/**
 * What each requested bot scope is for: the Web API methods that need it (any one of `methods` called in
 * src/slack), the events it delivers (handled with `app.event(…)`), or the features that need it (a command or a
 * shortcut handled in src/slack). Scopes from Slack's method reference pages.
 */
const SCOPE_USES: Readonly<Record<string, { methods?: readonly string[]; events?: readonly string[]; handlers?: readonly RegExp[] }>> = {
  commands: { handlers: [/app\.command\(/, /GIVE_SHORTCUT_CALLBACK/] },
  'chat:write': { methods: ['chat.postMessage', 'chat.postEphemeral', 'chat.update'] },
  // Posting in a public channel the bot is not in; the same call as chat:write.
  'chat:write.public': { methods: ['chat.postMessage'] },
  'reactions:read': { events: ['reaction_added', 'reaction_removed'] },
  'users:read': { methods: ['users.info'] },
  'channels:join': { methods: ['conversations.join'] },
  'im:write': { methods: ['conversations.open'] },
  'files:write': { methods: ['files.getUploadURLExternal', 'files.completeUploadExternal'] },
  'channels:history': { methods: ['conversations.history', 'conversations.replies'] },
  'groups:history': { methods: ['conversations.history', 'conversations.replies'] },
  'channels:read': { methods: ['conversations.info'] },
  'usergroups:read': { methods: ['usergroups.list', 'usergroups.users.list'] },
};

/**
 * The bot scopes each Web API method needs (any one of them suffices; history in a private channel needs
 * groups:history, which is why both are requested). A method called in src/ that is missing here is reported,
 * so a new call comes with its scope. `chat.postMessage` to a user id (a DM, landing in the Messages tab)
 * needs only chat:write: `im:write` is for conversations.open, which Kudos calls only to share an export file.
 */
const METHOD_SCOPES: Readonly<Record<string, readonly string[]>> = {
  'auth.test': [],
  'views.open': [],
  'views.push': [],
  'views.update': [],
  'views.publish': [],
  'chat.getPermalink': [],
  'chat.postMessage': ['chat:write'],
  'chat.postEphemeral': ['chat:write'],
  'chat.update': ['chat:write'],
  'users.info': ['users:read'],
  'conversations.join': ['channels:join'],
  'conversations.open': ['im:write'],
  'files.getUploadURLExternal': ['files:write'],
  'files.completeUploadExternal': ['files:write'],
  'conversations.history': ['channels:history', 'groups:history'],
  'conversations.replies': ['channels:history', 'groups:history'],
  'conversations.info': ['channels:read'],
  'usergroups.list': ['usergroups:read'],
  'usergroups.users.list': ['usergroups:read'],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** The Slack side of the source: everything under src/ but the Teams adapter. */
const SLACK_SOURCE = sourceFiles(join(__dirname, '..', '..', 'src'))
  .filter((f) => !f.includes(`${join('src', 'teams')}`))
  .map((f) => readFileSync(f, 'utf8'))
  .join('\n');

/** Web API methods the code calls: `api.call('method', …)` (with or without a type argument) and `postMessage(…)`. */
function calledMethods(source: string): Set<string> {
  const methods = new Set<string>();
  for (const m of source.matchAll(/\.call\s*(?:<[^()]*?>)?\(\s*'([a-z]+\.[a-zA-Z.]+)'/g)) methods.add(m[1]!);
  if (/\.postMessage\(/.test(source)) methods.add('chat.postMessage');
  return methods;
}

/** Events the code handles: `app.event('name', …)`. */
function handledEvents(source: string): Set<string> {
  return new Set([...source.matchAll(/app\.event\(\s*'([a-z_]+)'/g)].map((m) => m[1]!));
}

/** Kudos finds its own posts by stored channel + ts; it reads history only in channels it posts schedules to. */
const FORBIDDEN_BOT_SCOPE = /^(im|mpim):history$/;

/** Bot events the product listens to. */
const REQUIRED_BOT_EVENTS: readonly string[] = [
  'reaction_added',
  'reaction_removed',
  'app_home_opened',
  'app_uninstalled',
  'tokens_revoked',
];

/**
 * The scopes each bot event needs (any one of them suffices). App events need none. An event missing
 * from this table is reported, so a new subscription comes with its scope.
 */
const EVENT_SCOPES: Readonly<Record<string, readonly string[]>> = {
  reaction_added: ['reactions:read'],
  reaction_removed: ['reactions:read'],
  app_mention: ['app_mentions:read'],
  member_joined_channel: ['channels:read', 'groups:read'],
  app_home_opened: [],
  app_uninstalled: [],
  tokens_revoked: [],
};

/** Features that need a scope when present. */
const FEATURE_SCOPES: Readonly<Record<string, string>> = {
  'features.slash_commands': 'commands',
  'features.shortcuts': 'commands',
};

/** Every request URL Slack calls; in HTTP mode all must be https and the same endpoint. */
const REQUEST_URL_PATHS: readonly string[] = [
  'features.slash_commands[].url',
  'settings.event_subscriptions.request_url',
  'settings.interactivity.request_url',
  'settings.interactivity.message_menu_options_url',
];
const ENDPOINT_PATH = '/slack/events';

// ---------------------------------------------------------------------------------------------------

interface Located {
  readonly at: string;
  readonly value: unknown;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The values at `path`, each with its concrete location (`features.slash_commands[0].command`).
 * A missing final key yields `value: undefined` when its enclosing object exists; a missing
 * intermediate key yields nothing (the rule for that key reports it).
 */
function locate(root: unknown, path: string): Located[] {
  if (path === '') return [{ at: '(manifest root)', value: root }];
  let nodes: Located[] = [{ at: '', value: root }];
  const segments = path.split('.');
  segments.forEach((segment, i) => {
    const last = i === segments.length - 1;
    const each = segment.endsWith('[]');
    const key = each ? segment.slice(0, -2) : segment;
    const next: Located[] = [];
    for (const node of nodes) {
      if (!isObject(node.value)) continue;
      const at = node.at === '' ? key : `${node.at}.${key}`;
      const value = node.value[key];
      if (each) {
        if (Array.isArray(value)) value.forEach((item, n) => next.push({ at: `${at}[${n}]`, value: item }));
      } else if (value !== undefined || last) {
        next.push({ at, value });
      }
    }
    nodes = next;
  });
  return nodes;
}

function kindOf(v: unknown): Kind | 'null' | 'number' | 'other' {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  if (typeof v === 'object') return 'object';
  return 'other';
}

function checkRule(root: unknown, rule: FieldRule): string[] {
  const problems: string[] = [];
  for (const { at, value } of locate(root, rule.path)) {
    if (value === undefined) {
      if (rule.required) problems.push(`${at} is required`);
      continue;
    }
    const kind = kindOf(value);
    if (kind !== rule.kind) {
      problems.push(`${at} must be ${rule.kind}, found ${kind}`);
      continue;
    }
    if (typeof value === 'string') {
      const length = [...value].length;
      if (rule.minLength !== undefined && length < rule.minLength) {
        problems.push(`${at} must be at least ${rule.minLength} characters, found ${length}`);
      }
      if (rule.maxLength !== undefined && length > rule.maxLength) {
        problems.push(`${at} must be at most ${rule.maxLength} characters, found ${length}`);
      }
      if (rule.pattern && !rule.pattern.test(value)) {
        problems.push(`${at} must match ${rule.pattern}, found ${JSON.stringify(value)}`);
      }
    }
    if (Array.isArray(value)) {
      if (rule.minItems !== undefined && value.length < rule.minItems) {
        problems.push(`${at} must have at least ${rule.minItems} items, found ${value.length}`);
      }
      if (rule.maxItems !== undefined && value.length > rule.maxItems) {
        problems.push(`${at} must have at most ${rule.maxItems} items, found ${value.length}`);
      }
      if (rule.uniqueItems) {
        const seen = new Set<string>();
        for (const item of value) {
          const k = JSON.stringify(item);
          if (seen.has(k)) problems.push(`${at} lists ${k} more than once`);
          seen.add(k);
        }
      }
    }
    if (isObject(value) && rule.keys) {
      for (const key of Object.keys(value)) {
        if (!rule.keys.includes(key)) problems.push(`${at} has unknown key "${key}"`);
      }
    }
    if (rule.equals !== undefined && value !== rule.equals) {
      problems.push(`${at} must be ${JSON.stringify(rule.equals)}, found ${JSON.stringify(value)}`);
    }
  }
  return problems;
}

function stringsAt(root: unknown, path: string): string[] {
  return locate(root, path)
    .map((l) => l.value)
    .flatMap((v) => (Array.isArray(v) ? v : [v]))
    .filter((v): v is string => typeof v === 'string');
}

function checkScopesAndEvents(root: unknown): string[] {
  const problems: string[] = [];
  const scopesAt = 'oauth_config.scopes.bot';
  const scopes = new Set(stringsAt(root, scopesAt));
  const events = stringsAt(root, 'settings.event_subscriptions.bot_events');

  for (const scope of REQUIRED_BOT_SCOPES) {
    if (!scopes.has(scope)) problems.push(`${scopesAt} must include "${scope}"`);
  }
  for (const scope of scopes) {
    if (FORBIDDEN_BOT_SCOPE.test(scope)) {
      problems.push(`${scopesAt} must not include "${scope}": Kudos never reads direct messages`);
    }
  }
  for (const event of REQUIRED_BOT_EVENTS) {
    if (!events.includes(event)) problems.push(`settings.event_subscriptions.bot_events must include "${event}"`);
  }
  for (const event of events) {
    const needs = EVENT_SCOPES[event];
    if (needs === undefined) {
      problems.push(`settings.event_subscriptions.bot_events: "${event}" has no known scope requirement`);
    } else if (needs.length > 0 && !needs.some((s) => scopes.has(s))) {
      problems.push(
        `settings.event_subscriptions.bot_events: "${event}" needs ${needs.map((s) => `"${s}"`).join(' or ')} in ${scopesAt}`,
      );
    }
  }
  for (const [feature, scope] of Object.entries(FEATURE_SCOPES)) {
    if (locate(root, feature).some((l) => l.value !== undefined) && !scopes.has(scope)) {
      problems.push(`${feature} needs "${scope}" in ${scopesAt}`);
    }
  }
  return problems;
}

function checkRequestUrls(root: unknown): string[] {
  const problems: string[] = [];
  const socketMode = locate(root, 'settings.socket_mode_enabled')[0]?.value === true;
  const found: Located[] = [];
  for (const path of REQUEST_URL_PATHS) {
    const located = locate(root, path);
    for (const l of located) {
      if (l.value === undefined) {
        if (!socketMode) problems.push(`${l.at} is required unless settings.socket_mode_enabled is true`);
        continue;
      }
      found.push(l);
    }
  }
  for (const { at, value } of found) {
    if (typeof value !== 'string') continue;
    if (!value.startsWith('https://')) problems.push(`${at} must be an https URL, found ${JSON.stringify(value)}`);
    else if (new URL(value).pathname !== ENDPOINT_PATH) problems.push(`${at} must end in ${ENDPOINT_PATH}`);
  }
  const first = found[0];
  for (const l of found.slice(1)) {
    if (first && l.value !== first.value) {
      problems.push(`${l.at} must equal ${first.at} (${JSON.stringify(first.value)}), found ${JSON.stringify(l.value)}`);
    }
  }
  return problems;
}

/** Every problem with the manifest, each naming the key at fault; empty when it is valid. */
function checkManifest(manifest: unknown): string[] {
  return [
    ...SCHEMA_RULES.flatMap((rule) => checkRule(manifest, rule)),
    ...PRODUCT_RULES.flatMap((rule) => checkRule(manifest, rule)),
    ...checkScopesAndEvents(manifest),
    ...checkRequestUrls(manifest),
  ];
}

// ---------------------------------------------------------------------------------------------------

function loadManifest(): Record<string, any> {
  const doc = parseDocument(readFileSync(MANIFEST_PATH, 'utf8'), { uniqueKeys: true });
  const issues = [...doc.errors, ...doc.warnings].map((e) => e.message);
  if (issues.length > 0) throw new Error(`manifest.yaml does not parse:\n${issues.join('\n')}`);
  return doc.toJS() as Record<string, any>;
}

/** A fresh copy of the manifest with one change applied. */
function broken(change: (m: Record<string, any>) => void): Record<string, any> {
  const m = loadManifest();
  change(m);
  return m;
}

describe('Slack app manifest', () => {
  it('parses as YAML without errors or warnings', () => {
    expect(() => loadManifest()).not.toThrow();
  });

  it('satisfies the schema and the product rules', () => {
    expect(checkManifest(loadManifest())).toEqual([]);
  });

  it('uses the same https endpoint for commands, events, interactivity and select options', () => {
    const m = loadManifest();
    const urls = REQUEST_URL_PATHS.flatMap((p) => stringsAt(m, p));
    expect(urls).toHaveLength(4);
    expect(new Set(urls)).toEqual(new Set(['https://kudos.example.com/slack/events']));
  });

  it('explains how to adapt it for a public URL and for Socket Mode', () => {
    const head = readFileSync(MANIFEST_PATH, 'utf8').split('\n_metadata')[0] ?? '';
    expect(head).toMatch(/kudos\.example\.com/);
    expect(head).toMatch(/socket_mode_enabled: true/);
  });

  describe('reports a broken manifest by key', () => {
    const cases: ReadonlyArray<[string, (m: Record<string, any>) => void, string]> = [
      ['missing app name', (m) => delete m.display_information.name, 'display_information.name is required'],
      [
        'description over 140 characters',
        (m) => (m.display_information.description = 'x'.repeat(141)),
        'display_information.description must be at most 140',
      ],
      [
        'long description under 175 characters',
        (m) => (m.display_information.long_description = 'Too short.'),
        'display_information.long_description must be at least 175',
      ],
      [
        'bad background colour',
        (m) => (m.display_information.background_color = 'purple'),
        'display_information.background_color must match',
      ],
      [
        'command without a slash',
        (m) => (m.features.slash_commands[0].command = 'thanks'),
        'features.slash_commands[0].command must match',
      ],
      [
        'command too long',
        (m) => (m.features.slash_commands[0].command = `/${'t'.repeat(32)}`),
        'features.slash_commands[0].command must be at most 32',
      ],
      [
        'escaping off',
        (m) => (m.features.slash_commands[0].should_escape = false),
        'features.slash_commands[0].should_escape must be true',
      ],
      [
        'shortcut callback renamed',
        (m) => (m.features.shortcuts[0].callback_id = 'kudos'),
        'features.shortcuts[0].callback_id must be "give_kudos_shortcut"',
      ],
      [
        'shortcut description over 150 characters',
        (m) => (m.features.shortcuts[0].description = 'd'.repeat(151)),
        'features.shortcuts[0].description must be at most 150',
      ],
      [
        'shortcut name over 24 characters',
        (m) => (m.features.shortcuts[0].name = 'Give kudos to this person now'),
        'features.shortcuts[0].name must be at most 24',
      ],
      [
        'unknown key',
        (m) => (m.features.bot_user.displayname = 'Kudos'),
        'features.bot_user has unknown key "displayname"',
      ],
      [
        'reaction events without reactions:read',
        (m) => (m.oauth_config.scopes.bot = m.oauth_config.scopes.bot.filter((s: string) => s !== 'reactions:read')),
        '"reaction_added" needs "reactions:read"',
      ],
      [
        'a direct-message history scope',
        (m) => m.oauth_config.scopes.bot.push('im:history'),
        'oauth_config.scopes.bot must not include "im:history"',
      ],
      [
        'a duplicate scope',
        (m) => m.oauth_config.scopes.bot.push('chat:write'),
        'oauth_config.scopes.bot lists "chat:write" more than once',
      ],
      [
        'an event with no known scope',
        (m) => m.settings.event_subscriptions.bot_events.push('message.channels'),
        '"message.channels" has no known scope requirement',
      ],
      [
        'interactivity missing is_enabled',
        (m) => delete m.settings.interactivity.is_enabled,
        'settings.interactivity.is_enabled is required',
      ],
      [
        'a plain http URL',
        (m) => (m.settings.interactivity.request_url = 'http://kudos.example.com/slack/events'),
        'settings.interactivity.request_url must be an https URL',
      ],
      [
        'URLs that differ',
        (m) => (m.settings.event_subscriptions.request_url = 'https://other.example.com/slack/events'),
        'settings.event_subscriptions.request_url must equal features.slash_commands[0].url',
      ],
      [
        'a URL dropped in HTTP mode',
        (m) => delete m.features.slash_commands[0].url,
        'features.slash_commands[0].url is required unless settings.socket_mode_enabled is true',
      ],
      ['no metadata', (m) => delete m._metadata, '_metadata is required'],
    ];

    it.each(cases)('%s', (_name, change, message) => {
      const problems = checkManifest(broken(change));
      expect(problems).toEqual(expect.arrayContaining([expect.stringContaining(message)]));
    });
  });

  describe('requests only the scopes the code uses', () => {
    const methods = calledMethods(SLACK_SOURCE);
    const events = handledEvents(SLACK_SOURCE);
    const scopes = stringsAt(loadManifest(), 'oauth_config.scopes.bot');

    it('finds the calls and events in the source', () => {
      expect([...methods]).toEqual(expect.arrayContaining(['auth.test', 'chat.postMessage', 'users.info', 'views.publish']));
      expect([...events]).toEqual(expect.arrayContaining(['reaction_added', 'app_home_opened']));
    });

    it('requests exactly the scopes in the table', () => {
      expect([...scopes].sort()).toEqual(Object.keys(SCOPE_USES).sort());
      expect([...scopes].sort()).toEqual([...REQUIRED_BOT_SCOPES].sort());
    });

    it.each(Object.entries(SCOPE_USES))('uses %s', (scope, uses) => {
      const used = [
        ...(uses.methods ?? []).filter((m) => methods.has(m)),
        ...(uses.events ?? []).filter((e) => events.has(e)),
        ...(uses.handlers ?? []).filter((h) => h.test(SLACK_SOURCE)).map(String),
      ];
      expect(used).not.toEqual([]);
      // A scope that comes with events needs them subscribed too.
      for (const event of uses.events ?? []) expect(stringsAt(loadManifest(), 'settings.event_subscriptions.bot_events')).toContain(event);
    });

    it.each([...calledMethods(SLACK_SOURCE)])('covers %s with a requested scope', (method) => {
      const needs = METHOD_SCOPES[method];
      expect(needs).toBeDefined();
      if (needs!.length > 0) expect(needs!.filter((s) => scopes.includes(s))).not.toEqual([]);
    });

    it('does not request scopes for calls Kudos does not make', () => {
      for (const unused of ['team:read', 'groups:read', 'files:read', 'im:history']) expect(scopes).not.toContain(unused);
    });
  });

  it('keeps the Messages tab for the bot\'s DMs, read-only', () => {
    const m = loadManifest();
    expect(m.features.app_home.messages_tab_enabled).toBe(true);
    expect(m.features.app_home.messages_tab_read_only_enabled).toBe(true);
    // Nothing listens to messages typed there.
    expect(stringsAt(m, 'settings.event_subscriptions.bot_events').filter((e) => e.startsWith('message'))).toEqual([]);
    expect(SLACK_SOURCE).not.toMatch(/app\.message\(/);
  });

  it('explains org_deploy_enabled for Enterprise Grid', () => {
    const text = readFileSync(MANIFEST_PATH, 'utf8');
    const before = text.split('\n  org_deploy_enabled:')[0]!.split('\n').reverse();
    const comment = before.slice(0, before.findIndex((l) => !l.trim().startsWith('#'))).join(' ');
    expect(comment).toMatch(/Enterprise Grid/);
    expect(comment).toMatch(/org-wide install/);
  });

  it('accepts the Socket Mode variant described in the header comment', () => {
    const m = broken((m) => {
      m.settings.socket_mode_enabled = true;
      delete m.features.slash_commands[0].url;
      delete m.settings.event_subscriptions.request_url;
      delete m.settings.interactivity.request_url;
    });
    expect(checkManifest(m)).toEqual([]);
  });

  it('registers the "Add to Slack" redirect on the same host as the request URLs', () => {
    expect(loadManifest().oauth_config.redirect_urls).toEqual(['https://kudos.example.com/slack/oauth_redirect']);
    expect(readFileSync(MANIFEST_PATH, 'utf8').split('\n_metadata')[0]).toMatch(/\/slack\/install/);
  });

  it('requests at install ("Add to Slack") exactly the bot scopes the manifest lists, in its order', () => {
    expect([...BOT_SCOPES]).toEqual(loadManifest().oauth_config.scopes.bot);
  });
});
