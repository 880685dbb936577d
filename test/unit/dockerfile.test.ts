import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { ledgerDirFor } from '../../src/db/ledger/install';

/**
 * The image cannot be built in every test environment, so this checks the Dockerfile's structure:
 * a build stage that compiles, a runtime stage that only copies the result, a non-root user, a
 * health check that needs nothing but node, and the same start command as `npm start`.
 */

const ROOT = join(__dirname, '..', '..');

/**
 * The image's Node major: an LTS line still supported (24: until 2028-04-30), which `.ci/run` also runs the
 * end-to-end /thanks tests on. Change it together with NODE_MAJOR in `.ci/run`.
 */
const IMAGE_NODE_MAJOR = 24;

interface Instruction {
  readonly keyword: string;
  readonly args: string;
  readonly line: number;
}

interface Stage {
  readonly image: string;
  readonly name: string | undefined;
  readonly instructions: Instruction[];
}

/** Instructions with continuation lines joined and comments dropped. */
function parseInstructions(text: string): Instruction[] {
  const out: Instruction[] = [];
  let pending = '';
  let startLine = 0;
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    // Blank lines and comment lines are skipped, also inside a continued instruction.
    if (line === '' || line.startsWith('#')) return;
    if (pending === '') startLine = i + 1;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1).trim()} `;
      return;
    }
    const full = `${pending}${line}`.trim();
    pending = '';
    const match = /^(\S+)\s*(.*)$/s.exec(full);
    if (match) out.push({ keyword: match[1]!.toUpperCase(), args: match[2]!.trim(), line: startLine });
  });
  return out;
}

function parseDockerfile(text: string): { args: Map<string, string>; stages: Stage[] } {
  const args = new Map<string, string>();
  const stages: Stage[] = [];
  for (const ins of parseInstructions(text)) {
    if (ins.keyword === 'ARG' && stages.length === 0) {
      const [name, value] = ins.args.split('=', 2);
      if (name && value !== undefined) args.set(name.trim(), value.trim());
      continue;
    }
    if (ins.keyword === 'FROM') {
      const [image = '', as, name] = ins.args.replace(/--platform=\S+\s+/, '').split(/\s+/);
      const resolved = image.replace(/^\$\{?(\w+)\}?$/, (_m, v: string) => args.get(v) ?? _m);
      stages.push({ image: resolved, name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] });
      continue;
    }
    const current = stages[stages.length - 1];
    if (!current) throw new Error(`line ${ins.line}: ${ins.keyword} before the first FROM`);
    current.instructions.push(ins);
  }
  return { args, stages };
}

const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
const { stages } = parseDockerfile(dockerfile);
const buildStage = stages[0]!;
const finalStage = stages[stages.length - 1]!;
const all = (stage: Stage, keyword: string): Instruction[] => stage.instructions.filter((i) => i.keyword === keyword);
const runs = (stage: Stage): string[] => all(stage, 'RUN').map((i) => i.args);

describe('Dockerfile', () => {
  it('has a named build stage and a separate runtime stage on the same slim base of the LTS Node that CI tests', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(buildStage.name).toBe('build');
    expect(buildStage.image).toBe(`node:${IMAGE_NODE_MAJOR}-bookworm-slim`);
    expect(finalStage.image).toBe(buildStage.image);
  });

  it('uses a Node major that package.json engines allows', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } };
    const minimum = /^>=\s*(\d+)(?:\.\d+)*$/.exec(pkg.engines.node.trim());
    expect(minimum).not.toBeNull();
    expect(Number(minimum![1])).toBeLessThanOrEqual(IMAGE_NODE_MAJOR);
  });

  it('names its Node major where .ci/run reads it, to run the end-to-end /thanks tests on that major too', () => {
    const line = dockerfile.split('\n').find((l) => l.startsWith('ARG NODE_IMAGE='));
    expect(line).toMatch(new RegExp(`^ARG NODE_IMAGE=node:${IMAGE_NODE_MAJOR}-`));
    const ciRun = readFileSync(join(ROOT, '.ci', 'run'), 'utf8');
    expect(ciRun).toContain("s/^ARG NODE_IMAGE=node:\\([0-9][0-9]*\\).*/\\1/p");
    expect(ciRun).toMatch(/npx -y -p "node@\$image_major" node node_modules\/\.bin\/jest test\/e2e\/thanks-command test\/e2e\/thanks-delivery/);
  });

  it('installs exactly the lockfile with npm ci (without install scripts), builds, then prunes dev dependencies', () => {
    const commands = runs(buildStage).join(' && ');
    expect(commands).toMatch(/\bnpm ci --ignore-scripts\b/);
    expect(commands).not.toMatch(/\bnpm (install|i)\b/);
    expect(commands).toMatch(/\bnpm run build\b/);
    expect(commands).toMatch(/\bnpm prune --omit=dev\b/);
    expect(commands.indexOf('npm ci')).toBeLessThan(commands.indexOf('npm run build'));
    expect(commands.indexOf('npm run build')).toBeLessThan(commands.indexOf('npm prune'));
    // The lockfile is in place before the install runs.
    const lockCopy = buildStage.instructions.findIndex((i) => i.keyword === 'COPY' && /\bpackage-lock\.json\b/.test(i.args));
    const install = buildStage.instructions.findIndex((i) => i.keyword === 'RUN' && /\bnpm ci\b/.test(i.args));
    expect(lockCopy).toBeGreaterThanOrEqual(0);
    expect(lockCopy).toBeLessThan(install);
  });

  it('copies only the build output and production dependencies into the runtime stage', () => {
    const copies = all(finalStage, 'COPY').map((i) => i.args);
    for (const path of ['dist', 'node_modules', 'package.json', 'manifests']) {
      expect(copies).toEqual(
        expect.arrayContaining([expect.stringMatching(new RegExp(`^--from=build\\s+\\S*\\b${path}\\b`))]),
      );
    }
    for (const copy of copies) expect(copy).toMatch(/^--from=build\b/);
  });

  it('copies the ledger SQL to where the compiled app reads it', () => {
    const workdir = all(finalStage, 'WORKDIR').map((i) => i.args).pop() ?? '/';
    // Where dist/src/db/ledger/install.js looks for its .sql files inside the image.
    const expected = ledgerDirFor(posix.join(workdir, 'dist/src/db/ledger'));
    const copy = all(finalStage, 'COPY')
      .map((i) => i.args.split(/\s+/))
      .find((a) => a[1] === '/app/src/db/ledger/*.sql');
    expect(copy).toBeDefined();
    expect(posix.join(workdir, copy![2]!)).toBe(`${expected}/`);
    const buildCopiesSources = all(buildStage, 'COPY').some((i) => /^\.\s+\.$/.test(i.args));
    expect(buildCopiesSources).toBe(true);
  });

  it('does not compile or install in the runtime stage', () => {
    for (const run of runs(finalStage)) {
      expect(run).not.toMatch(/\btsc\b|npm run build|npm (install|ci|i)\b|\btypescript\b/);
    }
  });

  it('runs in production mode with the data directory on a volume owned by the runtime user', () => {
    const env = all(finalStage, 'ENV')
      .map((i) => i.args)
      .join(' ');
    expect(env).toMatch(/\bNODE_ENV=production\b/);
    expect(env).toMatch(/\bDATA_DIR=\/data\b/);
    expect(all(finalStage, 'VOLUME').map((i) => i.args)).toEqual(
      expect.arrayContaining([expect.stringMatching(/["\s[]?\/data\b/)]),
    );
    const chown = runs(finalStage).find((r) => /chown\s+node(:node)?\s+\/data\b/.test(r));
    expect(chown).toBeDefined();
  });

  it('runs as the non-root node user', () => {
    const users = all(finalStage, 'USER');
    expect(users.length).toBeGreaterThan(0);
    const user = users[users.length - 1]!.args;
    expect(user).toBe('node');
    // Nothing after the switch runs as root again.
    const lastUserIndex = finalStage.instructions.lastIndexOf(users[users.length - 1]!);
    expect(finalStage.instructions.slice(lastUserIndex + 1).filter((i) => i.keyword === 'RUN')).toEqual([]);
  });

  it('exposes 3000 and checks /healthz with node, not curl or wget', () => {
    expect(all(finalStage, 'EXPOSE').map((i) => i.args)).toContain('3000');
    const health = all(finalStage, 'HEALTHCHECK');
    expect(health).toHaveLength(1);
    const check = health[0]!.args;
    const command = check.slice(check.indexOf('CMD ') + 4);
    expect(command).toMatch(/^node -e /);
    expect(command).toMatch(/\/healthz/);
    expect(command).toMatch(/process\.env\.PORT\s*\|\|\s*3000/);
    expect(command).not.toMatch(/\b(curl|wget)\b/);
  });

  it('starts `kudos serve` from the compiled CLI that package.json names, as `npm start` does', () => {
    const cmds = all(finalStage, 'CMD');
    expect(cmds).toHaveLength(1);
    const cmd = JSON.parse(cmds[0]!.args) as string[];
    expect(cmd).toEqual(['node', 'dist/src/cli.js', 'serve']);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      bin: Record<string, string>;
      scripts: Record<string, string>;
    };
    expect(pkg.bin.kudos).toBe(cmd[1]);
    // `exec` so the signals npm passes on reach node itself, not the shell npm runs the script in.
    expect(pkg.scripts.start).toBe(`exec ${cmd.join(' ')}`);
    expect(readFileSync(join(ROOT, 'src', 'cli.ts'), 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
  });

  it('puts the compiled CLI on PATH as `kudos`, executable, before switching to the node user', () => {
    const workdir = all(finalStage, 'WORKDIR').map((i) => i.args).pop() ?? '/';
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    const target = posix.join(workdir, pkg.bin.kudos!);
    const link = runs(finalStage).find((r) => r.includes('/usr/local/bin/kudos'));
    expect(link).toBeDefined();
    expect(link).toContain(`ln -s ${target} /usr/local/bin/kudos`);
    expect(link).toMatch(new RegExp(`chmod (\\+x|755) ${target.replace(/[.]/g, '\\.')}`));
  });

  it('keeps local state and secrets out of the build context', () => {
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'));
    for (const entry of ['node_modules', 'dist', 'data', '.env', '.git']) expect(ignored).toContain(entry);
    // What the build stage needs must not be ignored.
    const needed = ['src', 'migrations', 'manifests', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json'];
    for (const path of needed) {
      expect(ignored).not.toContain(path);
    }
  });
});
