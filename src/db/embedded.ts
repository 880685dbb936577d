import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import { PGlite } from '@electric-sql/pglite';

/**
 * The embedded database's footprint. PGlite runs Postgres in WebAssembly inside this process, so its memory is
 * the app's: two things keep it small.
 *
 * - **Settings for a small database.** Postgres's default shared buffers (128 MB) live in the WebAssembly
 *   memory; 16 MB holds a small team's hot data, and the files stay in the operating system's cache anyway.
 *   Idle RSS falls by about 130 MB.
 * - **Baseline-compiled WebAssembly** (`tuneForEmbedded`): about 45 MB less.
 * - **A template instead of initdb.** Creating a fresh data directory runs initdb in a second WebAssembly
 *   instance next to the first and copies its result through an in-memory archive: the first start peaked at
 *   over 900 MB. The build makes that data directory once (`writeTemplate`, from `npm run build`) and a fresh
 *   directory is a copy of it, which PGlite opens like any existing one: the first start costs what a later
 *   one does. Without a template (tests, a source checkout never built) or with one made by another PGlite
 *   version, initdb runs as before.
 */

/** postgresql.conf lines for every embedded database. */
export const EMBEDDED_CONF = 'shared_buffers = 16MB\n';

let tuned = false;

/**
 * Compiles the database's WebAssembly with V8's baseline compiler only (Liftoff), not its optimising one: the
 * optimised copy of Postgres's code costs about 45 MB of resident memory, and a small bot's queries do not need
 * it (measured: inserts as fast, reads about 30 % slower). Process-wide, so it is done once, before the first
 * embedded database is opened; it changes nothing for a process on Postgres, which compiles no WebAssembly.
 */
export function tuneForEmbedded(): void {
  if (tuned) return;
  tuned = true;
  v8.setFlagsFromString('--liftoff-only');
}

/** Where a template lives: the data directory, the stamp naming the PGlite version that made it, and the version installed now. */
export interface TemplateLocation {
  dir: string;
  stamp: string;
  pgliteVersion: string | undefined;
}

/** Where the build leaves the template (`dist/` at the package root), or the same names under `dist`. */
export function templateLocation(dist?: string): TemplateLocation {
  const root = packageRoot();
  const at = dist ?? path.join(root, 'dist');
  return {
    dir: path.join(at, 'embedded-template'),
    stamp: path.join(at, 'embedded-template.json'),
    pgliteVersion: installedPgliteVersion(root),
  };
}

/** The directory holding Kudos's package.json, from the source tree (src/db) or the compiled one (dist/src/db). */
function packageRoot(): string {
  let dir = __dirname;
  for (;;) {
    const candidate = path.join(dir, 'package.json');
    if (existsSync(candidate) && (JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string }).name === 'kudos') return dir;
    const up = path.dirname(dir);
    if (up === dir) return path.resolve(__dirname, '../..');
    dir = up;
  }
}

function installedPgliteVersion(root: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(path.join(root, 'node_modules/@electric-sql/pglite/package.json'), 'utf8')) as { version?: string }).version;
  } catch {
    return undefined;
  }
}

/**
 * Fills a data directory that has never been initialised with the build's template (an initialised, empty
 * database, cleanly shut down), when there is one made by the PGlite version installed now. True when it did;
 * PGlite then opens it as an existing database. False leaves the directory to PGlite's initdb.
 */
export function fillFromTemplate(dataDir: string, from?: TemplateLocation): boolean {
  if (existsSync(path.join(dataDir, 'PG_VERSION'))) return false;
  const { dir, stamp, pgliteVersion } = from ?? templateLocation();
  if (!pgliteVersion || !existsSync(path.join(dir, 'PG_VERSION')) || !existsSync(stamp)) return false;
  try {
    const made = JSON.parse(readFileSync(stamp, 'utf8')) as { pglite?: string };
    if (made.pglite !== pgliteVersion) return false;
    cpSync(dir, dataDir, { recursive: true, errorOnExist: false, force: false });
    return true;
  } catch {
    return false;
  }
}

/** Makes the template next to the compiled app: a data directory initialised by PGlite, then closed. */
export async function writeTemplate(to: TemplateLocation = templateLocation()): Promise<string> {
  const { dir, stamp, pgliteVersion } = to;
  rmSync(dir, { recursive: true, force: true });
  const pglite = await PGlite.create(dir, { postgresqlconf: EMBEDDED_CONF });
  try {
    await pglite.query('select 1');
  } finally {
    await pglite.close();
  }
  writeFileSync(stamp, `${JSON.stringify({ pglite: pgliteVersion, madeAt: new Date().toISOString() })}\n`);
  return dir;
}

if (require.main === module) {
  writeTemplate().then(
    (dir) => process.stdout.write(`embedded database template written to ${path.relative(process.cwd(), dir)}\n`),
    // Not fatal: without a template, a fresh embedded database is made by initdb, as before.
    (err: unknown) => process.stderr.write(`could not write the embedded database template (a fresh database will be made without it): ${err instanceof Error ? err.message : String(err)}\n`),
  );
}
