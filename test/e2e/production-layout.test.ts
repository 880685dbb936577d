import { execFile, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { ROOT } from '../helpers/process';

/**
 * Every documented operator command in the layout of the image's runtime stage: package.json,
 * package-lock.json, dist/, src/db/ledger/*.sql and manifests/, with production dependencies only
 * (`npm ci --omit=dev`, so neither tsx nor tsc is there). Builds once, installs once (needs the npm
 * registry, as CI's `npm install` does), then runs the commands one after another on one data directory:
 * only one process may open the embedded database at a time.
 */

jest.setTimeout(240_000);

const run = promisify(execFile);

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

let app: string;
let work: string;
let env: Record<string, string>;

/** Runs a command in the production layout; resolves with its exit code and output, whatever the code. */
async function cmd(command: string, args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): Promise<Result> {
  try {
    const { stdout, stderr } = await run(command, args, { cwd: opts.cwd ?? app, env: { ...env, ...opts.env }, timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number | string; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? String(err) };
  }
}

const kudos = (...args: string[]) => cmd(process.execPath, ['dist/src/cli.js', ...args]);

function expectClean(r: Result): void {
  const all = `${r.stdout}\n${r.stderr}`;
  expect(all).not.toMatch(/tsx: not found|tsc: not found|Cannot find module/);
  if (r.code !== 0) throw new Error(`exit ${r.code}\n${all}`);
}

beforeAll(async () => {
  await run('npm', ['run', 'build'], { cwd: ROOT, timeout: 180_000 });
  work = mkdtempSync(path.join(tmpdir(), 'kudos-prod-'));
  app = path.join(work, 'app');
  mkdirSync(path.join(app, 'src', 'db', 'ledger'), { recursive: true });
  // What the Dockerfile's runtime stage copies (node_modules is installed here instead of copied).
  for (const file of ['package.json', 'package-lock.json']) cpSync(path.join(ROOT, file), path.join(app, file));
  cpSync(path.join(ROOT, 'dist'), path.join(app, 'dist'), { recursive: true });
  cpSync(path.join(ROOT, 'manifests'), path.join(app, 'manifests'), { recursive: true });
  const ledger = path.join(ROOT, 'src', 'db', 'ledger');
  for (const f of readdirSync(ledger).filter((n) => n.endsWith('.sql'))) cpSync(path.join(ledger, f), path.join(app, 'src', 'db', 'ledger', f));
  env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    NODE_ENV: 'production',
    DATA_DIR: path.join(work, 'data'),
    LOG_LEVEL: 'info',
    SCHEDULER_ENABLED: 'false',
    npm_config_update_notifier: 'false',
  };
  const install = await cmd('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund']);
  expectClean(install);
  expect(existsSync(path.join(app, 'node_modules', 'tsx'))).toBe(false);
  expect(existsSync(path.join(app, 'node_modules', 'typescript'))).toBe(false);
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the compiled CLI with production dependencies only', () => {
  it('prints its usage, and each command its own', async () => {
    const help = await kudos('--help');
    expectClean(help);
    for (const name of ['serve', 'migrate', 'digest', 'seed-demo', 'teams-package']) expect(help.stdout).toContain(`  ${name} `);
    const viaBin = await cmd('npx', ['--no-install', 'kudos', 'help', 'digest']);
    expectClean(viaBin);
    expect(viaBin.stdout).toContain('Usage: kudos digest --workspace <id>');
    const own = await kudos('teams-package', '--help');
    expectClean(own);
    expect(own.stdout).toContain('Usage: kudos teams-package');
    const unknown = await kudos('frobnicate');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Unknown command "frobnicate".');
    expect(unknown.stderr).toContain('Usage: kudos [command]');
    const badOption = await kudos('migrate', '--force');
    expect(badOption.code).toBe(2);
    expect(badOption.stderr).toContain("Unknown option '--force' (kudos migrate).");
    expect(badOption.stderr).toContain('Usage: kudos migrate');
  });

  it('starts from the dist it has when TypeScript is not installed, even if the sources look newer', async () => {
    // A production install in a checkout: the build check is there, the compiler is not.
    mkdirSync(path.join(app, 'scripts'), { recursive: true });
    cpSync(path.join(ROOT, 'scripts', 'build-if-stale.cjs'), path.join(app, 'scripts', 'build-if-stale.cjs'));
    try {
      const r = await cmd('npm', ['run', '-s', 'build:if-stale']);
      expectClean(r);
      expect(r.stderr).not.toContain('building');
      expect(existsSync(path.join(app, 'dist', 'src', 'cli.js'))).toBe(true);
    } finally {
      rmSync(path.join(app, 'scripts'), { recursive: true, force: true });
    }
  });

  it('migrates, seeds the demo and previews its digest, one after another on one data directory', async () => {
    const migrate = await kudos('migrate');
    expectClean(migrate);
    expect(migrate.stdout).toContain('migrations applied');
    const seed = await kudos('seed-demo');
    expectClean(seed);
    expect(seed.stdout).toContain('Seeded "Harbor Lane Support (demo)"');
    const digest = await kudos('digest', '--workspace', 'TDEMO', '--preview');
    expectClean(digest);
    expect(digest.stdout).toContain('Harbor Lane Support (demo) · digest');
    const viaNpm = await cmd('npm', ['run', '-s', 'digest', '--', '--workspace', 'TDEMO', '--preview']);
    expectClean(viaNpm);
    expect(viaNpm.stdout).toContain('Harbor Lane Support (demo) · digest');
  });

  it('writes the Teams package from the manifests next to dist, whatever the current directory', async () => {
    const elsewhere = mkdtempSync(path.join(work, 'out-'));
    const out = path.join(elsewhere, 'teams.zip');
    const r = await cmd(process.execPath, [path.join(app, 'dist/src/cli.js'), 'teams-package', out], {
      cwd: elsewhere,
      env: { MICROSOFT_APP_ID: '00000000-1111-2222-3333-444444444444' },
    });
    expectClean(r);
    expect(readFileSync(out).subarray(0, 2).toString()).toBe('PK');
  });

  it.each([
    ['kudos serve', [process.execPath, 'dist/src/cli.js', 'serve']],
    ['npm start', ['npm', 'start']],
  ])('%s serves until /readyz is 200, then stops on SIGTERM with exit 0', async (_label, command) => {
    const child = spawn(command[0]!, command.slice(1), { cwd: app, env: { ...env, PORT: '0', HOST: '127.0.0.1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stderr!.setEncoding('utf8').on('data', (c: string) => (output += c));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const port = await new Promise<number>((resolve, reject) => {
      createInterface({ input: child.stdout! }).on('line', (line) => {
        output += `${line}\n`;
        try {
          const entry = JSON.parse(line) as { msg?: string; port?: number };
          if (entry.msg === 'listening' && entry.port) resolve(entry.port);
        } catch {
          // npm's own lines
        }
      });
      void exited.then((code) => reject(new Error(`exited ${code} before listening:\n${output}`)));
    });
    let status = 0;
    for (let i = 0; i < 200 && status !== 200; i++) {
      status = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.status, () => 0);
      if (status !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe(200);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).not.toMatch(/tsx: not found|tsc: not found|Cannot find module/);
  });
});
