import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateRawSync, inflateSync } from 'node:zlib';
import { parseThanks } from '../../src/core/parse-thanks';
import { buildPackage, fillManifest, zip } from '../../src/cli/teams-package';

/**
 * Checks manifests/teams/manifest.json against the parts of the Teams app manifest schema v1.29 that Kudos
 * uses (required keys, allowed keys, lengths, patterns and enums, as the published schema states them), the
 * icons against their required sizes, and the package script's zip against what Teams accepts.
 */

const DIR = join(__dirname, '..', '..', 'manifests', 'teams');
const manifest = JSON.parse(readFileSync(join(DIR, 'manifest.json'), 'utf8'));

const GUID = /^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/;
const HTTP_URL = /^[Hh][Tt][Tt][Pp][Ss]?:\/\//;
const HEX_COLOR = /^#[0-9a-fA-F]{6}$/;

type Rule =
  | { path: string; kind: 'object'; required?: boolean; keys: string[]; requiredKeys?: string[] }
  | { path: string; kind: 'string'; required?: boolean; maxLength?: number; pattern?: RegExp; equals?: string; oneOf?: string[] }
  | { path: string; kind: 'array'; required?: boolean; maxItems?: number; items?: string[] }
  | { path: string; kind: 'boolean'; required?: boolean };

