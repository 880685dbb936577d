import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { SIGNING_SECRET } from './slack-requests';

export const ROOT = path.resolve(__dirname, '../..');

export type LogLine = Record<string, any>;

export interface AppProcess {
  child: ChildProcess;
  /** Every JSON log line so far (other output, such as npm's banner, is left out). */
  lines: LogLine[];
  /** The first log line with this `msg`, already written or to come. */
  next(msg: string): Promise<LogLine>;
  /** The spawned process's exit. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** What the process wrote to standard error so far. */
  stderr(): string;
  /** Standard output is closed: every process that shares it (the app under `npm start` too) has exited. */
  outputClosed: Promise<void>;
}

/**
 * Starts the app as its own process and follows its JSON log lines: by default `src/main.ts` through tsx, or
 * `command` (such as `npm start`). The environment is `env` and PATH (and HOME, which npm wants), nothing else.
 */
export function startProcess(env: Record<string, string>, command: string[] = [process.execPath, '--import', 'tsx', 'src/main.ts']): AppProcess {
  const child = spawn(command[0], command.slice(1), {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const outputClosed = new Promise<void>((resolve) => child.stdout!.once('close', () => resolve()));
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const lines: LogLine[] = [];
  const waiters: Array<{ msg: string; resolve: (l: LogLine) => void }> = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    let entry: LogLine;
    try {
      entry = JSON.parse(line);
    } catch {
      return;
    }
    lines.push(entry);
    for (const w of waiters.filter((x) => x.msg === entry.msg)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(entry);
    }
  });
  const next = (msg: string) =>
    new Promise<LogLine>((resolve) => {
      const seen = lines.find((l) => l.msg === msg);
      if (seen) resolve(seen);
      else waiters.push({ msg, resolve });
    });
  return { child, lines, next, exited, outputClosed, stderr: () => stderr };
}

/** Whether a process with this pid exists (a zombie not yet reaped counts as existing). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
}

/** Waits until no process has this pid, looking every 20 ms for at most `ms`; says whether it is gone. */
export async function waitUntilGone(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (isRunning(pid)) {
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

/** Resolves with `value`, or with `fallback` after `ms` (and keeps no timer alive after). */
export function within<T, F>(value: Promise<T>, ms: number, fallback: F): Promise<T | F> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<F>((resolve) => (timer = setTimeout(() => resolve(fallback), ms)));
  return Promise.race([value, late]).finally(() => clearTimeout(timer));
}

/** The environment of an app process on the embedded database in `dataDir`, talking to a fake Slack. */
export function slackAppEnv(fake: { apiUrl: string }, dataDir: string): Record<string, string> {
  return {
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    SLACK_BOT_TOKEN: 'xoxb-test',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: fake.apiUrl,
    LOG_LEVEL: 'info',
    SCHEDULER_ENABLED: 'false',
  };
}
