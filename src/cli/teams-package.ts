import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import { config as loadDotenv } from 'dotenv';

/**
 * `kudos teams-package [out.zip]` (`npm run teams:package`): the Teams app package to upload (sideload, or to the org's app catalog).
 * It is manifests/teams/manifest.json with the bot's Microsoft app id (MICROSOFT_APP_ID, from the environment
 * or .env) as the app id and bot id, plus the two icons, zipped at the root of the archive with no folder, as
 * Teams requires. Only the app id is read here: packaging needs no secret.
 */

/**
 * The directory holding package.json above `from`: the checkout when run from src/cli through tsx, the same
 * directory when run compiled from dist/src/cli, or the image's /app.
 */
export function packageRoot(from = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`No package.json above ${from}`);
  }
}

export const MANIFEST_DIR = path.join(packageRoot(), 'manifests', 'teams');
export const DEFAULT_OUT = 'kudos-teams.zip';
const GUID = /^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/;

interface TeamsManifest {
  id: string;
  icons: { color: string; outline: string };
  bots?: Array<{ botId: string }>;
  composeExtensions?: Array<{ botId?: string }>;
  [key: string]: unknown;
}

/** The manifest with the app id filled in wherever the bot is named. */
export function fillManifest(template: TeamsManifest, appId: string): TeamsManifest {
  if (!GUID.test(appId)) throw new Error(`MICROSOFT_APP_ID must be the bot's Microsoft app id (a GUID); got "${appId}"`);
  return {
    ...template,
    id: appId,
    bots: template.bots?.map((b) => ({ ...b, botId: appId })),
    composeExtensions: template.composeExtensions?.map((c) => ({ ...c, botId: appId })),
  };
}

export interface ZipEntry {
  name: string;
  data: Buffer;
}

/** A zip archive (deflated entries, no folders), enough for an app package; avoids a dependency for 60 lines. */
export function zip(entries: ZipEntry[], modified = new Date()): Buffer {
  const dosTime = ((modified.getHours() << 11) | (modified.getMinutes() << 5) | Math.floor(modified.getSeconds() / 2)) & 0xffff;
  const dosDate = (((modified.getFullYear() - 1980) << 9) | ((modified.getMonth() + 1) << 5) | modified.getDate()) & 0xffff;
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const compressed = deflateRawSync(e.data, { level: 9 });
    const crc = crc32(e.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt16LE(dosTime, 10);
    local.writeUInt16LE(dosDate, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(e.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    locals.push(local, name, compressed);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4); // made by
    central.writeUInt16LE(20, 6); // version needed
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt16LE(dosTime, 12);
    central.writeUInt16LE(dosDate, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(e.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += local.length + name.length + compressed.length;
  }
  const centralSize = centrals.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...centrals, end]);
}

/** Builds the package in memory: the filled manifest and the icons it names. */
export function buildPackage(appId: string, manifestDir = MANIFEST_DIR): { manifest: TeamsManifest; archive: Buffer } {
  const template = JSON.parse(readFileSync(path.join(manifestDir, 'manifest.json'), 'utf8')) as TeamsManifest;
  const manifest = fillManifest(template, appId);
  const files: ZipEntry[] = [{ name: 'manifest.json', data: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`) }];
  for (const icon of [manifest.icons.color, manifest.icons.outline]) files.push({ name: icon, data: readFileSync(path.join(manifestDir, icon)) });
  return { manifest, archive: zip(files) };
}

/** `kudos teams-package [out.zip]`: writes the package (by default kudos-teams.zip in the current directory). */
export function teamsPackageMain(outPath?: string): number {
  loadDotenv({ quiet: true });
  const appId = (process.env.MICROSOFT_APP_ID ?? '').trim();
  if (!appId) {
    process.stderr.write("Set MICROSOFT_APP_ID (in the environment or .env) to the bot's Microsoft app id, then run kudos teams-package (npm run teams:package) again.\n");
    return 1;
  }
  const out = path.resolve(outPath ?? DEFAULT_OUT);
  try {
    const { manifest, archive } = buildPackage(appId);
    writeFileSync(out, archive);
    process.stdout.write(`Wrote ${out} (${manifest.name && (manifest.name as { short: string }).short} ${manifest.version}, app id ${appId}). Upload it in Teams: Apps › Manage your apps › Upload an app.\n`);
    return 0;
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}