/** The schema's rules for the sections in use; `[]` stands for every item of an array. */
const RULES: Rule[] = [
  {
    path: '',
    kind: 'object',
    keys: ['$schema', 'manifestVersion', 'version', 'id', 'developer', 'name', 'description', 'icons', 'accentColor', 'bots', 'composeExtensions', 'permissions', 'validDomains'],
    requiredKeys: ['manifestVersion', 'version', 'id', 'developer', 'name', 'description', 'icons', 'accentColor'],
  },
  { path: '$schema', kind: 'string', equals: 'https://developer.microsoft.com/en-us/json-schemas/teams/v1.29/MicrosoftTeams.schema.json' },
  { path: 'manifestVersion', kind: 'string', equals: '1.29' },
  { path: 'version', kind: 'string', maxLength: 256, pattern: /^\d+\.\d+\.\d+$/ },
  { path: 'id', kind: 'string', pattern: GUID },
  { path: 'developer', kind: 'object', keys: ['name', 'mpnId', 'websiteUrl', 'privacyUrl', 'termsOfUseUrl'], requiredKeys: ['name', 'websiteUrl', 'privacyUrl', 'termsOfUseUrl'] },
  { path: 'developer.name', kind: 'string', maxLength: 32 },
  { path: 'developer.websiteUrl', kind: 'string', maxLength: 2048, pattern: HTTP_URL },
  { path: 'developer.privacyUrl', kind: 'string', maxLength: 2048, pattern: HTTP_URL },
  { path: 'developer.termsOfUseUrl', kind: 'string', maxLength: 2048, pattern: HTTP_URL },
  { path: 'name', kind: 'object', keys: ['short', 'full'], requiredKeys: ['short'] },
  { path: 'name.short', kind: 'string', maxLength: 30 },
  { path: 'name.full', kind: 'string', maxLength: 100 },
  { path: 'description', kind: 'object', keys: ['short', 'full', 'features'], requiredKeys: ['short', 'full'] },
  { path: 'description.short', kind: 'string', maxLength: 80 },
  { path: 'description.full', kind: 'string', maxLength: 4000 },
  { path: 'icons', kind: 'object', keys: ['outline', 'color', 'color32x32'], requiredKeys: ['outline', 'color'] },
  { path: 'icons.color', kind: 'string', maxLength: 2048 },
  { path: 'icons.outline', kind: 'string', maxLength: 2048 },
  { path: 'accentColor', kind: 'string', pattern: HEX_COLOR },
  { path: 'bots', kind: 'array', maxItems: 1 },
  {
    path: 'bots[]',
    kind: 'object',
    keys: ['botId', 'configuration', 'needsChannelSelector', 'isNotificationOnly', 'supportsFiles', 'supportsCalling', 'supportsVideo', 'scopes', 'supportsTargetedMessages', 'commandLists', 'requirementSet', 'registrationInfo'],
    requiredKeys: ['botId', 'scopes'],
  },
  { path: 'bots[].botId', kind: 'string', pattern: GUID },
  { path: 'bots[].scopes', kind: 'array', maxItems: 4, items: ['team', 'personal', 'groupChat', 'copilot'] },
  { path: 'bots[].isNotificationOnly', kind: 'boolean' },
  { path: 'bots[].supportsFiles', kind: 'boolean' },
  { path: 'bots[].commandLists', kind: 'array', maxItems: 3 },
  { path: 'bots[].commandLists[]', kind: 'object', keys: ['triggers', 'scopes', 'commands'], requiredKeys: ['scopes', 'commands'] },
  { path: 'bots[].commandLists[].scopes', kind: 'array', maxItems: 4, items: ['team', 'personal', 'groupChat', 'copilot'] },
  { path: 'bots[].commandLists[].commands', kind: 'array', maxItems: 12 },
  { path: 'bots[].commandLists[].commands[]', kind: 'object', keys: ['title', 'description', 'type', 'prompt'], requiredKeys: ['title'] },
  { path: 'bots[].commandLists[].commands[].title', kind: 'string', maxLength: 128 },
  { path: 'bots[].commandLists[].commands[].description', kind: 'string', maxLength: 4000 },
  { path: 'composeExtensions', kind: 'array', maxItems: 1 },
  {
    path: 'composeExtensions[]',
    kind: 'object',
    keys: ['id', 'botId', 'composeExtensionType', 'authorization', 'apiSpecificationFile', 'canUpdateConfiguration', 'commands', 'messageHandlers', 'requirementSet'],
  },
  { path: 'composeExtensions[].botId', kind: 'string', pattern: GUID },
  { path: 'composeExtensions[].commands', kind: 'array', maxItems: 10 },
  {
    path: 'composeExtensions[].commands[]',
    kind: 'object',
    keys: ['id', 'type', 'triggers', 'samplePrompts', 'apiResponseRenderingTemplateFile', 'context', 'title', 'description', 'initialRun', 'fetchTask', 'parameters', 'taskInfo', 'semanticDescription'],
    requiredKeys: ['id', 'title'],
  },
  { path: 'composeExtensions[].commands[].id', kind: 'string', maxLength: 64 },
  { path: 'composeExtensions[].commands[].type', kind: 'string', oneOf: ['query', 'action'] },
  { path: 'composeExtensions[].commands[].context', kind: 'array', maxItems: 3, items: ['compose', 'commandBox', 'message'] },
  { path: 'composeExtensions[].commands[].title', kind: 'string', maxLength: 32 },
  { path: 'composeExtensions[].commands[].description', kind: 'string', maxLength: 128 },
  { path: 'composeExtensions[].commands[].fetchTask', kind: 'boolean' },
  { path: 'permissions', kind: 'array', maxItems: 2, items: ['identity', 'messageTeamMembers'] },
  { path: 'validDomains', kind: 'array', maxItems: 100 },
];

/** Every value at a dotted path (expanding `[]`), with its concrete location. */
function resolve(root: unknown, path: string): Array<{ at: string; value: unknown }> {
  let cur: Array<{ at: string; value: unknown }> = [{ at: '', value: root }];
  if (!path) return cur;
  for (const part of path.split('.')) {
    const many = part.endsWith('[]');
    const key = many ? part.slice(0, -2) : part;
    const next: typeof cur = [];
    for (const c of cur) {
      const v = (c.value as Record<string, unknown> | undefined)?.[key];
      const at = c.at ? `${c.at}.${key}` : key;
      if (many) (Array.isArray(v) ? v : []).forEach((item, i) => next.push({ at: `${at}[${i}]`, value: item }));
      else if (c.value !== undefined) next.push({ at, value: v });
    }
    cur = next;
  }
  return cur;
}

