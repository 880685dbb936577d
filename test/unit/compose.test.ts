import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadConfig } from '../../src/config';

/**
 * Docker Compose is not available in every test environment, so this checks compose.yaml's structure: Kudos
 * built from this repository, on a Postgres that is healthy first, both with health checks, the database on a
 * named volume, and DATABASE_URL matching the Postgres service's user, password and database.
 */

const ROOT = join(__dirname, '..', '..');

interface Healthcheck {
  test: string[] | string;
  interval?: string;
  timeout?: string;
  retries?: number;
}

interface Service {
  build?: string | { context: string; dockerfile?: string };
  image?: string;
  restart?: string;
  env_file?: Array<string | { path: string; required?: boolean }> | string;
  environment?: Record<string, string> | string[];
  ports?: Array<string | { target: number; published: string | number }>;
  depends_on?: Record<string, { condition?: string }> | string[];
  healthcheck?: Healthcheck;
  volumes?: string[];
}

interface Compose {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

const compose = parse(readFileSync(join(ROOT, 'compose.yaml'), 'utf8')) as Compose;
const kudos = compose.services.kudos!;
const postgres = compose.services.postgres!;

/** `${NAME:-default}` and `${NAME-default}` as compose resolves them with NAME unset. */
function withDefaults(value: string): string {
  return value.replace(/\$\{(\w+):?-([^}]*)\}/g, (_m, _name: string, fallback: string) => fallback);
}

function environment(service: Service): Record<string, string> {
  const env = service.environment ?? {};
  const entries = Array.isArray(env) ? env.map((e) => e.split('=', 2) as [string, string]) : Object.entries(env);
  return Object.fromEntries(entries.map(([k, v]) => [k, withDefaults(String(v))]));
}

function healthCommand(service: Service): string {
  const test = service.healthcheck?.test;
  if (test === undefined) return '';
  if (typeof test === 'string') return test;
  expect(['CMD', 'CMD-SHELL']).toContain(test[0]);
  return test.slice(1).join(' ');
}

describe('compose.yaml', () => {
  it('runs Kudos and Postgres', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['kudos', 'postgres']);
  });

  it('builds Kudos from the repository root, so from the Dockerfile', () => {
    const build = kudos.build;
    const context = typeof build === 'string' ? build : build?.context;
    expect(context).toBe('.');
    if (typeof build === 'object' && build.dockerfile !== undefined) expect(build.dockerfile).toBe('Dockerfile');
  });

  it('uses an official Postgres 16 or 17 image', () => {
    expect(postgres.image).toMatch(/^postgres:1[67](\.\d+)?(-[a-z0-9]+)?$/);
  });

  it('starts Kudos only once Postgres is healthy', () => {
    const dependsOn = kudos.depends_on;
    expect(Array.isArray(dependsOn)).toBe(false);
    expect((dependsOn as Record<string, { condition?: string }>).postgres?.condition).toBe('service_healthy');
  });

  it('points DATABASE_URL at the postgres service with its user, password and database', () => {
    const url = new URL(environment(kudos).DATABASE_URL!);
    const db = environment(postgres);
    expect(url.protocol).toMatch(/^postgres(ql)?:$/);
    expect(url.hostname).toBe('postgres');
    expect(url.port === '' ? '5432' : url.port).toBe('5432');
    expect(decodeURIComponent(url.username)).toBe(db.POSTGRES_USER);
    expect(decodeURIComponent(url.password)).toBe(db.POSTGRES_PASSWORD);
    expect(url.pathname).toBe(`/${db.POSTGRES_DB}`);
    // The same password setting on both sides, so overriding it changes both.
    const raw = (s: Service) => JSON.stringify(s.environment);
    const passwordVar = /\$\{(\w+)[:-]/.exec(String((postgres.environment as Record<string, string>).POSTGRES_PASSWORD))?.[1];
    if (passwordVar) expect(raw(kudos)).toContain(`\${${passwordVar}`);
    // The app itself accepts it.
    expect(loadConfig({ DATABASE_URL: url.toString() }).databaseUrl).toBe(url.toString());
  });

  it('reads .env when there is one, without requiring it', () => {
    const files = Array.isArray(kudos.env_file) ? kudos.env_file : [kudos.env_file];
    const dotenv = files.find((f) => (typeof f === 'string' ? f : f?.path) === '.env');
    expect(dotenv).toBeDefined();
    expect(typeof dotenv === 'object' ? dotenv.required : undefined).toBe(false);
  });

  it('publishes the port the app listens on, 3000 by default', () => {
    const listen = Number(environment(kudos).PORT ?? loadConfig({}).port);
    expect(listen).toBe(loadConfig({}).port);
    const targets = (kudos.ports ?? []).map((p) => (typeof p === 'string' ? Number(p.split(':').pop()) : p.target));
    expect(targets).toContain(listen);
    // Postgres is not published: only Kudos reaches it, on the compose network.
    expect(postgres.ports).toBeUndefined();
  });

  it('checks Kudos with node on /healthz, as the Dockerfile does', () => {
    const command = healthCommand(kudos);
    expect(command).toMatch(/^node -e /);
    expect(command).toMatch(/\/(healthz|readyz)\b/);
    expect(command).toMatch(/process\.env\.PORT\s*\|\|\s*3000/);
    expect(command).not.toMatch(/\b(curl|wget)\b/);
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    const script = /node -e "([^"]+)"/.exec(dockerfile)?.[1];
    expect(script).toBeDefined();
    expect(command).toBe(`node -e ${script}`);
  });

  it('checks Postgres with pg_isready for its user and database', () => {
    const command = healthCommand(postgres);
    const db = environment(postgres);
    expect(command).toMatch(/^pg_isready\b/);
    expect(command).toContain(`-U ${db.POSTGRES_USER}`);
    expect(command).toContain(`-d ${db.POSTGRES_DB}`);
  });

  it('keeps the Postgres data on a named volume', () => {
    const mount = (postgres.volumes ?? []).find((v) => v.split(':')[1] === '/var/lib/postgresql/data');
    expect(mount).toBeDefined();
    const name = mount!.split(':')[0]!;
    expect(name).toMatch(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/); // a name, not a host path
    expect(Object.keys(compose.volumes ?? {})).toContain(name);
  });

  it('restarts both services unless stopped by hand', () => {
    for (const service of [kudos, postgres]) expect(['always', 'unless-stopped']).toContain(service.restart);
  });
});
