import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { loadConfig } from '../../src/config';

/** `.env.example` documents exactly the variables `src/config.ts` reads, and as copied starts the app. */

const ROOT = join(__dirname, '..', '..');
const configSource = readFileSync(join(ROOT, 'src', 'config.ts'), 'utf8');
const example = readFileSync(join(ROOT, '.env.example'), 'utf8');
const exampleLines = example.split('\n');

/** The text between the braces of the first `z.object({ … })`, nested braces included. */
function schemaObjectBody(source: string): string {
  const start = /z\s*\.object\(\s*\{/.exec(source);
  if (!start) throw new Error('src/config.ts: no z.object({ … }) found');
  const open = start.index + start[0].length - 1;
  let depth = 0;
  for (let i = open; i < source.length; i++) {
    const ch = source[i];
    if (ch === '{') depth++;
    else if (ch === '}' && --depth === 0) return source.slice(open + 1, i);
  }
  throw new Error('src/config.ts: unbalanced braces in z.object({ … })');
}

function configVariables(): string[] {
  return [...schemaObjectBody(configSource).matchAll(/^\s*([A-Z][A-Z0-9_]*)\s*:\s/gm)].map((m) => m[1]!);
}

const VARIABLE_LINE = /^#?\s*([A-Z][A-Z0-9_]*)=(.*)$/;

function exampleVariables(): string[] {
  return exampleLines.flatMap((line) => {
    const m = VARIABLE_LINE.exec(line.trim());
    return m ? [m[1]!] : [];
  });
}

/** The comment lines directly above a variable's line. */
function docFor(name: string): string {
  const at = exampleLines.findIndex((l) => VARIABLE_LINE.exec(l.trim())?.[1] === name);
  const doc: string[] = [];
  for (let i = at - 1; i >= 0; i--) {
    const line = exampleLines[i]!.trim();
    if (!line.startsWith('#') || VARIABLE_LINE.test(line) || line.startsWith('# ----')) break;
    doc.unshift(line.replace(/^#\s?/, ''));
  }
  return doc.join(' ');
}

describe('.env.example', () => {
  const fromConfig = configVariables();
  const fromExample = exampleVariables();

  it('finds the variables in the config schema', () => {
    expect(fromConfig.length).toBeGreaterThanOrEqual(15);
    expect(fromConfig).toEqual(expect.arrayContaining(['PORT', 'DATABASE_URL', 'SLACK_BOT_TOKEN', 'LOG_LEVEL']));
  });

  it.each(configVariables())('documents %s', (name) => {
    expect(fromExample).toContain(name);
  });

  it.each(exampleVariables())('lists %s only because src/config.ts reads it', (name) => {
    expect(fromConfig).toContain(name);
  });

  it('lists each variable once', () => {
    expect(fromExample.length).toBe(new Set(fromExample).size);
  });

  it.each(exampleVariables())('explains %s and states its default', (name) => {
    expect(docFor(name)).toMatch(/\S.*Default: \S/);
  });

  it('groups the variables under the expected headings, in order', () => {
    const headings = exampleLines.filter((l) => l.startsWith('# ----')).map((l) => l.replace(/[#-]/g, '').trim());
    expect(headings).toEqual(['Server', 'Database', 'Slack', 'Microsoft Teams', 'Jobs', 'Logging']);
  });

  it('sets nothing as copied, so the app starts on the embedded database', () => {
    for (const line of exampleLines) {
      const m = VARIABLE_LINE.exec(line.trim());
      if (m && !line.trim().startsWith('#')) expect(`${m[1]}=${m[2]}`).toBe(`${m[1]}=`);
    }
    const config = loadConfig(parseDotenv(example));
    expect(config.databaseUrl).toBeUndefined();
    expect(config.slack).toBeUndefined();
    expect(config.teams).toBeUndefined();
  });

  it('states the defaults the config actually applies', () => {
    const defaults = loadConfig({});
    const stated: ReadonlyArray<[string, string]> = [
      ['PORT', String(defaults.port)],
      ['DATABASE_POOL_MAX', String(defaults.databasePoolMax)],
      ['DATABASE_CONNECT_TIMEOUT_MS', String(defaults.databaseTimeouts.connectMs)],
      ['DATABASE_QUERY_TIMEOUT_MS', String(defaults.databaseTimeouts.queryMs)],
      ['DATABASE_IDLE_TIMEOUT_MS', String(defaults.databaseTimeouts.idleMs)],
      ['DATA_DIR', defaults.dataDir],
      ['SCHEDULER_ENABLED', String(defaults.schedulerEnabled)],
      ['JOB_GRACE_HOURS', String(defaults.jobGraceHours)],
      ['SHUTDOWN_TIMEOUT_MS', String(defaults.shutdownTimeoutMs)],
      ['LOG_LEVEL', defaults.logLevel],
    ];
    for (const [name, value] of stated) expect(`${name}: ${docFor(name)}`).toContain(`Default: ${value}`);
  });

  it('gives example values that the config accepts', () => {
    const env: Record<string, string> = {};
    for (const line of exampleLines) {
      const m = VARIABLE_LINE.exec(line.trim());
      if (!m) continue;
      const value = m[2]!.trim();
      // Token prefixes alone are placeholders, not values.
      if (value !== '' && !/^x(oxb|app)-$/.test(value)) env[m[1]!] = value;
    }
    expect(() => loadConfig(env)).not.toThrow();
  });
});