function checkManifest(m: unknown): string[] {
  const problems: string[] = [];
  for (const rule of RULES) {
    for (const { at, value } of resolve(m, rule.path)) {
      const where = at || '(root)';
      if (value === undefined) {
        if (rule.required) problems.push(`${where} is required`);
        continue;
      }
      switch (rule.kind) {
        case 'object': {
          if (!value || typeof value !== 'object' || Array.isArray(value)) {
            problems.push(`${where} must be an object`);
            break;
          }
          for (const k of Object.keys(value)) if (!rule.keys.includes(k)) problems.push(`${where}: unknown key "${k}"`);
          for (const k of rule.requiredKeys ?? []) if (!(k in value)) problems.push(`${where}: "${k}" is required`);
          break;
        }
        case 'string':
          if (typeof value !== 'string') problems.push(`${where} must be a string`);
          else {
            if (rule.maxLength !== undefined && value.length > rule.maxLength) problems.push(`${where} is longer than ${rule.maxLength}`);
            if (rule.pattern && !rule.pattern.test(value)) problems.push(`${where} does not match ${rule.pattern}`);
            if (rule.equals !== undefined && value !== rule.equals) problems.push(`${where} must be "${rule.equals}"`);
            if (rule.oneOf && !rule.oneOf.includes(value)) problems.push(`${where} must be one of ${rule.oneOf.join(', ')}`);
          }
          break;
        case 'array':
          if (!Array.isArray(value)) problems.push(`${where} must be an array`);
          else {
            if (rule.maxItems !== undefined && value.length > rule.maxItems) problems.push(`${where} has more than ${rule.maxItems} items`);
            if (rule.items) for (const item of value) if (!rule.items.includes(item)) problems.push(`${where}: "${String(item)}" is not one of ${rule.items.join(', ')}`);
          }
          break;
        case 'boolean':
          if (typeof value !== 'boolean') problems.push(`${where} must be a boolean`);
          break;
      }
    }
  }
  return problems;
}

/** Width, height, colour type and the RGBA pixels of a PNG (8-bit RGBA, any filter). */
function readPng(buf: Buffer): { width: number; height: number; colorType: number; rgba: Buffer } {
  expect(buf.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  let pos = 8;
  let width = 0;
  let height = 0;
  let colorType = -1;
  const idat: Buffer[] = [];
  while (pos < buf.length) {
    const len = buf.readUInt32BE(pos);
    const type = buf.toString('ascii', pos + 4, pos + 8);
    const data = buf.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      colorType = data[9];
    } else if (type === 'IDAT') idat.push(data);
    pos += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * 4;
  const rgba = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    for (let x = 0; x < stride; x++) {
      const v = raw[y * (stride + 1) + 1 + x];
      const a = x >= 4 ? rgba[y * stride + x - 4] : 0;
      const b = y > 0 ? rgba[(y - 1) * stride + x] : 0;
      const c = x >= 4 && y > 0 ? rgba[(y - 1) * stride + x - 4] : 0;
      const p = a + b - c;
      const paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
      rgba[y * stride + x] = (v + [0, a, b, (a + b) >> 1, paeth][filter]) & 0xff;
    }
  }
  return { width, height, colorType, rgba };
}

