/**
 * Replicas of the compiled app for bench:fleet: each `node dist/src/cli.js serve` in a process of its own, on
 * a port of its own, watched from outside: resident memory (VmRSS, and VmHWM for peaks between two samples)
 * every 500 ms from /proc, readiness (GET /readyz, and /healthz for when the HTTP server came up), and its
 * JSON log lines counted by level and message.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = path.resolve(__dirname, '..');
const SAMPLE_MS = 500;

export interface MemorySample {
  at: number;
  rssMb: number;
  hwmMb: number;
}

export class Replica {
  readonly startedAt = Date.now();
  /** When /healthz first answered (the HTTP server is up), and /readyz first answered 200. */
  healthyAt: number | undefined;
  readyAt: number | undefined;
  /** RSS when the replica was ready (or, if it never was, when it was healthy). */
  baseline: MemorySample | undefined;
  last: MemorySample | undefined;
  /** The highest VmRSS sampled after the baseline. */
  maxRssAfterBaseline = 0;
  hwmAtBaseline = 0;
  exit: { code: number | null; signal: NodeJS.Signals | null; at: number } | undefined;
  /** Log lines by `level message`. */
  readonly logs = new Map<string, number>();
  /** The latest lines that were not JSON log entries (a crash's stack, "failed to start"). */
  readonly otherLines: string[] = [];
  private readonly child: ChildProcess;
  private readonly exited: Promise<void>;
  private readonly timer: NodeJS.Timeout;
  private stopping = false;
  private ticking = false;

  constructor(
    readonly index: number,
    readonly port: number,
    env: Record<string, string>,
  ) {
    this.child = spawn(process.execPath, [path.join(ROOT, 'dist/src/cli.js'), 'serve'], { cwd: ROOT, env: { ...env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
    for (const stream of [this.child.stdout!, this.child.stderr!]) createInterface({ input: stream }).on('line', (line) => this.onLine(line));
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code, signal) => {
        this.exit = { code, signal, at: Date.now() };
        resolve();
      }),
    );
    this.timer = setInterval(() => void this.tick(), SAMPLE_MS);
    void this.tick();
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** The replica's true peak (VmHWM): start-up included. */
  get peakMb(): number {
    return this.last?.hwmMb ?? 0;
  }

  /** The peak after it was ready (a later VmHWM, else the highest sample) minus its RSS then. */
  get growthMb(): number | undefined {
    if (!this.baseline || !this.last) return undefined;
    const peak = this.last.hwmMb > this.hwmAtBaseline ? this.last.hwmMb : this.maxRssAfterBaseline;
    return Math.max(peak, this.maxRssAfterBaseline) - this.baseline.rssMb;
  }

  warnings(): Array<[string, number]> {
    return [...this.logs.entries()].sort((a, b) => b[1] - a[1]);
  }

  /** SIGTERM (a graceful stop), then SIGKILL if it has not exited within `graceMs`. */
  async stop(graceMs = 20_000): Promise<void> {
    this.stopping = true;
    if (!this.exit) {
      this.child.kill('SIGTERM');
      const killed = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
      await this.exited;
      clearTimeout(killed);
    }
    clearInterval(this.timer);
  }

  get stoppedByUs(): boolean {
    return this.stopping;
  }

  private async tick(): Promise<void> {
    if (this.exit || this.ticking) return;
    this.ticking = true;
    try {
      await this.sample();
    } finally {
      this.ticking = false;
    }
  }

  private async sample(): Promise<void> {
    const sample = readMemory(this.pid);
    if (sample) {
      this.last = sample;
      if (this.baseline) this.maxRssAfterBaseline = Math.max(this.maxRssAfterBaseline, sample.rssMb);
    }
    if (this.readyAt) return;
    const get = (p: string) =>
      fetch(`http://127.0.0.1:${this.port}${p}`, { signal: AbortSignal.timeout(2_000) }).then(
        async (r) => {
          await r.arrayBuffer();
          return r.status;
        },
        () => 0,
      );
    if (!this.healthyAt && (await get('/healthz')) === 200) {
      this.healthyAt = Date.now();
      this.setBaseline();
    }
    if (this.healthyAt && (await get('/readyz')) === 200 && !this.readyAt) {
      this.readyAt = Date.now();
      this.setBaseline();
    }
  }

  private setBaseline(): void {
    const sample = readMemory(this.pid);
    if (!sample) return;
    this.last = sample;
    this.baseline = sample;
    this.hwmAtBaseline = sample.hwmMb;
    this.maxRssAfterBaseline = sample.rssMb;
  }

  private onLine(line: string): void {
    try {
      const entry = JSON.parse(line) as { level?: number | string; msg?: string };
      const level = typeof entry.level === 'number' ? (LEVELS[entry.level] ?? String(entry.level)) : String(entry.level ?? '?');
      const key = `${level} ${entry.msg ?? ''}`;
      this.logs.set(key, (this.logs.get(key) ?? 0) + 1);
    } catch {
      this.otherLines.push(line);
      if (this.otherLines.length > 20) this.otherLines.shift();
    }
  }
}

const LEVELS: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };

function readMemory(pid: number): MemorySample | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1];
    const rss = kb('VmRSS');
    const hwm = kb('VmHWM');
    // A process that has exited but not been reaped yet (a zombie) has no memory lines.
    if (rss === undefined || hwm === undefined) return undefined;
    return { at: Date.now(), rssMb: Number(rss) / 1024, hwmMb: Number(hwm) / 1024 };
  } catch {
    return undefined; // it ended meanwhile
  }
}

/** Ports free right now on 127.0.0.1 (each found by listening on port 0 and closing). */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => new Promise<net.Server>((resolve) => {
      const s = net.createServer();
      s.listen(0, '127.0.0.1', () => resolve(s));
    })),
  );
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}
