// Lambda containers as child processes running bench/lambda-container.mjs with a bundle: a cold
// one per event (spawned, answers, exits), or a warm one answering events over IPC.
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CONTAINER_SCRIPT = fileURLToPath(new URL('./lambda-container.mjs', import.meta.url));
const RESULT_MARKER = 'bench-result ';
/** BENCH_CPU_PROF=<dir>: every container writes a V8 CPU profile there (bench/profile-summary.ts reads them). */
const PROFILE_ARGS = process.env.BENCH_CPU_PROF
  ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`, '--cpu-prof-interval=100']
  : [];

/** The node binary and flags of a container (bench/lambda-runtime.ts: Lambda's). */
export interface Launch {
  node: string;
  args: string[];
}

export interface HandlerResult {
  statusCode?: number;
  body?: unknown;
}

export interface ColdRun {
  result: HandlerResult;
  /** From spawn to the response line on stdout. */
  responseMs: number;
  /** From spawn to the process's exit. */
  exitMs: number;
  /** Inside the child, since its process started: when the bundle was imported, when it answered. */
  timeline: { started: number; imported: number; answered: number };
  maxRssKb: number;
  /** CPU time of the process (all threads) from its start to its response. */
  cpuMs: number;
  /** Whether the bundle ran from its V8 code cache (a code cache layout only). */
  codeCacheUsed?: boolean;
}

/** A fresh Node process: imports the bundle, answers one event, exits. */
export function coldRun(
  bundle: string,
  env: Record<string, string>,
  event: unknown,
  launch: Launch,
): Promise<ColdRun> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(
      launch.node,
      [...launch.args, ...PROFILE_ARGS, CONTAINER_SCRIPT, 'once', bundle, JSON.stringify(event)],
      {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    let responseMs: number | undefined;
    let parsed: Omit<ColdRun, 'responseMs' | 'exitMs'> | undefined;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      output += chunk;
      if (parsed !== undefined) return;
      const line = output.split('\n').find((candidate) => candidate.startsWith(RESULT_MARKER));
      if (line === undefined || !output.includes('\n', output.indexOf(line))) return;
      responseMs = performance.now() - start;
      const { timeline, maxRssKb, cpuMs, codeCacheUsed, ...result } = JSON.parse(
        line.slice(RESULT_MARKER.length),
      ) as HandlerResult & {
        timeline: ColdRun['timeline'];
        maxRssKb: number;
        cpuMs: number;
        codeCacheUsed?: boolean;
      };
      parsed = {
        result,
        timeline,
        maxRssKb,
        cpuMs,
        ...(codeCacheUsed === undefined ? {} : { codeCacheUsed }),
      };
    });
    let errors = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      errors += chunk;
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      const exitMs = performance.now() - start;
      if (parsed === undefined || responseMs === undefined) {
        reject(new Error(`the cold container exited (${code}) without answering:\n${output}\n${errors}`));
        return;
      }
      resolve({ ...parsed, responseMs, exitMs });
    });
  });
}

/**
 * `node -e 0`, with the same node, flags, environment and pipes as a cold container: from spawn
 * to exit, and the CPU time of the process (printed by the one statement it runs instead of `0`).
 */
export function nodeNoop(
  env: Record<string, string>,
  launch: Launch,
): Promise<{ ms: number; cpuMs: number }> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const script = 'const c = process.cpuUsage(); process.stdout.write(String((c.user + c.system) / 1000))';
    const child = spawn(launch.node, [...launch.args, '-e', script], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      output += chunk;
    });
    child.stderr.resume();
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve({ ms: performance.now() - start, cpuMs: Number(output) })
        : reject(new Error(`node -e exited ${code}`)),
    );
  });
}

export interface WarmAnswer {
  /** The handler's time, measured inside the container. */
  ms: number;
  /** Main-thread CPU time of the container during the call (Node 20: the process's): the bot's own work. */
  cpuMs: number;
  result: HandlerResult;
}

export interface ContainerMemory {
  maxRssKb: number;
  rssKb: number;
  heapUsedKb: number;
}

interface Reply {
  id?: number;
  ready?: boolean;
  ms?: number;
  cpuMs?: number;
  result?: HandlerResult;
  error?: string;
  memory?: ContainerMemory;
  bytes?: number;
}

/** A long-lived container: one handler instance answering event after event. */
export class WarmContainer {
  private nextId = 0;
  private readonly waiting = new Map<number, (reply: Reply) => void>();
  private log = '';

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (reply: Reply) => {
      if (reply.id === undefined) return;
      this.waiting.get(reply.id)?.(reply);
      this.waiting.delete(reply.id);
    });
    // The bot's own log lines: kept for a failure's report, not shown.
    for (const stream of [child.stdout, child.stderr]) {
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => {
        this.log = (this.log + chunk).slice(-8000);
      });
    }
  }

  static async start(bundle: string, env: Record<string, string>, launch: Launch): Promise<WarmContainer> {
    // execArgv set, so that the child does not inherit tsx's loader from this process. Lambda's
    // flags include --expose-gc, which `memory()` uses.
    const child = fork(CONTAINER_SCRIPT, ['serve', bundle], {
      env,
      execPath: launch.node,
      execArgv: [...launch.args, ...PROFILE_ARGS],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const container = new WarmContainer(child);
    await new Promise<void>((resolve, reject) => {
      child.once('message', (reply: Reply) => (reply.ready ? resolve() : reject(new Error('not ready'))));
      child.once('exit', (code) =>
        reject(new Error(`the warm container exited (${code}):\n${container.log}`)),
      );
    });
    return container;
  }

  async invoke(event: unknown): Promise<WarmAnswer> {
    const reply = await this.request({ kind: 'invoke', event });
    if (reply.error !== undefined) throw new Error(`the handler threw: ${reply.error}\n${this.log}`);
    return { ms: reply.ms ?? Number.NaN, cpuMs: reply.cpuMs ?? Number.NaN, result: reply.result ?? {} };
  }

  async memory(): Promise<ContainerMemory> {
    const { memory } = await this.request({ kind: 'memory' });
    if (memory === undefined) throw new Error('the container did not report its memory');
    return memory;
  }

  /** Writes the V8 code cache of the bundle (a code cache layout) as compiled so far. */
  async writeCodeCache(file: string): Promise<number> {
    const reply = await this.request({ kind: 'code-cache', file });
    if (reply.error !== undefined) throw new Error(`no code cache: ${reply.error}`);
    return reply.bytes ?? 0;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.send({ kind: 'exit' });
    await exited;
  }

  private request(message: Record<string, unknown>): Promise<Reply> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, resolve);
      this.child.send({ ...message, id }, (error) => {
        if (error) reject(error);
      });
    });
  }
}