/** Entries of a zip archive, read from its central directory. */
function unzip(buf: Buffer): Map<string, Buffer> {
  const end = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = buf.readUInt16LE(end + 10);
  let pos = buf.readUInt32LE(end + 16);
  const out = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    expect(buf.readUInt32LE(pos)).toBe(0x02014b50);
    const method = buf.readUInt16LE(pos + 10);
    const size = buf.readUInt32LE(pos + 20);
    const nameLen = buf.readUInt16LE(pos + 28);
    const extraLen = buf.readUInt16LE(pos + 30);
    const commentLen = buf.readUInt16LE(pos + 32);
    const local = buf.readUInt32LE(pos + 42);
    const name = buf.toString('utf8', pos + 46, pos + 46 + nameLen);
    const dataStart = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const data = buf.subarray(dataStart, dataStart + size);
    out.set(name, method === 8 ? inflateRawSync(data) : data);
    pos += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

describe('manifests/teams/manifest.json', () => {
  it('follows the Teams app manifest schema v1.29 where Kudos uses it', () => {
    expect(checkManifest(manifest)).toEqual([]);
  });

  it('catches what the schema forbids (the check itself works)', () => {
    const bad = structuredClone(manifest);
    bad.packageName = 'com.example.kudos';
    bad.bots[0].scopes = ['personal', 'groupchat'];
    bad.name.short = 'K'.repeat(31);
    bad.composeExtensions[0].commands[0].title = 'Give kudos to the people who helped';
    bad.accentColor = 'blue';
    expect(checkManifest(bad)).toEqual([
      '(root): unknown key "packageName"',
      'name.short is longer than 30',
      'accentColor does not match /^#[0-9a-fA-F]{6}$/',
      'bots[0].scopes: "groupchat" is not one of team, personal, groupChat, copilot',
      'composeExtensions[0].commands[0].title is longer than 32',
    ]);
  });

  it('has the bot in personal, team and group chat scopes, and the Give kudos message action that fetches its dialog', () => {
    expect(manifest.bots[0].scopes.sort()).toEqual(['groupChat', 'personal', 'team']);
    expect(manifest.composeExtensions[0].commands).toEqual([
      expect.objectContaining({ id: 'giveKudos', type: 'action', title: 'Give kudos', fetchTask: true, context: expect.arrayContaining(['message', 'compose', 'commandBox']) }),
    ]);
  });

  it('lists in personal chat only commands the bot understands', () => {
    const personal = manifest.bots[0].commandLists.find((l: { scopes: string[] }) => l.scopes.includes('personal'));
    const titles: string[] = personal.commands.map((c: { title: string }) => c.title);
    expect(titles).toEqual(['help', 'stats', 'undo', 'settings']);
    for (const t of titles.filter((x) => x !== 'settings')) expect(parseThanks(t).kind).toBe(t);
  });

  it('ships the placeholder app id, filled in only by the package script', () => {
    expect(manifest.id).toBe('00000000-0000-0000-0000-000000000000');
    expect(manifest.bots[0].botId).toBe(manifest.id);
  });

  it('has a 192×192 colour icon and a 32×32 outline icon that is white on transparent', () => {
    const color = readPng(readFileSync(join(DIR, manifest.icons.color)));
    expect([color.width, color.height]).toEqual([192, 192]);
    const outline = readPng(readFileSync(join(DIR, manifest.icons.outline)));
    expect([outline.width, outline.height, outline.colorType]).toEqual([32, 32, 6]);
    let opaque = 0;
    for (let i = 0; i < outline.rgba.length; i += 4) {
      const [r, g, b, a] = outline.rgba.subarray(i, i + 4);
      if (a > 0) {
        opaque++;
        expect([r, g, b]).toEqual([255, 255, 255]);
      }
    }
    expect(opaque).toBeGreaterThan(0);
    expect(opaque).toBeLessThan(32 * 32);
  });
});

describe('npm run teams:package', () => {
  const APP_ID = '8d7c6b5a-1234-4e5f-9a8b-0c1d2e3f4a5b';

  it('zips the manifest with the app id filled in and both icons, at the root of the archive', () => {
    const { archive } = buildPackage(APP_ID);
    const files = unzip(archive);
    expect([...files.keys()].sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
    const packed = JSON.parse(files.get('manifest.json')!.toString('utf8'));
    expect(packed.id).toBe(APP_ID);
    expect(packed.bots[0].botId).toBe(APP_ID);
    expect(packed.composeExtensions[0].botId).toBe(APP_ID);
    expect(JSON.stringify(packed)).not.toContain('00000000-0000');
    expect(checkManifest(packed)).toEqual([]);
    expect(files.get('color.png')).toEqual(readFileSync(join(DIR, 'color.png')));
  });

  it('refuses an app id that is not a GUID', () => {
    expect(() => fillManifest(manifest, 'my-bot')).toThrow('must be the bot\'s Microsoft app id (a GUID)');
  });

  it('writes a zip any reader can open (stored sizes and CRCs are right)', () => {
    const data = Buffer.from('hello, teams '.repeat(50));
    const files = unzip(zip([{ name: 'a.txt', data }]));
    expect(files.get('a.txt')).toEqual(data);
  });
});
