'use strict';
// `npm start` (and the other npm scripts that run the compiled CLI) build only when the sources changed.
//
//   node scripts/build-if-stale.cjs          build (npm run build) when dist is missing or out of date
//   node scripts/build-if-stale.cjs --stamp  record that dist matches the sources (the build's last step)
//
// The stamp, dist/.build-stamp, is a fingerprint of every input of tsconfig.build.json (path, size and
// modification time of each file under src, migrations and scripts, plus tsconfig*.json and package.json):
// an edit, a new file or a deleted one all change it. Without TypeScript installed (a production install,
// `npm ci --omit=dev`) an existing dist is used as it is.
const { createHash } = require('node:crypto');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const STAMP = path.join(ROOT, 'dist', '.build-stamp');
const ENTRY = path.join(ROOT, 'dist', 'src', 'cli.js');
const INPUT_DIRS = ['src', 'migrations', 'scripts'];
const INPUT_FILES = ['package.json', 'tsconfig.json', 'tsconfig.build.json'];

function walk(rel, lines) {
  let entries;
  try {
    entries = fs.readdirSync(path.join(ROOT, rel), { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const child = `${rel}/${e.name}`;
    if (e.isDirectory()) walk(child, lines);
    else addFile(child, lines);
  }
}

function addFile(rel, lines) {
  try {
    const st = fs.statSync(path.join(ROOT, rel));
    lines.push(`${rel}\t${st.size}\t${st.mtimeMs}`);
  } catch {
    lines.push(`${rel}\tmissing`);
  }
}

function fingerprint() {
  const lines = [];
  for (const dir of INPUT_DIRS) walk(dir, lines);
  for (const file of INPUT_FILES) addFile(file, lines);
  lines.sort();
  return createHash('sha256').update(lines.join('\n')).digest('hex');
}

function hasTypeScript() {
  try {
    require.resolve('typescript/bin/tsc', { paths: [ROOT] });
    return true;
  } catch {
    return false;
  }
}

if (process.argv.includes('--stamp')) {
  fs.writeFileSync(STAMP, `${fingerprint()}\n`);
  process.exit(0);
}

const built = fs.existsSync(ENTRY);
let stamp = '';
try {
  stamp = fs.readFileSync(STAMP, 'utf8').trim();
} catch {
  // never stamped: build
}
if (built && stamp === fingerprint()) process.exit(0);
if (!hasTypeScript()) {
  if (built) process.exit(0);
  process.stderr.write('dist/ is missing and TypeScript is not installed: run npm install (with dev dependencies), then npm run build.\n');
  process.exit(1);
}
process.stderr.write(built ? 'Sources changed since the last build: building.\n' : 'No build yet: building.\n');
const npm = process.env.npm_execpath;
const result = npm
  ? spawnSync(process.execPath, [npm, 'run', 'build'], { cwd: ROOT, stdio: 'inherit' })
  : spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit', shell: process.platform === 'win32' });
process.exit(result.status ?? 1);
